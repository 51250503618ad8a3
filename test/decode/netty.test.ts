import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NettyFramer } from "../../web/src/decode/netty.js";
import { parseFramingSpec, type NettySpec } from "../../web/src/decode/spec.js";
import {
  brief,
  comparable,
  describeFramerRows,
  hexToBytes,
  runFramer,
  spans,
  splitAt,
} from "./helpers.js";

function nettySpec(text: string): NettySpec {
  const r = parseFramingSpec(text);
  if (!r.ok || r.spec.kind !== "netty") throw new Error(`bad spec ${text}`);
  return r.spec;
}

const HELLO = "48454c4c4f2c20574f524c44"; // "HELLO, WORLD", 12 bytes

interface Row {
  name: string;
  spec: string;
  hex: string;
  frames: number[][];
  issues: unknown[][];
}

const rows: Row[] = [
  // The six examples of LengthFieldBasedFrameDecoder's Javadoc.
  {
    name: "2-byte length at offset 0, no strip",
    spec: "netty:size=2",
    hex: "000c" + HELLO,
    frames: [[0, 14, 0, 2, 0, 14]],
    issues: [],
  },
  {
    name: "2-byte length at offset 0, strip the length",
    spec: "netty:size=2,strip=2",
    hex: "000c" + HELLO,
    frames: [[0, 14, 0, 2, 2, 14]],
    issues: [],
  },
  {
    name: "length counts the whole frame (adjust -2)",
    spec: "netty:size=2,adjust=-2",
    hex: "000e" + HELLO,
    frames: [[0, 14, 0, 2, 0, 14]],
    issues: [],
  },
  {
    name: "3-byte length at the end of a 5-byte head",
    spec: "netty:offset=2,size=3",
    hex: "cafe00000c" + HELLO,
    frames: [[0, 17, 2, 5, 0, 17]],
    issues: [],
  },
  {
    name: "3-byte length at the start of a 5-byte head (adjust 2)",
    spec: "netty:size=3,adjust=2",
    hex: "00000ccafe" + HELLO,
    frames: [[0, 17, 0, 3, 0, 17]],
    issues: [],
  },
  {
    name: "HDR1, length, HDR2: strip HDR1 and the length",
    spec: "netty:offset=1,size=2,adjust=1,strip=3",
    hex: "ca000cfe" + HELLO,
    frames: [[0, 16, 1, 3, 3, 16]],
    issues: [],
  },
  {
    name: "HDR1, length of the whole frame, HDR2",
    spec: "netty:offset=1,size=2,adjust=-3,strip=3",
    hex: "ca0010fe" + HELLO,
    frames: [[0, 16, 1, 3, 3, 16]],
    issues: [],
  },
  {
    name: "little-endian 4-byte length, two frames",
    spec: "netty:size=4,endian=le,strip=4",
    hex: "02000000aabb" + "00000000",
    frames: [
      [0, 6, 0, 4, 4, 6],
      [6, 10, 6, 10, 10, 10],
    ],
    issues: [],
  },
  {
    name: "negative 8-byte field: CORRUPT_FRAME, 8 bytes skipped, decoding goes on",
    spec: "netty:size=8",
    hex: "ffffffffffffffff" + "0000000000000001" + "61",
    frames: [[8, 17, 8, 16, 8, 17]],
    issues: [["CORRUPT_FRAME", 0, 8, false]],
  },
  {
    name: "adjusted length shorter than offset + size: CORRUPT_FRAME, offset + size skipped",
    spec: "netty:offset=1,size=2,adjust=-4",
    hex: "aa0001" + "bb0005cc",
    frames: [[3, 7, 4, 6, 3, 7]],
    issues: [["CORRUPT_FRAME", 0, 3, false]],
  },
  {
    name: "strip longer than the frame: CORRUPT_FRAME once the frame is in, the frame skipped",
    spec: "netty:size=1,strip=2",
    hex: "00" + "0161",
    frames: [[1, 3, 1, 2, 3, 3]],
    issues: [["CORRUPT_FRAME", 0, 1, false]],
  },
  {
    name: "too long (failfast): the whole frame discarded, the next one decoded",
    spec: "netty:size=1,max=4",
    hex: "0511223344" + "55" + "026162",
    frames: [[6, 9, 6, 7, 6, 9]],
    issues: [
      ["FRAME_TOO_LARGE", 0, 1, false],
      ["DISCARDED_BYTES", 0, 6, false],
    ],
  },
  {
    name: "too long (no failfast): one issue over the discarded bytes",
    spec: "netty:size=1,max=4,failfast=0",
    hex: "0511223344" + "55" + "026162",
    frames: [[6, 9, 6, 7, 6, 9]],
    issues: [["FRAME_TOO_LARGE", 0, 6, false]],
  },
  {
    name: "max compares the whole adjusted frame (offset + size + value + adjust = max is fine)",
    spec: "netty:offset=1,size=1,adjust=1,max=5",
    hex: "0002aabbcc",
    frames: [[0, 5, 1, 2, 0, 5]],
    issues: [],
  },
  {
    name: "stream ends inside a head: BYTES_REMAINING",
    spec: "netty:size=4",
    hex: "0000000161" + "0000",
    frames: [[0, 5, 0, 4, 0, 5]],
    issues: [["BYTES_REMAINING", 5, 7, true]],
  },
  {
    name: "stream ends inside a frame: BYTES_REMAINING",
    spec: "netty:size=2",
    hex: "0003aabb",
    frames: [],
    issues: [["BYTES_REMAINING", 0, 4, true]],
  },
  {
    name: "stream ends while discarding (no failfast): the discarded bytes shown, not fatal",
    spec: "netty:size=1,max=4,failfast=0",
    hex: "091122",
    frames: [],
    issues: [["FRAME_TOO_LARGE", 0, 3, false]],
  },
  {
    name: "stream ends while discarding (failfast): the error at the head, then the bytes discarded",
    spec: "netty:size=1,max=4",
    hex: "091122",
    frames: [],
    issues: [
      ["FRAME_TOO_LARGE", 0, 1, false],
      ["DISCARDED_BYTES", 0, 3, false],
    ],
  },
  {
    name: "Java long wrap: 0x7fffffffffffffff + 8 is negative, so CORRUPT_FRAME, not too long",
    spec: "netty:size=8",
    hex: "7fffffffffffffff",
    frames: [],
    issues: [["CORRUPT_FRAME", 0, 8, false]],
  },
  {
    name: "Java int wrap: adjust 2147483647 + 4 wraps, so 0x80000001 is a 4-byte frame",
    spec: "netty:size=4,adjust=2147483647",
    hex: "80000001",
    frames: [[0, 4, 0, 4, 0, 4]],
    issues: [],
  },
];

describeFramerRows(
  "netty framing: spans and issues",
  rows,
  (row) => new NettyFramer(nettySpec(row.spec)),
);

describe("netty framing: when issues appear", () => {
  it("failfast reports a too-long frame as soon as the head is read", () => {
    const framer = new NettyFramer(nettySpec("netty:size=2,max=10"));
    const first = framer.push(hexToBytes("0100"));
    expect(first.issues.map(brief)).toEqual([["FRAME_TOO_LARGE", 0, 2, false]]);
    expect(framer.push(new Uint8Array(255)).issues).toEqual([]);
    expect(framer.push(new Uint8Array(1)).issues.map(brief)).toEqual([
      ["DISCARDED_BYTES", 0, 258, false],
    ]);
    const next = framer.push(hexToBytes("000161"));
    expect(next.frames.map(spans)).toEqual([[258, 261, 258, 260, 258, 261]]);
  });

  it("without failfast the issue comes with the last discarded byte", () => {
    const framer = new NettyFramer(nettySpec("netty:size=2,max=10,failfast=0"));
    expect(framer.push(hexToBytes("0100")).issues).toEqual([]);
    expect(framer.push(new Uint8Array(255)).issues).toEqual([]);
    const last = framer.push(new Uint8Array(1));
    expect(last.issues.map(brief)).toEqual([["FRAME_TOO_LARGE", 0, 258, false]]);
  });

  it("discards a too-long frame that is already buffered without waiting", () => {
    const out = runFramer(new NettyFramer(nettySpec("netty:size=1,max=2")), [
      hexToBytes("02aabb01cc"),
    ]);
    expect(out.issues.map(brief)).toEqual([
      ["FRAME_TOO_LARGE", 0, 1, false],
      ["DISCARDED_BYTES", 0, 3, false],
    ]);
    expect(out.frames.map(spans)).toEqual([[3, 5, 3, 4, 3, 5]]);
  });

  it("reads an 8-byte length above 2^53 exactly", () => {
    // 2^53 + 1 is not a double: rounding would print 9007199254740992.
    const out = runFramer(new NettyFramer(nettySpec("netty:size=8")), [
      hexToBytes("0020000000000001"),
    ]);
    expect(out.issues.map(brief)).toEqual([
      ["FRAME_TOO_LARGE", 0, 8, false],
      ["DISCARDED_BYTES", 0, 8, false],
    ]);
    expect(out.issues[0]?.text).toContain("9007199254741001"); // 2^53 + 1 + 8
  });
});

describe("netty framing: chunk indices", () => {
  it("head split after 1 byte, body in the third chunk", () => {
    const input = hexToBytes("0002aabb" + "0001cc");
    const out = runFramer(new NettyFramer(nettySpec("netty:size=2")), splitAt(input, [1, 2, 5]));
    expect(out.frames.map((f) => [f.firstChunk, f.endChunk])).toEqual([
      [0, 3],
      [2, 4],
    ]);
  });

  it("a frame after a discarded one starts in the chunk that holds its first byte", () => {
    const input = hexToBytes("0411223344" + "0161");
    const out = runFramer(new NettyFramer(nettySpec("netty:size=1,max=2")), splitAt(input, [2, 6]));
    expect(out.frames.map((f) => [f.start, f.firstChunk, f.endChunk])).toEqual([[5, 1, 3]]);
  });
});

describe("netty framing: properties", () => {
  const specArb = fc
    .record({
      offset: fc.integer({ min: 0, max: 3 }),
      size: fc.constantFrom(1, 2, 3, 4, 8),
      adjust: fc.integer({ min: -6, max: 6 }),
      strip: fc.integer({ min: 0, max: 8 }),
      endian: fc.constantFrom("be", "le"),
      max: fc.integer({ min: 0, max: 40 }),
      failfast: fc.boolean(),
    })
    .map((r): NettySpec => ({ kind: "netty", ...r, size: r.size as NettySpec["size"] }));
  // Small byte values make short lengths likely, so frames and issues both occur.
  const bytesArb = fc.uint8Array({ maxLength: 120, max: 12 });
  const inputArb = bytesArb.chain((b) =>
    fc.tuple(
      fc.constant(b),
      fc.uniqueArray(fc.integer({ min: 0, max: b.length })).map((c) => c.sort((x, y) => x - y)),
    ),
  );

  it("any chunking gives the same frames and issues as the whole stream", () => {
    fc.assert(
      fc.property(specArb, inputArb, fc.boolean(), (spec, [bytes, cuts], eof) => {
        const whole = runFramer(new NettyFramer(spec), [bytes], eof);
        const split = runFramer(new NettyFramer(spec), splitAt(bytes, cuts), eof);
        expect(comparable(split)).toEqual(comparable(whole));
      }),
      { numRuns: 500 },
    );
  });

  it("frames follow each other and lie inside the stream; only the end is fatal", () => {
    fc.assert(
      fc.property(specArb, fc.uint8Array({ maxLength: 200 }), (spec, bytes) => {
        const out = runFramer(new NettyFramer(spec), [bytes]);
        let prev = 0;
        for (const f of out.frames) {
          expect(f.start).toBeGreaterThanOrEqual(prev);
          expect(f.end).toBeGreaterThan(f.start);
          expect(f.end).toBeLessThanOrEqual(bytes.length);
          expect(f.payloadStart).toBe(f.start + spec.strip);
          expect(f.payloadEnd).toBe(f.end);
          prev = f.end;
        }
        expect(out.issues.filter((i) => i.fatal).map((i) => i.code)).toEqual(
          out.issues.some((i) => i.fatal) ? ["BYTES_REMAINING"] : [],
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("netty framing: a 4 GiB length field", () => {
  it("counts the discarded bytes without keeping them, then goes on", () => {
    const framer = new NettyFramer(nettySpec(`netty:size=4,max=${2 ** 31 - 1}`));
    const before = process.memoryUsage();
    const first = framer.push(hexToBytes("ffffffff"));
    expect(first.issues.map(brief)).toEqual([["FRAME_TOO_LARGE", 0, 4, false]]);
    const mib = new Uint8Array(1 << 20);
    // 0xffffffff + 4 = 2^32 + 3 bytes to discard, 4 of them already read.
    for (let k = 0; k < 4095; k++) expect(framer.push(mib).frames).toEqual([]);
    framer.push(mib.subarray(1));
    const after = process.memoryUsage();
    const next = framer.push(hexToBytes("0000000161"));
    expect(next.frames.map(spans)).toEqual([
      [2 ** 32 + 3, 2 ** 32 + 8, 2 ** 32 + 3, 2 ** 32 + 7, 2 ** 32 + 3, 2 ** 32 + 8],
    ]);
    const grown = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    expect(grown).toBeLessThan(256 * 1024 * 1024);
  });
});
