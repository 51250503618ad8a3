import type { Type } from "protobufjs";
import { DEFAULT_MAX_DECOMPRESSED, gunzipBounded } from "./decompress.js";
import type { FrameInfo } from "./frame.js";
import { makeIssue } from "./issue.js";
import { newFieldFacts, newFieldNode, type DecodedMessage, type FieldNode } from "./proto-tree.js";
import { walkRaw } from "./raw-walk.js";
import { walkMessage } from "./schema-walk.js";
import { K_BYTES } from "./schema-walk-info.js";
import type { Span } from "./span.js";
import { WIRE_LEN } from "./wire.js";

/**
 * Payload to message: the one path the CLI's `decode` and the page share.
 *
 * ```
 * payload (stream offsets base..base+n) --gzip flag?--> gunzipBounded --> bytes (offsets 0..size)
 *                                                                          |
 *                          schema ? walkMessage(type) : walkRaw  <---------+
 * ```
 */

/** Options of decodePayload. */
export interface DecodePayloadOptions {
  /** Deepest message nesting to read (top level = 0); the walkers' default (MAX_DEPTH) when unset. */
  readonly maxDepth?: number;
  /** Cap on a decompressed payload in bytes; default DEFAULT_MAX_DECOMPRESSED (64 MiB). */
  readonly maxDecompressed?: number;
}

/** True when the framing marked the payload as gzip-compressed (length `gzip` flag, gRPC compressed flag). */
export function isCompressedPayload(info: FrameInfo | undefined): boolean {
  if (info === undefined) return false;
  if (info.kind === "length") return info.gzip;
  if (info.kind === "grpc") return info.compressed;
  return false;
}

/**
 * Decodes one frame's payload (`base` = its stream offset) as a protobuf
 * message: with `schema` by walkMessage, else schemaless by walkRaw. A payload
 * the framing marks as compressed is gunzipped first; the message's spans then
 * refer to the decompressed bytes (offset 0) and `source` says where the
 * compressed bytes were. When decompression fails the message holds one raw
 * node (number 0) with the compressed bytes and a fatal DECOMPRESS_FAILED issue
 * spanning the payload.
 */
export function decodePayload(
  payload: Uint8Array,
  base: number,
  info: FrameInfo | undefined,
  schema: { readonly type: Type } | undefined,
  options: DecodePayloadOptions = {},
): DecodedMessage {
  const walkOptions = options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth };
  const walk = (bytes: Uint8Array, at: number): DecodedMessage =>
    schema === undefined
      ? walkRaw(bytes, at, walkOptions)
      : walkMessage(schema.type, bytes, at, walkOptions);
  if (!isCompressedPayload(info)) return walk(payload, base);
  const span: Span = [base, base + payload.length];
  const result = gunzipBounded(payload, options.maxDecompressed ?? DEFAULT_MAX_DECOMPRESSED);
  if (!result.ok) {
    const text = `${result.text} (stream offset ${base + result.at})`;
    return {
      typeName: schema === undefined ? undefined : schema.type.fullName.replace(/^\./, ""),
      span,
      fields: [compressedNode(payload, span)],
      issues: [makeIssue("DECOMPRESS_FAILED", text, span, true)],
      source: { kind: "stream" },
    };
  }
  const message = walk(result.bytes, 0);
  return {
    ...message,
    source: { kind: "gzip", compressed: span, size: result.bytes.length },
  };
}

const COMPRESSED_FACTS = newFieldFacts({
  type: "bytes, not decompressed",
  decode: K_BYTES,
  name: "compressed payload",
});

/** The payload kept whole as a raw pseudo-field (number 0) when it cannot be decompressed. */
function compressedNode(payload: Uint8Array, span: Span): FieldNode {
  const [start, end] = span;
  const raw = { kind: "raw" as const, value: payload };
  return newFieldNode(
    0,
    WIRE_LEN,
    start,
    start,
    start,
    end,
    end,
    COMPRESSED_FACTS,
    payload,
    start,
    raw,
  );
}
