import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../../web/src/decode/hex.js";

/** Node's own hex, the reference. */
const nodeHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

describe("hex", () => {
  it("any bytes give Node's lower-case hex, and hexToBytes reads it back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const hex = bytesToHex(bytes);
        expect(hex).toBe(nodeHex(bytes));
        expect(hexToBytes(hex)).toEqual(bytes);
        expect(hexToBytes(hex.toUpperCase())).toEqual(bytes);
      }),
    );
  });

  it("payloads longer than one piece (8192 bytes), cut anywhere, are whole and in order", () => {
    const big = Uint8Array.from({ length: 3 * 8192 + 17 }, (_x, i) => (i * 151 + (i >> 8)) & 0xff);
    for (const n of [8191, 8192, 8193, 16384, big.length]) {
      const part = big.subarray(0, n);
      expect(bytesToHex(part)).toBe(nodeHex(part));
    }
  });

  it("bad hex is refused", () => {
    expect(() => hexToBytes("abc")).toThrow(/not hex/);
    expect(() => hexToBytes("zz")).toThrow(/not hex/);
    expect(bytesToHex(new Uint8Array(0))).toBe("");
  });
});
