import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FixedFramer } from "../../web/src/decode/fixed.js";
import { comparable, describeFramerRows, hexToBytes, runFramer, splitAt } from "./helpers.js";

interface Row {
  name: string;
  size: number;
  hex: string;
  frames: number[][];
  issues: unknown[][];
}

const rows: Row[] = [
  {
    name: "the lecture's 12-byte greeting",
    size: 12,
    hex: "68656c6c6f20776f726c6421", // "hello world!"
    frames: [[0, 12, 0, 0, 0, 12]],
    issues: [],
  },
  {
    name: "three 2-byte frames",
    size: 2,
    hex: "aabbccddeeff",
    frames: [
      [0, 2, 0, 0, 0, 2],
      [2, 4, 2, 2, 2, 4],
      [4, 6, 4, 4, 4, 6],
    ],
    issues: [],
  },
  {
    name: "1-byte frames",
    size: 1,
    hex: "0001",
    frames: [
      [0, 1, 0, 0, 0, 1],
      [1, 2, 1, 1, 1, 2],
    ],
    issues: [],
  },
  {
    name: "leftover at the end: BYTES_REMAINING",
    size: 3,
    hex: "aabbccdd",
    frames: [[0, 3, 0, 0, 0, 3]],
    issues: [["BYTES_REMAINING", 3, 4, true]],
  },
  { name: "empty stream", size: 4, hex: "", frames: [], issues: [] },
];

describeFramerRows(
  "fixed framing: spans and issues",
  rows,
  (row) => new FixedFramer({ kind: "fixed", size: row.size }),
);

describe("fixed framing: chunk indices", () => {
  it("frame split after 1 byte spans two chunks; the next lies in the second", () => {
    const out = runFramer(
      new FixedFramer({ kind: "fixed", size: 2 }),
      splitAt(hexToBytes("aabbccdd"), [1]),
    );
    expect(out.frames.map((f) => [f.firstChunk, f.endChunk])).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });

  it("counts empty chunks", () => {
    const out = runFramer(new FixedFramer({ kind: "fixed", size: 2 }), [
      hexToBytes("aa"),
      new Uint8Array(0),
      hexToBytes("bb"),
    ]);
    expect(out.frames.map((f) => [f.firstChunk, f.endChunk])).toEqual([[0, 3]]);
  });

  it("reports nothing more after a fatal leftover", () => {
    const framer = new FixedFramer({ kind: "fixed", size: 4 });
    framer.push(hexToBytes("aabb"));
    expect(framer.end().issues.map((i) => i.code)).toEqual(["BYTES_REMAINING"]);
    expect(framer.stoppedAt).toBe(0);
  });
});

describe("fixed framing: properties", () => {
  it("any chunking gives the same frames and issues as the whole stream", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.uint8Array({ maxLength: 100 }).chain((b) =>
          fc.tuple(
            fc.constant(b),
            fc
              .uniqueArray(fc.integer({ min: 0, max: b.length }))
              .map((c) => c.sort((x, y) => x - y)),
          ),
        ),
        (size, [bytes, cuts]) => {
          const spec = { kind: "fixed", size } as const;
          const whole = runFramer(new FixedFramer(spec), [bytes]);
          const split = runFramer(new FixedFramer(spec), splitAt(bytes, cuts));
          expect(comparable(split)).toEqual(comparable(whole));
          expect(whole.frames.length).toBe(Math.floor(bytes.length / size));
          expect(whole.issues.length).toBe(bytes.length % size === 0 ? 0 : 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
