import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Framer } from "../../web/src/decode/framer.js";
import { GrpcFramer } from "../../web/src/decode/grpc.js";
import { NettyFramer } from "../../web/src/decode/netty.js";
import {
  DEFAULT_GRPC_MAX_MESSAGE,
  DEFAULT_MAX_FRAME_LENGTH,
  parseFramingSpec,
  type NettySpec,
} from "../../web/src/decode/spec.js";
import { VarintFramer } from "../../web/src/decode/varint.js";
import { bytesToHex, hexToBytes, payloadHex, runFramer, standardChunkings } from "./helpers.js";

interface NettyEquivalent {
  lengthFieldOffset: number;
  lengthFieldLength: number;
  lengthAdjustment: number;
  numSkip: number;
  endian: "big" | "little";
  maxFrameLength: number;
  failFast: boolean;
}
interface OtherCase {
  name: string;
  framing: "grpc-lpm" | "varint-delimited" | "resp";
  inputHex: string;
  chunksHex?: string[];
  expectedFramesHex: string[];
  expectedPayloadsHex?: string[];
  expectedError: { kind: string; message: string } | null;
  eof: boolean;
  policy?: { maxMessageLength: number };
  lengthFieldEquivalent?: { netty?: NettyEquivalent };
}

const cases = (
  JSON.parse(
    readFileSync(new URL("../../../shared/vectors/other_framings.json", import.meta.url), "utf8"),
  ) as OtherCase[]
).filter((c) => c.framing === "grpc-lpm" || c.framing === "varint-delimited");

const ERROR_CODES: Record<string, string> = {
  InvalidCompressedFlag: "INVALID_COMPRESSED_FLAG",
  Truncated: "BYTES_REMAINING",
  MessageTooLarge: "FRAME_TOO_LARGE",
  MalformedVarint: "MALFORMED_VARINT",
};

/** The framer a vector names, with the vector's receive limit as `max`. */
function framerFor(c: OtherCase): Framer {
  if (c.framing === "grpc-lpm") {
    return new GrpcFramer({
      kind: "grpc",
      max: c.policy?.maxMessageLength ?? DEFAULT_GRPC_MAX_MESSAGE,
    });
  }
  return new VarintFramer({
    kind: "varint",
    offset: 0,
    max: c.policy?.maxMessageLength ?? DEFAULT_MAX_FRAME_LENGTH,
  });
}

describe("other_framings.json: grpc-lpm and varint-delimited", () => {
  it("has cases of both framings", () => {
    expect(cases.filter((c) => c.framing === "grpc-lpm").length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.framing === "varint-delimited").length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    const input = hexToBytes(c.inputHex);
    const chunkings = standardChunkings(input);
    if (c.chunksHex)
      chunkings.unshift({ name: "the vector's chunks", chunks: c.chunksHex.map(hexToBytes) });
    describe(c.name, () => {
      it.each(chunkings)("$name", ({ chunks }) => {
        const out = runFramer(framerFor(c), chunks, c.eof);
        expect(out.frames.map((f) => bytesToHex(input.subarray(f.start, f.end)))).toEqual(
          c.expectedFramesHex,
        );
        if (c.expectedPayloadsHex) {
          expect(out.frames.map((f) => payloadHex(input, f))).toEqual(c.expectedPayloadsHex);
        }
        const fatal = out.issues.filter((i) => i.fatal).map((i) => i.code);
        expect(fatal).toEqual(c.expectedError ? [ERROR_CODES[c.expectedError.kind]] : []);
      });
    });
  }
});

describe("other_framings.json: the Netty equivalent of grpc-lpm cuts the same frames", () => {
  const valid = cases.filter(
    (c) => c.lengthFieldEquivalent?.netty !== undefined && c.expectedError === null,
  );
  it("has valid cases with a Netty equivalent", () => {
    expect(valid.length).toBeGreaterThan(0);
  });
  for (const c of valid) {
    it(c.name, () => {
      const n = c.lengthFieldEquivalent?.netty;
      if (n === undefined) throw new Error("no netty equivalent");
      const text =
        `netty:offset=${n.lengthFieldOffset},size=${n.lengthFieldLength},adjust=${n.lengthAdjustment}` +
        `,strip=${n.numSkip},endian=${n.endian === "big" ? "be" : "le"},max=${n.maxFrameLength}` +
        `,failfast=${n.failFast ? 1 : 0}`;
      const r = parseFramingSpec(text);
      if (!r.ok || r.spec.kind !== "netty") throw new Error(`bad spec ${text}`);
      const spec: NettySpec = r.spec;
      const input = hexToBytes(c.inputHex);
      const out = runFramer(new NettyFramer(spec), [input]);
      expect(out.frames.map((f) => bytesToHex(input.subarray(f.start, f.end)))).toEqual(
        c.expectedFramesHex,
      );
      expect(out.issues).toEqual([]);
    });
  }
});
