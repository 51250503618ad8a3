import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GrpcFramer } from "../../web/src/decode/grpc.js";
import type { GrpcSpec } from "../../web/src/decode/spec.js";
import {
  brief,
  comparable,
  describeFramerRows,
  hexToBytes,
  runFramer,
  spans,
  splitAt,
} from "./helpers.js";

const grpc = (max = 4 * 1024 * 1024): GrpcSpec => ({ kind: "grpc", max });

interface Row {
  name: string;
  max?: number;
  hex: string;
  frames: number[][];
  /** [flag, compressed, trailer] per frame */
  info?: unknown[][];
  issues: unknown[][];
}

const rows: Row[] = [
  {
    name: "plain, compressed, trailers and compressed trailers frames",
    hex: "0000000001aa" + "0100000000" + "800000000161" + "8100000000",
    frames: [
      [0, 6, 0, 5, 5, 6],
      [6, 11, 6, 11, 11, 11],
      [11, 17, 11, 16, 16, 17],
      [17, 22, 17, 22, 22, 22],
    ],
    info: [
      [0, false, false],
      [1, true, false],
      [0x80, false, true],
      [0x81, true, true],
    ],
    issues: [],
  },
  {
    name: "flag 0x02: INVALID_COMPRESSED_FLAG on the flag byte",
    hex: "0000000000" + "0200000000",
    frames: [[0, 5, 0, 5, 5, 5]],
    issues: [["INVALID_COMPRESSED_FLAG", 5, 6, true]],
  },
  {
    name: "length above max: FRAME_TOO_LARGE on the length field",
    max: 3,
    hex: "0000000003aabbcc" + "0000000004",
    frames: [[0, 8, 0, 5, 5, 8]],
    issues: [["FRAME_TOO_LARGE", 9, 13, true]],
  },
  {
    name: "stream ends inside the head: BYTES_REMAINING",
    hex: "000000",
    frames: [],
    issues: [["BYTES_REMAINING", 0, 3, true]],
  },
  {
    name: "stream ends inside the message: BYTES_REMAINING",
    hex: "0000000001aa" + "0000000002bb",
    frames: [[0, 6, 0, 5, 5, 6]],
    issues: [["BYTES_REMAINING", 6, 12, true]],
  },
];

describeFramerRows(
  "grpc framing: spans and issues",
  rows,
  (row) => new GrpcFramer(grpc(row.max)),
  (row, out) => {
    if (row.info) {
      expect(
        out.frames.map((f) =>
          f.info?.kind === "grpc" ? [f.info.flag, f.info.compressed, f.info.trailer] : [],
        ),
      ).toEqual(row.info);
    }
  },
);

describe("grpc framing: when issues appear", () => {
  it("reports a bad flag as soon as the flag byte arrives, and stops", () => {
    const framer = new GrpcFramer(grpc());
    const out = framer.push(hexToBytes("7f"));
    expect(out.issues.map(brief)).toEqual([["INVALID_COMPRESSED_FLAG", 0, 1, true]]);
    expect(framer.stoppedAt).toBe(0);
    expect(framer.push(hexToBytes("0000000000")).frames).toEqual([]);
    expect(framer.end().issues).toEqual([]);
  });

  it("rejects a too-long message from the 5-byte head alone", () => {
    const framer = new GrpcFramer(grpc(10));
    expect(framer.push(hexToBytes("00000000")).issues).toEqual([]);
    expect(framer.push(hexToBytes("0b")).issues.map((i) => i.code)).toEqual(["FRAME_TOO_LARGE"]);
  });
});

describe("grpc framing: chunk indices", () => {
  it("head split after 2 bytes, message in the next chunk", () => {
    const out = runFramer(
      new GrpcFramer(grpc()),
      splitAt(hexToBytes("0000000002aabb" + "0000000000"), [2, 6]),
    );
    expect(out.frames.map((f) => [f.firstChunk, f.endChunk])).toEqual([
      [0, 3],
      [2, 3],
    ]);
  });
});

describe("grpc framing: properties", () => {
  // Flags 0, 1 and a rare bad one; lengths mostly small.
  const byteArb = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(0x80, 0x81, 0x02, 0xff) },
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
      fc.property(fc.integer({ min: 0, max: 5 }), inputArb, (max, [bytes, cuts]) => {
        const whole = runFramer(new GrpcFramer(grpc(max)), [bytes]);
        const split = runFramer(new GrpcFramer(grpc(max)), splitAt(bytes, cuts));
        expect(comparable(split)).toEqual(comparable(whole));
        expect(whole.issues.filter((i) => !i.fatal)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

describe("grpc framing: a 4 GiB message", () => {
  it("counts the message without keeping it", () => {
    const framer = new GrpcFramer(grpc(2 ** 32 - 1));
    const before = process.memoryUsage();
    expect(framer.push(hexToBytes("00ffffffff")).issues).toEqual([]);
    const mib = new Uint8Array(1 << 20);
    for (let k = 0; k < 4095; k++) expect(framer.push(mib).frames).toEqual([]);
    const last = framer.push(mib.subarray(1));
    const after = process.memoryUsage();
    expect(last.frames.map(spans)).toEqual([[0, 2 ** 32 + 4, 0, 5, 5, 2 ** 32 + 4]]);
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(256 * 1024 * 1024);
  });
});
