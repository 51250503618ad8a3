import type { IssueCode } from "./issue.js";
import { effectiveMaxFrameLength } from "./length-delimited.js";
import type {
  DelimSpec,
  FixedSpec,
  FramingSpec,
  GrpcSpec,
  LengthSpec,
  NettySpec,
  VarintSpec,
} from "./spec.js";

/** The bytes a sender writes for one payload, or why the framing cannot carry it. */
export type EncodeResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | {
      readonly ok: false;
      readonly code: IssueCode | "SEPARATOR_IN_PAYLOAD" | "WRONG_SIZE" | "NOT_ENCODABLE";
      readonly text: string;
    };

const fail = (code: Exclude<EncodeResult, { ok: true }>["code"], text: string): EncodeResult => ({
  ok: false,
  code,
  text,
});

/** Frames one payload with the spec's encoder (the mirror image of its framer). */
export function encodeFrame(
  spec: FramingSpec,
  payload: Uint8Array,
  options: { compressed?: boolean } = {},
): EncodeResult {
  switch (spec.kind) {
    case "length":
      return encodeLength(spec, payload);
    case "netty":
      return encodeNetty(spec, payload);
    case "varint":
      return encodeVarint(spec, payload);
    case "grpc":
      return encodeGrpc(spec, payload, options.compressed === true);
    case "delim":
      return encodeDelim(spec, payload);
    case "fixed":
      return encodeFixed(spec, payload);
    case "resp":
    case "http1":
      return fail(
        "NOT_ENCODABLE",
        `${spec.kind} frames are whole protocol messages: write them as raw bytes`,
      );
  }
}

/**
 * tokio-util's LengthDelimitedCodec encoder: field = payload length - adjust,
 * written in `size` bytes; `offset` and `skip` are ignored, as tokio does.
 */
export function encodeLength(spec: LengthSpec, payload: Uint8Array): EncodeResult {
  const n = payload.length;
  const max = effectiveMaxFrameLength(spec);
  if (n > max)
    return fail("FRAME_TOO_LARGE", `payload of ${n} bytes exceeds max ${max} (frame size too big)`);
  const field = n - spec.adjust;
  if (field < 0) {
    return fail(
      "ADJUSTMENT_OVERFLOW",
      `payload of ${n} bytes minus adjust ${spec.adjust} is negative (provided length would overflow after adjustment)`,
    );
  }
  const out = new Uint8Array(spec.size + n);
  writeUint(out, 0, spec.size, BigInt(field), spec.endian);
  out.set(payload, spec.size);
  return { ok: true, bytes: out };
}

/**
 * Netty's LengthFieldPrepender, set up as the mirror of the `netty` framer with
 * offset 0 and strip = size: field = payload length - adjust. Errors carry
 * Netty's wording.
 */
export function encodeNetty(spec: NettySpec, payload: Uint8Array): EncodeResult {
  const length = payload.length - spec.adjust;
  if (length < 0)
    return fail("ADJUSTMENT_OVERFLOW", `Adjusted frame length (${length}) is less than zero`);
  const limit: Record<number, number> = { 1: 256, 2: 65536, 3: 16777216, 4: 2 ** 32 };
  const cap = limit[spec.size];
  if (cap !== undefined && length >= cap) {
    const what = { 1: "a byte", 2: "a short integer", 3: "a medium integer", 4: "an integer" }[
      spec.size as 1 | 2 | 3 | 4
    ];
    return fail("FRAME_TOO_LARGE", `length does not fit into ${what}: ${length}`);
  }
  const out = new Uint8Array(spec.size + payload.length);
  writeUint(out, 0, spec.size, BigInt(length), spec.endian);
  out.set(payload, spec.size);
  return { ok: true, bytes: out };
}

/** protobuf's writeDelimitedTo: a varint length, then the payload (`offset` bytes of zeros first, if set). */
export function encodeVarint(spec: VarintSpec, payload: Uint8Array): EncodeResult {
  if (payload.length > spec.max)
    return fail("FRAME_TOO_LARGE", `payload of ${payload.length} bytes exceeds max ${spec.max}`);
  const head: number[] = [];
  let v = payload.length;
  while (v >= 0x80) {
    head.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  head.push(v);
  const out = new Uint8Array(spec.offset + head.length + payload.length);
  out.set(head, spec.offset);
  out.set(payload, spec.offset + head.length);
  return { ok: true, bytes: out };
}

/** gRPC Length-Prefixed-Message: compressed flag, u32 big-endian length, message. */
export function encodeGrpc(spec: GrpcSpec, payload: Uint8Array, compressed: boolean): EncodeResult {
  if (payload.length > spec.max) {
    return fail("FRAME_TOO_LARGE", `message length ${payload.length} exceeds limit ${spec.max}`);
  }
  const out = new Uint8Array(5 + payload.length);
  out[0] = compressed ? 1 : 0;
  writeUint(out, 1, 4, BigInt(payload.length), "be");
  out.set(payload, 5);
  return { ok: true, bytes: out };
}

/**
 * The payload followed by the separator. The receiver cuts at the first
 * separator in payload + separator, so any earlier match (inside the payload,
 * or straddling its end) is refused.
 */
export function encodeDelim(spec: DelimSpec, payload: Uint8Array): EncodeResult {
  if (payload.length > spec.max)
    return fail("FRAME_TOO_LARGE", `payload of ${payload.length} bytes exceeds max ${spec.max}`);
  const out = new Uint8Array(payload.length + spec.sep.length);
  out.set(payload, 0);
  out.set(spec.sep, payload.length);
  const at = indexOfBytes(out, spec.sep);
  if (at !== payload.length) {
    return fail(
      "SEPARATOR_IN_PAYLOAD",
      `the payload holds the separator at byte ${at}: the receiver would cut the frame there`,
    );
  }
  return { ok: true, bytes: out };
}

/** Fixed-size frames carry exactly `size` bytes. */
export function encodeFixed(spec: FixedSpec, payload: Uint8Array): EncodeResult {
  if (payload.length !== spec.size) {
    return fail(
      "WRONG_SIZE",
      `fixed:size=${spec.size} carries exactly ${spec.size} bytes, not ${payload.length}`,
    );
  }
  return { ok: true, bytes: payload.slice() };
}

/** Writes `value` as an unsigned integer of `size` bytes. */
export function writeUint(
  out: Uint8Array,
  at: number,
  size: number,
  value: bigint,
  endian: "be" | "le",
): void {
  let v = value;
  for (let k = 0; k < size; k++) {
    const byte = Number(v & 0xffn);
    v >>= 8n;
    out[endian === "be" ? at + size - 1 - k : at + k] = byte;
  }
}

/** First index of `needle` in `hay`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  if (needle.length === 0) return -1;
  const first = needle[0] ?? 0;
  for (
    let i = hay.indexOf(first, from);
    i >= 0 && i + needle.length <= hay.length;
    i = hay.indexOf(first, i + 1)
  ) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}
