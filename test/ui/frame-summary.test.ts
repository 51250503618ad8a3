import { describe, expect, it } from "vitest";
import type { Frame, FrameInfo } from "../../web/src/decode/frame.js";
import { decodePayload } from "../../web/src/decode/payload.js";
import { walkRaw } from "../../web/src/decode/raw-walk.js";
import {
  payloadPreview,
  shortName,
  summarizeFrame,
  SUMMARY_MAX,
} from "../../web/src/ui/frame-summary.js";

function frame(info: FrameInfo | undefined = undefined): Frame {
  return {
    index: 0,
    start: 0,
    end: 10,
    headStart: 0,
    headEnd: 4,
    payloadStart: 4,
    payloadEnd: 10,
    firstChunk: 0,
    endChunk: 1,
    info,
  };
}

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe("frame summaries", () => {
  it("writes a schemaless message by field number", () => {
    const payload = Uint8Array.of(0x08, 0x96, 0x01, 0x12, 0x02, 0x68, 0x69);
    expect(summarizeFrame(frame(), payload, walkRaw(payload, 4))).toBe('1: 150, 2: "hi"');
  });

  it("says a payload was not decoded, and why, instead of an empty or made-up message", () => {
    const bad = Uint8Array.of(0x0f, 0x01, 0x02);
    expect(summarizeFrame(frame(), bad, walkRaw(bad, 4))).toBe(
      "not decoded (INVALID_WIRE_TYPE): 0f 01 02",
    );
    const notGzip = bytes("hello, not gzip");
    const gz: FrameInfo = { kind: "length", length: notGzip.length, flags: 0x80000000, gzip: true };
    expect(summarizeFrame(frame(gz), notGzip, decodePayload(notGzip, 4, gz, undefined))).toBe(
      'not decoded (DECOMPRESS_FAILED): "hello, not gzip"',
    );
  });

  it("writes a payload without a message as text when printable, else as hex", () => {
    expect(summarizeFrame(frame(), bytes("PING\r\n"), undefined)).toBe('"PING\\r\\n"');
    expect(summarizeFrame(frame(), Uint8Array.of(0, 1, 0xff), undefined)).toBe("00 01 ff");
    expect(payloadPreview(new Uint8Array(40))).toMatch(/^00 00 .* … \(40 B\)$/);
    expect(payloadPreview(new Uint8Array(0))).toBe("(empty)");
  });

  it("leads with the HTTP/1 start line", () => {
    const info: FrameInfo = {
      kind: "http1",
      startLine: "GET / HTTP/1.1",
      isRequest: true,
      body: "none",
      parts: undefined,
    };
    expect(summarizeFrame(frame(info), new Uint8Array(0), undefined)).toBe("GET / HTTP/1.1");
    expect(summarizeFrame(frame(info), bytes("abc"), undefined)).toBe("GET / HTTP/1.1 (3 B body)");
  });

  it(`never runs longer than ${SUMMARY_MAX} characters`, () => {
    const long = bytes("x".repeat(500));
    const s = summarizeFrame(frame(), long, undefined);
    expect(s.length).toBe(SUMMARY_MAX);
    expect(s.endsWith("…")).toBe(true);
  });

  it("shortens type names to the last part", () => {
    expect(shortName("abi.CommandRequest")).toBe("CommandRequest");
    expect(shortName("Top")).toBe("Top");
  });
});
