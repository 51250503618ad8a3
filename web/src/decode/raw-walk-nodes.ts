import type { FieldNode, FieldValue, Reading } from "./proto-tree.js";
import { readAscii } from "./schema-walk-values.js";
import { decodeUtf8 } from "./utf8.js";
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_SGROUP, WIRE_VARINT, readFixed32 } from "./wire.js";

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

/** Scratch for 64-bit reads: one bigint allocation instead of three, and float bits. */
const scratch = new DataView(new ArrayBuffer(8));

/** The unsigned 64-bit integer with halves hi:lo: a number below 2^53, else a bigint. */
export function uint64(lo: number, hi: number): number | bigint {
  if (hi < 0x200000) return hi * TWO_32 + lo;
  scratch.setUint32(0, lo, true);
  scratch.setUint32(4, hi, true);
  return scratch.getBigUint64(0, true);
}

/** The zigzag reading (sint64) of hi:lo: a number when safe, else a bigint. */
export function zigzag64(lo: number, hi: number): number | bigint {
  if (hi === 0) return (lo >>> 1) ^ -(lo & 1);
  if (hi < 0x200000) {
    const u = hi * TWO_32 + lo;
    return (lo & 1) === 0 ? u / 2 : -(u + 1) / 2;
  }
  const u = uint64(lo, hi) as bigint;
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
 * whose value is hi:lo; absolute positions are index + base.
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
    start: start + base,
    tagEnd: tagEnd + base,
    valueStart: tagEnd + base,
    valueEnd: end + base,
    end: end + base,
    decoded: intValue(lo, hi),
    reading: undefined,
    alternatives: undefined,
    zigzag: zigzag64(lo, hi),
    float: undefined,
    oneof: undefined,
    mapEntry: false,
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
  scratch.setUint32(0, lo, true);
  scratch.setUint32(4, hi, true);
  const float = wide ? scratch.getFloat64(0, true) : scratch.getFloat32(0, true);
  return {
    number,
    name: undefined,
    jsonName: undefined,
    wireType,
    type: wide ? "fixed64" : "fixed32",
    start: start + base,
    tagEnd: tagEnd + base,
    valueStart: tagEnd + base,
    valueEnd: end + base,
    end: end + base,
    decoded: intValue(lo, hi),
    reading: undefined,
    alternatives: undefined,
    zigzag: undefined,
    float,
    oneof: undefined,
    mapEntry: false,
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
    start: start + base,
    tagEnd: tagEnd + base,
    valueStart: valueStart + base,
    valueEnd: end + base,
    end: end + base,
    decoded,
    reading,
    alternatives,
    zigzag: undefined,
    float: undefined,
    oneof: undefined,
    mapEntry: false,
  };
}

/**
 * A group: start tag [start, tagEnd), fields [tagEnd, valueEnd), then the
 * EGROUP tag [valueEnd, end) (valueEnd = end when it has none).
 */
export function groupNode(
  number: number,
  start: number,
  tagEnd: number,
  valueEnd: number,
  end: number,
  base: number,
  fields: readonly FieldNode[],
): FieldNode {
  return {
    number,
    name: undefined,
    jsonName: undefined,
    wireType: WIRE_SGROUP,
    type: "group",
    start: start + base,
    tagEnd: tagEnd + base,
    valueStart: tagEnd + base,
    valueEnd: valueEnd + base,
    end: end + base,
    decoded: { kind: "message", fields },
    reading: undefined,
    alternatives: undefined,
    zigzag: undefined,
    float: undefined,
    oneof: undefined,
    mapEntry: false,
  };
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
  return { kind: "string", value: readAscii(bytes, start, end) };
}
