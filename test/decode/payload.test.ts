import { gzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { fieldDecoded } from "../../web/src/decode/field-decode.js";
import type { FrameInfo } from "../../web/src/decode/frame.js";
import { createFramer } from "../../web/src/decode/framers.js";
import { decodePayload, isCompressedPayload } from "../../web/src/decode/payload.js";
import { fieldSpan, fieldValue, type FieldNode } from "../../web/src/decode/proto-tree.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";
import { bytesToHex, concat, runFramer } from "./helpers.js";
import { decodedOf, loadKv, skeleton } from "./raw-walk-helpers.js";

const root = loadKv();
const response = root.lookupType("abi.CommandResponse");

/** The kv server's framing: 4-byte big-endian header, top bit = gzip, low 31 bits = length. */
function kvFrame(payload: Uint8Array, gzipped: boolean): Uint8Array {
  const head = new Uint8Array(4);
  const n = payload.length | (gzipped ? 0x80000000 : 0);
  new DataView(head.buffer).setUint32(0, n >>> 0, false);
  return concat([head, payload]);
}

function kvFramer() {
  const spec = parseFramingSpec("length:mask=7fffffff,gzip=80000000");
  if (!spec.ok) throw new Error(spec.error);
  return createFramer(spec.spec);
}

/** A response over 1436 bytes, the size from which the kv server gzips. */
const big = response
  .encode(
    response.fromObject({
      status: 200,
      pairs: Array.from({ length: 60 }, (_, i) => ({
        key: `key-${i}`,
        value: { string: `value number ${i}` },
      })),
    }),
  )
  .finish();

const every = (fields: readonly FieldNode[], visit: (f: FieldNode) => void): void => {
  for (const f of fields) {
    visit(f);
    const d = fieldDecoded(f);
    if (d.kind === "message") every(d.fields, visit);
  }
};

describe("decodePayload", () => {
  it("the kv payload is big enough that the server would gzip it", () => {
    expect(big.length).toBeGreaterThan(1436);
  });

  it("a kv frame with the top bit set: gunzipped, walked with the schema, spans in the decompressed bytes", () => {
    const compressed = gzipSync(big);
    const prefix = kvFrame(Uint8Array.from([8, 1]), false); // a small frame first, so offsets are not 0
    const stream = concat([prefix, kvFrame(compressed, true)]);
    const { frames, issues } = runFramer(kvFramer(), [stream]);
    expect(issues).toEqual([]);
    const frame = frames[1];
    if (frame === undefined) throw new Error("no frame");
    expect(frame.info).toMatchObject({ kind: "length", gzip: true, length: compressed.length });
    const payload = stream.subarray(frame.payloadStart, frame.payloadEnd);
    const m = decodePayload(payload, frame.payloadStart, frame.info, { type: response });
    expect(m.source).toEqual({
      kind: "gzip",
      compressed: [10, 10 + compressed.length],
      size: big.length,
    });
    expect(m.issues).toEqual([]);
    expect(m.typeName).toBe("abi.CommandResponse");
    expect(m.span).toEqual([0, big.length]);
    expect(m.fields.map((f) => f.number)).toEqual([1, ...Array.from({ length: 60 }, () => 4)]);
    every(m.fields, (f) => {
      expect(fieldSpan(f)[0]).toBeGreaterThanOrEqual(0);
      expect(fieldSpan(f)[1]).toBeLessThanOrEqual(big.length);
    });
    expect(m.fields.at(-1)?.end).toBe(big.length);
  });

  it("the same frame without a schema: walked raw, same structure", () => {
    const compressed = gzipSync(big);
    const info: FrameInfo = { kind: "length", length: compressed.length, flags: 1, gzip: true };
    const m = decodePayload(compressed, 4, info, undefined);
    expect(m.source).toEqual({
      kind: "gzip",
      compressed: [4, 4 + compressed.length],
      size: big.length,
    });
    expect(m.typeName).toBeUndefined();
    expect(skeleton(m.fields).slice(0, 2)).toEqual([
      { n: 1, wt: 0 },
      {
        n: 4,
        wt: 2,
        sub: [
          { n: 1, wt: 2 },
          { n: 2, wt: 2, sub: [{ n: 1, wt: 2 }] },
        ],
      },
    ]);
  });

  it("an uncompressed payload keeps stream offsets", () => {
    const bytes = response
      .encode(response.fromObject({ status: 404, message: "not found" }))
      .finish();
    const info: FrameInfo = { kind: "length", length: bytes.length, flags: 0, gzip: false };
    const m = decodePayload(bytes, 100, info, { type: response });
    expect(m.source).toEqual({ kind: "stream" });
    expect(m.span).toEqual([100, 100 + bytes.length]);
    expect(m.fields.map((f) => [f.number, fieldSpan(f)])).toEqual([
      [1, [100, 103]],
      [2, [103, 100 + bytes.length]],
    ]);
    const raw = decodePayload(bytes, 100, undefined, undefined);
    expect(raw.fields.map((f) => [f.number, fieldSpan(f)])).toEqual([
      [1, [100, 103]],
      [2, [103, 100 + bytes.length]],
    ]);
  });

  it("a gRPC message with the compressed flag is gunzipped", () => {
    const bytes = response.encode(response.fromObject({ status: 200 })).finish();
    const info: FrameInfo = { kind: "grpc", flag: 1, compressed: true, trailer: false };
    const m = decodePayload(gzipSync(bytes), 5, info, undefined);
    expect(m.source.kind).toBe("gzip");
    expect(m.fields.map((f) => [f.number, fieldDecoded(f)])).toEqual([
      [1, { kind: "int", value: 200 }],
    ]);
  });

  it("a payload marked gzip that is not: one raw node with every byte, and DECOMPRESS_FAILED over the payload", () => {
    const bytes = Uint8Array.from([0x08, 0x96, 0x01, 0xff]);
    const info: FrameInfo = { kind: "length", length: 4, flags: 1, gzip: true };
    const m = decodePayload(bytes, 50, info, { type: response });
    expect(m.issues.map((i) => [i.code, i.span, i.fatal])).toEqual([
      ["DECOMPRESS_FAILED", [50, 54], true],
    ]);
    expect(m.source).toEqual({ kind: "stream" });
    expect(m.typeName).toBe("abi.CommandResponse");
    expect(m.fields).toHaveLength(1);
    const node = m.fields[0];
    expect(node && fieldSpan(node)).toEqual([50, 54]);
    expect(node && fieldValue(node)).toEqual([50, 54]);
    const d = decodedOf(node);
    expect(d?.kind === "raw" && bytesToHex(d.value)).toBe("089601ff");
  });

  it("a gzip bomb stops at maxDecompressed", () => {
    const bomb = gzipSync(new Uint8Array(4 * 1024 * 1024));
    const info: FrameInfo = { kind: "length", length: bomb.length, flags: 1, gzip: true };
    const m = decodePayload(bomb, 0, info, undefined, { maxDecompressed: 1024 * 1024 });
    expect(m.issues.map((i) => i.code)).toEqual(["DECOMPRESS_FAILED"]);
    expect(m.issues[0]?.text).toMatch(/exceeds 1048576/);
  });

  it("maxDepth reaches the walker", () => {
    const nested = Uint8Array.from([0x0a, 0x04, 0x0a, 0x02, 0x08, 0x01]);
    const m = decodePayload(nested, 0, undefined, undefined, { maxDepth: 1 });
    expect(m.issues.map((i) => i.code)).toEqual(["DEPTH_LIMIT"]);
  });

  it("which frames count as compressed", () => {
    expect(isCompressedPayload(undefined)).toBe(false);
    expect(isCompressedPayload({ kind: "length", length: 1, flags: 1, gzip: false })).toBe(false);
    expect(isCompressedPayload({ kind: "grpc", flag: 0, compressed: false, trailer: false })).toBe(
      false,
    );
  });
});
