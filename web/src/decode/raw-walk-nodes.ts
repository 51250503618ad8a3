import type { FieldNode, FieldValue, Reading } from "./proto-tree.js";
import type { Span } from "./span.js";
import { decodeUtf8 } from "./utf8.js";
import {
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_SGROUP,
  WIRE_VARINT,
  readDouble,
  readFixed32,
  readFloat,
} from "./wire.js";

/**
 * Builders for the field nodes of a schemaless walk. Integers are exact: a
 * number below 2^53, a bigint from there on. Node types name what the wire
 * says: "varint", "fixed32", "fixed64", "group", or the chosen reading of a LEN
 * field ("message", "string", "bytes", "packed-varint", ...).
 */

const TWO_32 = 0x100000000;

/** Shared values for the small integers that make up most varints (no allocation per field). */
const SMALL_INTS: readonly FieldValue[] = Array.from({ length: 256 }, (_, k) =>
  Object.freeze({ kind: "int" as const, value: k }),
);

/** The unsigned 64-bit integer with halves hi:lo: a number below 2^53, else a bigint. */
export function uint64(lo: number, hi: number): number | bigint {
  return hi < 0x200000 ? hi * TWO_32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

/** The zigzag reading (sint64) of hi:lo: a number when safe, else a bigint. */
export function zigzag64(lo: number, hi: number): number | bigint {
  if (hi < 0x200000) {
    const u = hi * TWO_32 + lo;
    return (lo & 1) === 0 ? u / 2 : -(u + 1) / 2;
  }
  const u = (BigInt(hi) << 32n) | BigInt(lo);
  const z = (u >> 1n) ^ -(u & 1n);
  return z >= -9007199254740991n && z <= 9007199254740991n ? Number(z) : z;
}

/** An int FieldValue for hi:lo (unsigned). */
export function intValue(lo: number, hi: number): FieldValue {
  if (hi === 0 && lo < 256) return SMALL_INTS[lo] as FieldValue;
  return { kind: "int", value: uint64(lo, hi) };
}

/**
 * A VARINT field (or packed element: then `tag` is empty at the value's start)
 * whose value is hi:lo; absolute spans are index + base.
 */
export function varintNode(
  number: number,
  start: number,
  tagEnd: number,
  end: number,
  lo: number,
  hi: number,
  base: number,
): FieldNode {
  return {
    number,
    name: undefined,
    jsonName: undefined,
    wireType: WIRE_VARINT,
    type: "varint",
    span: [start + base, end + base],
    tag: [start + base, tagEnd + base],
    length: undefined,
    value: [tagEnd + base, end + base],
    decoded: intValue(lo, hi),
    reading: undefined,
    alternatives: undefined,
    oneof: undefined,
    mapEntry: false,
    zigzag: zigzag64(lo, hi),
  };
}

/** An I32 or I64 field (or packed element) whose value starts at `tagEnd` in `bytes`. */
export function fixedNode(
  bytes: Uint8Array,
  number: number,
  wireType: typeof WIRE_I32 | typeof WIRE_I64,
  start: number,
  tagEnd: number,
  base: number,
): FieldNode {
  const wide = wireType === WIRE_I64;
  const end = tagEnd + (wide ? 8 : 4);
  const lo = readFixed32(bytes, tagEnd);
  const hi = wide ? readFixed32(bytes, tagEnd + 4) : 0;
  return {
    number,
    name: undefined,
    jsonName: undefined,
    wireType,
    type: wide ? "fixed64" : "fixed32",
    span: [start + base, end + base],
    tag: [start + base, tagEnd + base],
    length: undefined,
    value: [tagEnd + base, end + base],
    decoded: intValue(lo, hi),
    reading: undefined,
    alternatives: undefined,
    oneof: undefined,
    mapEntry: false,
    float: wide ? readDouble(bytes, tagEnd) : readFloat(bytes, tagEnd),
  };
}

/** A LEN field: tag [start, tagEnd), length [tagEnd, valueStart), value [valueStart, end). */
export function lenNode(
  number: number,
  start: number,
  tagEnd: number,
  valueStart: number,
  end: number,
  base: number,
  decoded: FieldValue,
  reading: Reading,
  alternatives: readonly Reading[],
): FieldNode {
  return {
    number,
    name: undefined,
    jsonName: undefined,
    wireType: WIRE_LEN,
    type: reading,
    span: [start + base, end + base],
    tag: [start + base, tagEnd + base],
    length: [tagEnd + base, valueStart + base],
    value: [valueStart + base, end + base],
    decoded,
    reading,
    alternatives,
    oneof: undefined,
    mapEntry: false,
  };
}

/** A group: start tag [start, tagEnd), fields [tagEnd, endTag[0]), then the EGROUP tag (absolute spans). */
export function groupNode(
  number: number,
  start: number,
  tagEnd: number,
  endTag: Span | undefined,
  end: number,
  base: number,
  fields: readonly FieldNode[],
): FieldNode {
  const valueEnd = endTag === undefined ? end + base : endTag[0];
  const node: FieldNode = {
    number,
    name: undefined,
    jsonName: undefined,
    wireType: WIRE_SGROUP,
    type: "group",
    span: [start + base, end + base],
    tag: [start + base, tagEnd + base],
    length: undefined,
    value: [tagEnd + base, valueEnd],
    decoded: { kind: "message", fields },
    reading: undefined,
    alternatives: undefined,
    oneof: undefined,
    mapEntry: false,
  };
  return endTag === undefined ? node : { ...node, groupEnd: endTag };
}

/**
 * A string FieldValue for valid UTF-8 bytes[start, end); `ascii` says every
 * byte is below 0x80 (then char codes are bytes: eight at a time, as protobufjs does).
 */
export function stringValue(
  bytes: Uint8Array,
  start: number,
  end: number,
  ascii: boolean,
): FieldValue {
  if (!ascii) {
    const utf8 = decodeUtf8(bytes, start, end);
    return utf8.ok
      ? { kind: "string", value: utf8.text }
      : { kind: "raw", value: bytes.subarray(start, end) };
  }
  let text = "";
  let i = start;
  for (; i + 7 < end; i += 8) {
    text += String.fromCharCode(
      bytes[i] ?? 0,
      bytes[i + 1] ?? 0,
      bytes[i + 2] ?? 0,
      bytes[i + 3] ?? 0,
      bytes[i + 4] ?? 0,
      bytes[i + 5] ?? 0,
      bytes[i + 6] ?? 0,
      bytes[i + 7] ?? 0,
    );
  }
  for (; i < end; i++) text += String.fromCharCode(bytes[i] ?? 0);
  return { kind: "string", value: text };
}
