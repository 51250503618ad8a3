import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { VarintSpec } from "../../web/src/decode/spec.js";
import { VarintFramer } from "../../web/src/decode/varint.js";
import {
  brief,
  comparable,
  describeFramerRows,
  hexToBytes,
  runFramer,
  spans,
  splitAt,
} from "./helpers.js";

const varint = (max = 8 * 1024 * 1024, offset = 0): VarintSpec => ({ kind: "varint", offset, max });

interface Row {
  name: string;
  max?: number;
  offset?: number;
  hex: string;
  frames: number[][];
  issues: unknown[][];
}

const rows: Row[] = [
  {
    name: "one-byte and two-byte varints",
    hex: "0161" + "8001" + "00".repeat(128),
    frames: [
      [0, 2, 0, 1, 1, 2],
      [2, 132, 2, 4, 4, 132],
    ],
    issues: [],
  },
  {
    name: "offset 2: the bytes before the varint stay in the head",
    offset: 2,
    hex: "aabb03616263" + "ccdd00",
    frames: [
      [0, 6, 0, 3, 3, 6],
      [6, 9, 6, 9, 9, 9],
    ],
    issues: [],
  },
  {
    name: "bits past 31 of a 5-byte varint fall off (0x70 adds nothing)",
    hex: "8080808070",
    frames: [[0, 5, 0, 5, 5, 5]],
    issues: [],
  },
  {
    name: "bit 31 set: a negative size, CORRUPT_FRAME on the varint",
    max: 2 ** 40,
    offset: 1,
    hex: "00" + "8080808008",
    frames: [],
    issues: [["CORRUPT_FRAME", 1, 6, true]],
  },
  {
    name: "0xffffffff is -1 to protobuf-java: CORRUPT_FRAME",
    max: 2 ** 40,
    hex: "0100" + "ffffffff0f",
    frames: [[0, 2, 0, 1, 1, 2]],
    issues: [["CORRUPT_FRAME", 2, 7, true]],
  },
  {
    name: "a 10th byte with the continuation bit: MALFORMED_VARINT",
    hex: "ff".repeat(10),
    frames: [],
    issues: [["MALFORMED_VARINT", 0, 10, true]],
  },
  {
    name: "length above max: FRAME_TOO_LARGE on the varint",
    max: 3,
    hex: "03616263" + "04",
    frames: [[0, 4, 0, 1, 1, 4]],
    issues: [["FRAME_TOO_LARGE", 4, 5, true]],
  },
  {
    name: "stream ends inside the offset bytes: BYTES_REMAINING",
    offset: 3,
    hex: "aabb",
    frames: [],
    issues: [["BYTES_REMAINING", 0, 2, true]],
  },
  {
    name: "stream ends inside the varint: BYTES_REMAINING",
    hex: "9601",
    frames: [],
    issues: [["BYTES_REMAINING", 0, 2, true]],
  },
];

describeFramerRows(
  "varint framing: spans and issues",
  rows,
  (row) => new VarintFramer(varint(row.max, row.offset)),
);

describe("varint framing: when issues appear", () => {
  it("a malformed varint is reported on its 10th byte, without waiting for an 11th", () => {
    const framer = new VarintFramer(varint());
    expect(framer.push(hexToBytes("80".repeat(9))).issues).toEqual([]);
    expect(framer.push(hexToBytes("80")).issues.map((i) => i.code)).toEqual(["MALFORMED_VARINT"]);
  });

  it("a too-long length is reported as soon as the varint ends", () => {
    const framer = new VarintFramer(varint(65536));
    expect(framer.push(hexToBytes("808080")).issues).toEqual([]);
    expect(framer.push(hexToBytes("01")).issues.map(brief)).toEqual([
      ["FRAME_TOO_LARGE", 0, 4, true],
    ]);
  });
});

describe("varint framing: chunk indices", () => {
  it("varint split after 1 byte, payload in the third chunk", () => {
    const input = hexToBytes("8101" + "00".repeat(129) + "00");
    const out = runFramer(new VarintFramer(varint()), splitAt(input, [1, 2]));
    expect(out.frames.map((f) => [f.firstChunk, f.endChunk])).toEqual([
      [0, 3],
      [2, 3],
    ]);
  });
});

describe("varint framing: properties", () => {
  // Mostly small lengths, some continuation bytes.
  const byteArb = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
  );
  const inputArb = fc
    .array(byteArb, { maxLength: 150 })
    .map((a) => Uint8Array.from(a))
    .chain((b) =>
      fc.tuple(
        fc.constant(b),
        fc.uniqueArray(fc.integer({ min: 0, max: b.length })).map((c) => c.sort((x, y) => x - y)),
      ),
    );

  it("any chunking gives the same frames and issues as the whole stream", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 2 }),
        inputArb,
        (max, offset, [bytes, cuts]) => {
          const whole = runFramer(new VarintFramer(varint(max, offset)), [bytes]);
          const split = runFramer(new VarintFramer(varint(max, offset)), splitAt(bytes, cuts));
          expect(comparable(split)).toEqual(comparable(whole));
          expect(whole.issues.length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("varint framing: a 2 GiB length", () => {
  it("counts the payload without keeping it", () => {
    const framer = new VarintFramer(varint(2 ** 40));
    const before = process.memoryUsage();
    expect(framer.push(hexToBytes("ffffffff07")).issues).toEqual([]);
    const mib = new Uint8Array(1 << 20);
    for (let k = 0; k < 2047; k++) expect(framer.push(mib).frames).toEqual([]);
    const last = framer.push(mib.subarray(1));
    const after = process.memoryUsage();
    expect(last.frames.map(spans)).toEqual([[0, 2 ** 31 + 4, 0, 5, 5, 2 ** 31 + 4]]);
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(256 * 1024 * 1024);
  });
});
