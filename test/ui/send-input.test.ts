import { describe, expect, it } from "vitest";
import { parseSendInput } from "../../web/src/ui/send-input.js";

const bytes = (r: ReturnType<typeof parseSendInput>) => (r.ok ? [...r.bytes] : r.error);

describe("parseSendInput", () => {
  it.each([
    ["plain text", "hi", [0x68, 0x69]],
    ["CR LF escapes", "PING\\r\\n", [0x50, 0x49, 0x4e, 0x47, 0x0d, 0x0a]],
    ["a hex escape", "\\x00\\xff", [0x00, 0xff]],
    ["a backslash", "a\\\\b", [0x61, 0x5c, 0x62]],
    ["UTF-8", "é", [0xc3, 0xa9]],
  ])("reads text: %s", (_name, input, out) => {
    expect(bytes(parseSendInput("text", input))).toEqual(out);
  });

  it("refuses an unknown escape, saying where", () => {
    expect(bytes(parseSendInput("text", "a\\q"))).toMatch(/unknown escape at 2/);
  });

  it("reads a long text in one piece (a million characters)", () => {
    const r = parseSendInput("text", "é".repeat(500_000) + "\\n" + "x".repeat(500_000));
    expect(r.ok && [r.bytes.length, r.bytes[1_000_000], r.bytes.at(-1)]).toEqual([
      1_500_001, 0x0a, 0x78,
    ]);
  });

  it("reads hex with spaces and refuses odd digits", () => {
    expect(bytes(parseSendInput("hex", "00 0A ff"))).toEqual([0, 10, 255]);
    expect(bytes(parseSendInput("hex", "abc"))).toMatch(/pairs of digits/);
  });
});
