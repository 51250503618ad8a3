import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DelimFramer } from "../../web/src/decode/delim.js";
import type { DelimSpec } from "../../web/src/decode/spec.js";
import {
  brief,
  comparable,
  describeFramerRows,
  hexToBytes,
  runFramer,
  spans,
  splitAt,
} from "./helpers.js";

const delim = (sepHex: string, max = 65536): DelimSpec => ({
  kind: "delim",
  sep: hexToBytes(sepHex),
  max,
});

interface Row {
  name: string;
  sep: string;
  max?: number;
  hex: string;
  frames: number[][];
  issues: unknown[][];
}

const rows: Row[] = [
  {
    name: "lines, one of them empty",
    sep: "0a",
    hex: "610a" + "0a" + "62630a",
    frames: [
      [0, 2, 1, 2, 0, 1],
      [2, 3, 2, 3, 2, 2],
      [3, 6, 5, 6, 3, 5],
    ],
    issues: [],
  },
  {
    name: "\\r\\n with a lone \\r in the payload",
    sep: "0d0a",
    hex: "61620d0a" + "0d0d0a",
    frames: [
      [0, 4, 2, 4, 0, 2],
      [4, 7, 5, 7, 4, 5],
    ],
    issues: [],
  },
  {
    name: "a separator that starts inside a partial match (aab in aaab)",
    sep: "616162",
    hex: "61616162",
    frames: [[0, 4, 1, 4, 0, 1]],
    issues: [],
  },
  {
    name: "overlapping separators are taken left to right (abab in ababab)",
    sep: "61626162",
    hex: "616261626162",
    frames: [[0, 4, 0, 4, 0, 0]],
    issues: [["BYTES_REMAINING", 4, 6, true]],
  },
  {
    name: "a payload of exactly max bytes",
    sep: "0d0a",
    max: 3,
    hex: "6162630d0a",
    frames: [[0, 5, 3, 5, 0, 3]],
    issues: [],
  },
  {
    name: "max + 1 payload bytes without a separator: FRAME_TOO_LARGE",
    sep: "0a",
    max: 3,
    hex: "610a" + "6263646566",
    frames: [[0, 2, 1, 2, 0, 1]],
    issues: [["FRAME_TOO_LARGE", 2, 6, true]],
  },
  {
    name: "a payload of max + 1 bytes followed by its separator is still too large",
    sep: "0d0a",
    max: 3,
    hex: "616263640d0a",
    frames: [],
    issues: [["FRAME_TOO_LARGE", 0, 4, true]],
  },
  {
    name: "bytes after the last separator: BYTES_REMAINING",
    sep: "00",
    hex: "6100" + "6263",
    frames: [[0, 2, 1, 2, 0, 1]],
    issues: [["BYTES_REMAINING", 2, 4, true]],
  },
  {
    name: "a 16-byte separator",
    sep: "0102030405060708090a0b0c0d0e0f10",
    hex: "ff0102030405060708090a0b0c0d0e0f10",
    frames: [[0, 17, 1, 17, 0, 1]],
    issues: [],
  },
];

describeFramerRows(
  "delim framing: spans and issues",
  rows,
  (row) => new DelimFramer(delim(row.sep, row.max)),
);

describe("delim framing: when issues appear", () => {
  it("FRAME_TOO_LARGE comes with the (max + 1)th payload byte, not later", () => {
    const framer = new DelimFramer(delim("0a", 2));
    expect(framer.push(hexToBytes("6162")).issues).toEqual([]);
    expect(framer.push(hexToBytes("63")).issues.map(brief)).toEqual([
      ["FRAME_TOO_LARGE", 0, 3, true],
    ]);
  });

  it("a byte that may start the separator is not yet counted as payload", () => {
    const framer = new DelimFramer(delim("0d0a", 2));
    expect(framer.push(hexToBytes("61620d")).issues).toEqual([]);
    expect(framer.push(hexToBytes("0a")).frames.map(spans)).toEqual([[0, 4, 2, 4, 0, 2]]);
  });

  it("says no separator was found when the stream ends", () => {
    const out = runFramer(new DelimFramer(delim("0d0a")), [hexToBytes("6162")]);
    expect(out.issues[0]?.text).toMatch(/no separator/);
  });
});

describe("delim framing: chunk indices", () => {
  it("separator split after its first byte", () => {
    const input = hexToBytes("61620d0a" + "630d0a");
    const out = runFramer(new DelimFramer(delim("0d0a")), splitAt(input, [3, 5]));
    expect(out.frames.map((f) => [f.firstChunk, f.endChunk])).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });
});

describe("delim framing: properties", () => {
  // A small alphabet so that separators, partial matches and overlaps occur.
  const alphabet = fc.integer({ min: 0, max: 2 });
  const sepArb = fc.array(alphabet, { minLength: 1, maxLength: 4 }).map((a) => Uint8Array.from(a));
  const inputArb = fc
    .array(alphabet, { maxLength: 150 })
    .map((a) => Uint8Array.from(a))
    .chain((b) =>
      fc.tuple(
        fc.constant(b),
        fc.uniqueArray(fc.integer({ min: 0, max: b.length })).map((c) => c.sort((x, y) => x - y)),
      ),
    );

  it("any chunking gives the same frames and issues as the whole stream", () => {
    fc.assert(
      fc.property(sepArb, fc.integer({ min: 0, max: 12 }), inputArb, (sep, max, [bytes, cuts]) => {
        const spec: DelimSpec = { kind: "delim", sep, max };
        const whole = runFramer(new DelimFramer(spec), [bytes]);
        const split = runFramer(new DelimFramer(spec), splitAt(bytes, cuts));
        expect(comparable(split)).toEqual(comparable(whole));
      }),
      { numRuns: 500 },
    );
  });

  it("cuts at the first separator, as a plain search would", () => {
    fc.assert(
      fc.property(sepArb, inputArb, (sep, [bytes]) => {
        const out = runFramer(new DelimFramer({ kind: "delim", sep, max: 1000 }), [bytes]);
        let from = 0;
        for (const f of out.frames) {
          expect(f.start).toBe(from);
          expect(firstIndex(bytes, sep, from)).toBe(f.payloadEnd);
          from = f.end;
        }
        expect(firstIndex(bytes, sep, from)).toBe(-1);
      }),
      { numRuns: 500 },
    );
  });
});

/** A naive search: the first index at or after `from` where `sep` occurs, or -1. */
function firstIndex(hay: Uint8Array, sep: Uint8Array, from: number): number {
  for (let i = from; i + sep.length <= hay.length; i++) {
    if (sep.every((b, k) => hay[i + k] === b)) return i;
  }
  return -1;
}
