import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CHUNK_HEAD_SIZE,
  encodeChunk,
  readChunkHead,
  type ChunkHead,
} from "../../web/src/session/bridge-protocol.js";
import { bytesToHex, hexToBytes } from "../../web/src/decode/hex.js";

describe("chunk head", () => {
  const cases: { name: string; head: ChunkHead; bytes: string; hex: string }[] = [
    {
      name: "page send: c2s, view 0, time 0",
      head: { dir: "c2s", view: 0, conn: 1, time: 0 },
      bytes: "68656c6c6f",
      hex: "0100 0000 00000001 0000000000000000 68656c6c6f",
    },
    {
      name: "s2c chunk of view 258, conn 0x01020304, a 2025 timestamp",
      head: { dir: "s2c", view: 258, conn: 0x01020304, time: 1_763_000_000_123_456 },
      bytes: "",
      hex: "0101 0102 01020304 000643706cbf1240",
    },
    {
      name: "largest fields",
      head: { dir: "s2c", view: 0xffff, conn: 0xffffffff, time: Number.MAX_SAFE_INTEGER },
      bytes: "00",
      hex: "0101 ffff ffffffff 001fffffffffffff 00",
    },
  ];
  for (const c of cases) {
    it(`encodes and reads back: ${c.name}`, () => {
      const msg = encodeChunk(c.head, hexToBytes(c.bytes));
      expect(bytesToHex(msg)).toBe(c.hex.replaceAll(" ", ""));
      const r = readChunkHead(msg);
      expect(r).toEqual({ ok: true, head: c.head });
      expect(bytesToHex(msg.subarray(CHUNK_HEAD_SIZE))).toBe(c.bytes);
    });
  }

  const bad: { name: string; hex: string; error: string }[] = [
    { name: "15 bytes", hex: "010000000000000100000000000000", error: "SHORT_HEAD" },
    { name: "kind 2", hex: "02000000000000010000000000000000", error: "UNKNOWN_KIND" },
    { name: "direction 2", hex: "01020000000000010000000000000000", error: "BAD_DIRECTION" },
    { name: "time over 2^53", hex: "01000000000000010020000000000000", error: "TIME_TOO_LARGE" },
  ];
  for (const c of bad) {
    it(`refuses a head: ${c.name}`, () => {
      expect(readChunkHead(hexToBytes(c.hex))).toEqual({ ok: false, error: c.error });
    });
  }

  it("refuses out-of-range fields when writing", () => {
    expect(() =>
      encodeChunk({ dir: "c2s", view: 65536, conn: 0, time: 0 }, new Uint8Array()),
    ).toThrow(RangeError);
    expect(() => encodeChunk({ dir: "c2s", view: 0, conn: -1, time: 0 }, new Uint8Array())).toThrow(
      RangeError,
    );
    expect(() =>
      encodeChunk({ dir: "c2s", view: 0, conn: 0, time: 1.5 }, new Uint8Array()),
    ).toThrow(RangeError);
  });

  it("any head round-trips and random bytes never throw", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<"c2s" | "s2c">("c2s", "s2c"),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.maxSafeNat(),
        fc.uint8Array({ maxLength: 40 }),
        (dir, view, conn, time, bytes) => {
          const head = { dir, view, conn, time };
          expect(readChunkHead(encodeChunk(head, bytes))).toEqual({ ok: true, head });
        },
      ),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const r = readChunkHead(bytes);
        expect(typeof r.ok).toBe("boolean");
      }),
    );
  });
});
