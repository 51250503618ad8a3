import { describe, expect, it } from "vitest";
import {
  asciiChar,
  bytesToBase64,
  escapeBytes,
  formatSize,
  isPrintableText,
  spacedHex,
} from "../../web/src/ui/byte-text.js";

describe("byte text", () => {
  it.each([
    ["printable ASCII as is", [0x68, 0x69], "hi"],
    ["quotes and backslashes escaped", [0x22, 0x5c], '\\"\\\\'],
    ["CR LF and tab by name", [0x0d, 0x0a, 0x09], "\\r\\n\\t"],
    ["NUL as \\0", [0x00], "\\0"],
    ["other bytes as \\xNN", [0x89, 0x7f, 0x1f], "\\x89\\x7f\\x1f"],
  ])("escapes %s", (_name, bytes, text) => {
    expect(escapeBytes(Uint8Array.from(bytes))).toBe(text);
  });

  it("escapes at most max bytes, then an ellipsis", () => {
    expect(escapeBytes(Uint8Array.of(0x61, 0x62, 0x63), 2)).toBe("ab…");
  });

  it("writes hex with spaces, ASCII cells and base64", () => {
    expect(spacedHex(Uint8Array.of(0, 0xab, 0x0f))).toBe("00 ab 0f");
    expect([0x41, 0x20, 0x7e, 0x7f, 0x0a, 0xff].map(asciiChar).join("")).toBe("A ~...");
    expect(bytesToBase64(Uint8Array.of(0x89, 0x50, 0x4e, 0x47))).toBe("iVBORw==");
  });

  it("calls text printable only when every byte is", () => {
    expect(isPrintableText(Uint8Array.of(0x61, 0x0d, 0x0a))).toBe(true);
    expect(isPrintableText(Uint8Array.of(0x61, 0x00))).toBe(false);
  });

  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [6246, "6.1 KiB"],
    [3 * 1024 * 1024, "3.0 MiB"],
  ])("formats %i bytes as %s", (n, text) => {
    expect(formatSize(n)).toBe(text);
  });
});
