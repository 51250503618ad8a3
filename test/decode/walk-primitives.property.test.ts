import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  SCAN_CONTAINERS,
  SCAN_FAIL,
  SCAN_FLAT,
  scanAscii,
  scanMessage,
} from "../../web/src/decode/raw-walk-guess.js";
import { decodeUtf8, firstBadUtf8 } from "../../web/src/decode/utf8.js";
import { newVarint, readVarint, skipVarint } from "../../web/src/decode/wire.js";
import { hexToBytes } from "./helpers.js";

/** Bytes below 0x80 that are often tags (groups, lengths and ends included), so scans get far. */
const asciiBytes = fc.uint8Array({ maxLength: 40 }).map((b) =>
  b.map((x) => {
    const pick = [0x0b, 0x0c, 0x13, 0x14, 0x0a, 0x08, 0x0d, 0x09, 0x02, 0x01, 0x61];
    return x < 128 ? (pick[x % pick.length] ?? 0) : x & 0x7f;
  }),
);

describe("walk primitives agree with the general readers", () => {
  it("scanAscii gives scanMessage's answer for bytes below 0x80 (or -1: groups deeper than 7)", () => {
    fc.assert(
      fc.property(asciiBytes, fc.integer({ min: 0, max: 10 }), (bytes, budget) => {
        const fast = scanAscii(bytes, 0, bytes.length, budget);
        // -1 (groups nested deeper than 7) leaves the answer to scanMessage: see the table below.
        if (fast !== -1) expect(fast).toBe(scanMessage(bytes, 0, bytes.length, budget));
      }),
      { numRuns: 5000 },
    );
  });

  const scans: [string, string, number, number][] = [
    ["empty", "", 10, SCAN_FLAT],
    ["one varint field", "0801", 10, SCAN_FLAT],
    ["a varint cut by the end", "08", 10, SCAN_FAIL],
    ["an I32 that fits", "0d01020304", 10, SCAN_FLAT],
    ["an I64 past the end", "09010203", 10, SCAN_FAIL],
    ["a LEN field", "0a026869", 10, SCAN_CONTAINERS],
    ["a LEN field past the end", "0a056869", 10, SCAN_FAIL],
    ["a matched group", "0b08010c", 10, SCAN_CONTAINERS],
    ["a group over the budget", "0b08010c", 0, SCAN_FAIL],
    ["an unmatched end", "0c", 10, SCAN_FAIL],
    ["an open group", "0b0801", 10, SCAN_FAIL],
    ["eight nested groups: undecided", "0b".repeat(8) + "0c".repeat(8), 10, -1],
    ["field number 0", "0001", 10, SCAN_FAIL],
    ["wire type 6", "0e", 10, SCAN_FAIL],
  ];
  for (const [name, hex, budget, want] of scans) {
    it(`scanAscii: ${name}`, () => {
      const bytes = hexToBytes(hex);
      expect(scanAscii(bytes, 0, bytes.length, budget)).toBe(want);
      if (want !== -1) expect(scanMessage(bytes, 0, bytes.length, budget)).toBe(want);
    });
  }

  it("skipVarint ends where readVarint does, failures included", () => {
    const v = newVarint();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 14 }), fc.nat(14), fc.nat(14), (bytes, a, b) => {
        const pos = Math.min(a, bytes.length);
        const end = Math.min(Math.max(pos, b), bytes.length);
        expect(skipVarint(bytes, pos, end)).toBe(readVarint(bytes, pos, end, v).next);
      }),
      { numRuns: 5000 },
    );
  });

  it("firstBadUtf8 finds decodeUtf8's first bad byte (or -1 when it decodes)", () => {
    const utf8ish = fc
      .uint8Array({ maxLength: 24 })
      .map((b) =>
        b.map(
          (x) =>
            [0x41, 0xc2, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0][x % 12] ?? x,
        ),
      );
    fc.assert(
      fc.property(fc.oneof(utf8ish, fc.uint8Array({ maxLength: 24 })), (bytes) => {
        const r = decodeUtf8(bytes);
        expect(firstBadUtf8(bytes, 0, bytes.length)).toBe(r.ok ? -1 : r.at);
      }),
      { numRuns: 5000 },
    );
  });
});
