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
 * One field of a message, linked byte for byte to the stream. The object is
 * flat (every node has the same shape, no span tuples) so large trees stay
 * cheap: its parts are contiguous, and `fieldSpan`, `fieldTag`, `fieldLength`,
 * `fieldValue` and `fieldGroupEnd` return them as spans. Positions are absolute
 * offsets in the bytes the walk was given (the stream, or the decompressed
 * payload: see DecodedMessage.source).
 *
 * ```
 * | tag varint | length varint | value bytes ........ | end-group tag |
 * ^ start      ^ tagEnd        ^ valueStart          ^ valueEnd      ^ end
 * ```
 * The length varint is there for LEN fields only (else valueStart = tagEnd);
 * the end-group tag for groups only (else end = valueEnd). A packed element
 * has no tag: start = tagEnd = valueStart.
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
  /** The field's first byte (its tag's start). */
  readonly start: number;
  /** After the tag: the length varint or the value starts here. */
  readonly tagEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** After the field (after the end-group tag for a group that has one). */
  readonly end: number;
  readonly decoded: FieldValue;
  /** Schemaless only: what the walk chose for a LEN field, and what else it could be. */
  readonly reading: Reading | undefined;
  readonly alternatives: readonly Reading[] | undefined;
  /**
   * Schemaless VARINT fields only: the value read as zigzag (sint32/sint64), since
   * the wire does not say which; `decoded` holds the plain unsigned reading.
   */
  readonly zigzag: number | bigint | undefined;
  /** Schemaless I32/I64 fields only: the value read as float/double (`decoded` holds the unsigned integer). */
  readonly float: number | undefined;
  /** Part of a oneof: its name. */
  readonly oneof: string | undefined;
  /** An element of a map field: the map's entry is this field's message (key = 1, value = 2). */
  readonly mapEntry: boolean;
}

/** The whole field: [start, end). */
export function fieldSpan(f: FieldNode): Span {
  return [f.start, f.end];
}

/** The tag: [start, tagEnd) (empty for a packed element). */
export function fieldTag(f: FieldNode): Span {
  return [f.start, f.tagEnd];
}

/** The length varint of a LEN field: [tagEnd, valueStart); undefined when there is none. */
export function fieldLength(f: FieldNode): Span | undefined {
  return f.valueStart > f.tagEnd ? [f.tagEnd, f.valueStart] : undefined;
}

/** The value: [valueStart, valueEnd) (a group's contents, without its end-group tag). */
export function fieldValue(f: FieldNode): Span {
  return [f.valueStart, f.valueEnd];
}

/** A group's end-group tag: [valueEnd, end); undefined for other fields and unterminated groups. */
export function fieldGroupEnd(f: FieldNode): Span | undefined {
  return f.end > f.valueEnd ? [f.valueEnd, f.end] : undefined;
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
