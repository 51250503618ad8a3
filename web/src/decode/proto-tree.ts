import type { Issue } from "./issue.js";
import type { Span } from "./span.js";
import type { WireType } from "./wire.js";

/**
 * The decoded value of one field. 64-bit integers are bigint (exact); bytes
 * are Uint8Array; enums carry their number and, when known, their name.
 */
export type FieldValue =
  | { readonly kind: "int"; readonly value: number | bigint }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "bytes"; readonly value: Uint8Array }
  | { readonly kind: "enum"; readonly value: number; readonly name: string | undefined }
  | { readonly kind: "message"; readonly fields: readonly FieldNode[] }
  /** A packed repeated field: its elements are the children. */
  | { readonly kind: "packed"; readonly elements: readonly FieldNode[] }
  /** Bytes that could not be decoded as the expected type (an issue says why). */
  | { readonly kind: "raw"; readonly value: Uint8Array };

/** What a schemaless walk made of a length-delimited field, and the other plausible readings. */
export type Reading =
  "message" | "string" | "bytes" | "packed-varint" | "packed-fixed32" | "packed-fixed64";

/**
 * One field of a message, linked byte for byte to the stream: the tag, the
 * length varint (LEN fields only) and the value each have a span; `span` covers
 * the whole field. Spans are absolute offsets in the bytes the walk was given
 * (the stream, or the decompressed payload: see DecodedMessage.source).
 *
 * ```
 * | tag varint | length varint | value bytes ........ |
 * ^ tag         ^ length        ^ value              ^ span end
 * ```
 */
export interface FieldNode {
  readonly number: number;
  /** The schema's field name (proto name, not JSON name); undefined for unknown fields. */
  readonly name: string | undefined;
  /** lowerCamelCase JSON name, when the schema knows the field. */
  readonly jsonName: string | undefined;
  readonly wireType: WireType;
  /** Protobuf type: "int32", "string", "abi.Hget", "group", or "unknown" for fields the schema lacks. */
  readonly type: string;
  readonly span: Span;
  readonly tag: Span;
  readonly length: Span | undefined;
  readonly value: Span;
  readonly decoded: FieldValue;
  /** Schemaless only: what the walk chose for a LEN field, and what else it could be. */
  readonly reading: Reading | undefined;
  readonly alternatives: readonly Reading[] | undefined;
  /**
   * Schemaless VARINT fields only: the value read as zigzag (sint32/sint64), since
   * the wire does not say which; `decoded` holds the plain unsigned reading.
   */
  readonly zigzag?: number | bigint;
  /** Schemaless I32/I64 fields only: the value read as float/double (`decoded` holds the unsigned integer). */
  readonly float?: number;
  /** Groups only: the span of the EGROUP tag that closes the group (the tail of `span`). */
  readonly groupEnd?: Span;
  /** Part of a oneof: its name. */
  readonly oneof: string | undefined;
  /** An element of a map field: the map's entry is this field's message (key = 1, value = 2). */
  readonly mapEntry: boolean;
}

/** Where the walked bytes came from. */
export type MessageSource =
  | { readonly kind: "stream" }
  /** The payload was gzip-compressed at `compressed` in the stream; spans refer to the decompressed bytes. */
  | { readonly kind: "gzip"; readonly compressed: Span; readonly size: number };

/** A walked message: its fields, the issues found, and where its bytes came from. */
export interface DecodedMessage {
  /** Fully-qualified type name without the leading dot, or undefined for a schemaless walk. */
  readonly typeName: string | undefined;
  readonly span: Span;
  readonly fields: readonly FieldNode[];
  readonly issues: readonly Issue[];
  readonly source: MessageSource;
}
