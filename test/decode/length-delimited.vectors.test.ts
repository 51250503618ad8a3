import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { encodeLength } from "../../web/src/decode/encode.js";
import {
  LengthDelimitedFramer,
  effectiveMaxFrameLength,
} from "../../web/src/decode/length-delimited.js";
import { parseFramingSpec, type LengthSpec } from "../../web/src/decode/spec.js";
import {
  bytesToHex,
  hexToBytes,
  payloadHex,
  runFramer,
  standardChunkings,
  splitAt,
} from "./helpers.js";

interface TokioConfig {
  lengthFieldOffset: number;
  lengthFieldLength: number;
  lengthAdjustment: number;
  numSkip: number | null;
  endian: "big" | "little";
  maxFrameLength: number;
}
interface TokioCase {
  name: string;
  direction: "decode" | "encode";
  config: TokioConfig;
  inputHex: string;
  chunksHex?: string[];
  expectedFramesHex: string[];
  expectedError: { kind: string } | null;
  eof?: boolean;
  effectiveMaxFrameLength?: number;
}

const cases = JSON.parse(
  readFileSync(
    new URL("../../../shared/vectors/length_delimited_tokio.json", import.meta.url),
    "utf8",
  ),
) as TokioCase[];

const ERROR_CODES: Record<string, string> = {
  FrameTooBig: "FRAME_TOO_LARGE",
  AdjustmentOverflow: "ADJUSTMENT_OVERFLOW",
  BytesRemainingOnStream: "BYTES_REMAINING",
};

/** The vector's config as a framing spec string: the keys map one to one. */
function specText(c: TokioConfig): string {
  const keys = [
    `offset=${c.lengthFieldOffset}`,
    `size=${c.lengthFieldLength}`,
    `adjust=${c.lengthAdjustment}`,
    `endian=${c.endian === "big" ? "be" : "le"}`,
    `max=${c.maxFrameLength}`,
  ];
  if (c.numSkip !== null) keys.push(`skip=${c.numSkip}`);
  return `length:${keys.join(",")}`;
}

function specOf(c: TokioConfig): LengthSpec {
  const r = parseFramingSpec(specText(c));
  if (!r.ok || r.spec.kind !== "length") throw new Error(`bad spec ${specText(c)}`);
  return r.spec;
}

describe("tokio-util LengthDelimitedCodec vectors: decode", () => {
  for (const c of cases.filter((k) => k.direction === "decode")) {
    const input = hexToBytes(c.inputHex);
    const chunkings = standardChunkings(input);
    if (c.chunksHex)
      chunkings.unshift({ name: "the vector's chunks", chunks: c.chunksHex.map(hexToBytes) });
    describe(c.name, () => {
      it.each(chunkings)("$name", ({ chunks }) => {
        const out = runFramer(new LengthDelimitedFramer(specOf(c.config)), chunks, c.eof !== false);
        expect(out.frames.map((f) => payloadHex(input, f))).toEqual(c.expectedFramesHex);
        const fatal = out.issues.filter((i) => i.fatal).map((i) => i.code);
        expect(fatal).toEqual(c.expectedError ? [ERROR_CODES[c.expectedError.kind]] : []);
      });
      if (c.effectiveMaxFrameLength !== undefined) {
        it("clamps the maximum as tokio does", () => {
          expect(effectiveMaxFrameLength(specOf(c.config))).toBe(c.effectiveMaxFrameLength);
        });
      }
    });
  }
});

describe("tokio-util LengthDelimitedCodec vectors: encode", () => {
  for (const c of cases.filter((k) => k.direction === "encode")) {
    it(c.name, () => {
      const r = encodeLength(specOf(c.config), hexToBytes(c.inputHex));
      if (c.expectedError) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.code).toBe(ERROR_CODES[c.expectedError.kind]);
      } else {
        expect(r.ok).toBe(true);
        if (r.ok) expect([bytesToHex(r.bytes)]).toEqual(c.expectedFramesHex);
      }
    });
  }
});

describe("length framing: spans and chunks", () => {
  it("reports span, head, payload and the chunks a frame spans", () => {
    // Two frames: 00000003 616263 | 00000001 7a, read as three chunks.
    const input = hexToBytes("0000000361626300000001" + "7a");
    const spec = specOf({
      lengthFieldOffset: 0,
      lengthFieldLength: 4,
      lengthAdjustment: 0,
      numSkip: null,
      endian: "big",
      maxFrameLength: 100,
    });
    const out = runFramer(new LengthDelimitedFramer(spec), splitAt(input, [2, 9]));
    expect(out.frames).toEqual([
      {
        index: 0,
        start: 0,
        end: 7,
        headStart: 0,
        headEnd: 4,
        payloadStart: 4,
        payloadEnd: 7,
        firstChunk: 0,
        endChunk: 2,
        info: undefined,
      },
      {
        index: 1,
        start: 7,
        end: 12,
        headStart: 7,
        headEnd: 11,
        payloadStart: 11,
        payloadEnd: 12,
        firstChunk: 1,
        endChunk: 3,
        info: undefined,
      },
    ]);
    expect(out.issues).toEqual([]);
  });

  it("counts empty chunks in the chunk indices", () => {
    const input = hexToBytes("000161");
    const spec = specOf({
      lengthFieldOffset: 0,
      lengthFieldLength: 2,
      lengthAdjustment: 0,
      numSkip: null,
      endian: "big",
      maxFrameLength: 100,
    });
    const out = runFramer(new LengthDelimitedFramer(spec), [
      new Uint8Array(0),
      input.subarray(0, 2),
      new Uint8Array(0),
      input.subarray(2),
    ]);
    expect(out.frames.map((f) => [f.firstChunk, f.endChunk])).toEqual([[1, 4]]);
  });

  it("splits the kv server's header into length and gzip flag with mask", () => {
    const r = parseFramingSpec("length:mask=7fffffff,gzip=80000000");
    if (!r.ok || r.spec.kind !== "length") throw new Error("spec");
    const input = hexToBytes("80000002aabb" + "00000001cc");
    const out = runFramer(new LengthDelimitedFramer(r.spec), [input]);
    expect(out.frames.map((f) => f.info)).toEqual([
      { kind: "length", length: 2, flags: 0x80000000, gzip: true },
      { kind: "length", length: 1, flags: 0, gzip: false },
    ]);
  });

  it("a masked length over the max names the field it came from and the length bits", () => {
    const r = parseFramingSpec("length:mask=7fffffff,gzip=80000000");
    if (!r.ok || r.spec.kind !== "length") throw new Error("spec");
    const out = runFramer(new LengthDelimitedFramer(r.spec), [hexToBytes("ffffffff")]);
    expect(out.issues.map((i) => [i.code, i.text, i.span])).toEqual([
      [
        "FRAME_TOO_LARGE",
        "length 2147483647 (field 0xffffffff, length bits 0x7fffffff) exceeds max 8388608",
        [0, 4],
      ],
    ]);
  });

  it("rejects a length of 2^53+1 in an 8-byte field exactly, not rounded (max 2^53)", () => {
    const r = parseFramingSpec(`length:size=8,max=${2 ** 53 - 1}`);
    if (!r.ok || r.spec.kind !== "length") throw new Error("spec");
    const out = runFramer(new LengthDelimitedFramer(r.spec), [hexToBytes("0020000000000001")]);
    expect(out.issues.map((i) => [i.code, i.span])).toEqual([["FRAME_TOO_LARGE", [0, 8]]]);
  });

  it("stops at an empty frame with skip 0 instead of looping forever", () => {
    const r = parseFramingSpec("length:size=2,adjust=-2,skip=0");
    if (!r.ok || r.spec.kind !== "length") throw new Error("spec");
    const out = runFramer(new LengthDelimitedFramer(r.spec), [hexToBytes("00024142")]);
    expect(out.issues.map((i) => i.code)).toEqual(["NO_PROGRESS"]);
  });

  it("re-reads head bytes when skip + length ends inside the head, as tokio does", () => {
    // size 2, skip 1: head 0000 -> n = 0 counted from byte 1, so the frame is [s, s+1)
    // and the next head starts at s+1, one byte into the head just read.
    const r = parseFramingSpec("length:size=2,skip=1");
    if (!r.ok || r.spec.kind !== "length") throw new Error("spec");
    const input = hexToBytes("000000");
    for (const { chunks } of standardChunkings(input)) {
      const out = runFramer(new LengthDelimitedFramer(r.spec), chunks);
      expect(out.frames.map((f) => [f.start, f.end, f.payloadStart, f.payloadEnd])).toEqual([
        [0, 1, 1, 1],
        [1, 2, 2, 2],
      ]);
      expect(out.issues.map((i) => [i.code, i.span])).toEqual([["BYTES_REMAINING", [2, 3]]]);
    }
  });
});
