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
 * What every node of one kind shares, made once (per schema field, or per
 * schemaless type and reading) and referenced by the nodes, so a node stays
 * small. Plain data: trees cross postMessage as they are.
 */
export interface FieldFacts {
  /** The schema's field name (proto name, not JSON name); undefined for unknown fields. */
  readonly name: string | undefined;
  /** lowerCamelCase JSON name, when the schema knows the field. */
  readonly jsonName: string | undefined;
  /** Protobuf type: "int32", "string", "abi.Hget", "group", or "unknown" for fields the schema lacks; schemaless: "varint", "fixed32", "fixed64", "group" or the LEN reading. */
  readonly type: string;
  /** Part of a oneof: its name. */
  readonly oneof: string | undefined;
  /** An element of a map field: the map's entry is this field's message (key = 1, value = 2). */
  readonly mapEntry: boolean;
  /** Schemaless LEN fields only: what the walk chose (the other readings: fieldAlternatives). */
  readonly reading: Reading | undefined;
  /** How fieldDecoded reads a value the walk did not keep: a schema kind (K_*) or a VALUE_* code of field-decode.ts. */
  readonly decode: number;
  /** Enum fields: names by number. */
  readonly enumValues: Readonly<Record<number, string>> | undefined;
  /** Schemaless LEN fields: the READ_MESSAGE / READ_STRING bits of the plausible readings (the chosen one may be among them), which the walk found; the rest follow from the bytes. */
  readonly guessed: number;
}

/**
 * One field of a message, linked byte for byte to the stream. The object is
 * small and flat (every node has the same shape, no span tuples) so large
 * trees stay cheap: what nodes of one field share is in `facts`, and values
 * are decoded from `bytes` on first use (fieldDecoded; fieldZigzag, fieldFloat
 * and fieldAlternatives for the schemaless extras). Its parts are contiguous,
 * and `fieldSpan`, `fieldTag`, `fieldLength`, `fieldValue` and `fieldGroupEnd`
 * return them as spans. Positions are absolute offsets in the bytes the walk
 * was given (the stream, or the decompressed payload: see DecodedMessage.source).
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
  readonly wireType: WireType;
  /** The field's first byte (its tag's start). */
  readonly start: number;
  /** After the tag: the length varint or the value starts here. */
  readonly tagEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** After the field (after the end-group tag for a group that has one). */
  readonly end: number;
  /** Names, type and reading, shared by the nodes of one field. */
  readonly facts: FieldFacts;
  /** The walked bytes (kept, not copied: do not change them): bytes[i] is at absolute offset base + i. */
  readonly bytes: Uint8Array;
  readonly base: number;
  /**
   * The decoded value once known: the walk sets it for packed fields and
   * bytes kept raw, and the nested fields of messages and groups (an array,
   * wrapped on first use); fieldDecoded fills it on first use. Read values
   * with fieldDecoded, not here.
   */
  cache: FieldValue | readonly FieldNode[] | undefined;
}

/**
 * A field node (every node is made here, so all share one shape). Positions
 * are absolute; `cache` is the value (or a message's fields) when the walk
 * already has it, else undefined.
 */
export function newFieldNode(
  number: number,
  wireType: WireType,
  start: number,
  tagEnd: number,
  valueStart: number,
  valueEnd: number,
  end: number,
  facts: FieldFacts,
  bytes: Uint8Array,
  base: number,
  cache: FieldValue | readonly FieldNode[] | undefined,
): FieldNode {
  // One object literal: every node gets the same hidden class, and allocation is one step.
  return { number, wireType, start, tagEnd, valueStart, valueEnd, end, facts, bytes, base, cache };
}

/** Placeholder for the unused first-four-fields slots of a walk (see fieldArray); never read. */
export const NO_NODE: FieldNode = newFieldNode(
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  newFieldFacts({ type: "none", decode: 0 }),
  new Uint8Array(0),
  0,
  undefined,
);

/**
 * The `count` fields of a message as one exactly sized array, from the walk's
 * first four in locals (`n0`..`n3`) and `more` (all of them, once past four).
 * Walks collect fields this way because growing an empty array on its first
 * push costs more than the node, and most messages have a few fields.
 */
export function fieldArray(
  count: number,
  n0: FieldNode,
  n1: FieldNode,
  n2: FieldNode,
  n3: FieldNode,
  more: FieldNode[] | undefined,
): FieldNode[] {
  switch (count) {
    case 0:
      return [];
    case 1:
      return [n0];
    case 2:
      return [n0, n1];
    case 3:
      return [n0, n1, n2];
    case 4:
      return [n0, n1, n2, n3];
    default:
      return more ?? [];
  }
}

/** Facts with one property order (so reads of them stay monomorphic); unset parts are undefined, false or 0. */
export function newFieldFacts(p: {
  readonly type: string;
  readonly decode: number;
  readonly name?: string;
  readonly jsonName?: string;
  readonly oneof?: string | undefined;
  readonly mapEntry?: boolean;
  readonly reading?: Reading;
  readonly enumValues?: Readonly<Record<number, string>> | undefined;
  readonly guessed?: number;
}): FieldFacts {
  return Object.freeze({
    name: p.name,
    jsonName: p.jsonName,
    type: p.type,
    oneof: p.oneof,
    mapEntry: p.mapEntry ?? false,
    reading: p.reading,
    decode: p.decode,
    enumValues: p.enumValues,
    guessed: p.guessed ?? 0,
  });
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
