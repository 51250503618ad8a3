import type { FieldNode, FieldValue, Reading } from "./proto-tree.js";
import {
  READ_BYTES,
  READ_MESSAGE,
  READ_STRING,
  packedReadings,
  readingList,
} from "./raw-walk-guess.js";
import { K_BYTES, K_STRING } from "./schema-walk-info.js";
import { fixedValue, readUtf8, toUint64, varintValue, view } from "./schema-walk-values.js";
import {
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_VARINT,
  newVarint,
  readFixed32,
  readVarint,
} from "./wire.js";

/**
 * Field values read from a node's bytes on first use: the walks keep only the
 * structure (spans, facts, nested fields), so a tree that is checked for issues
 * or shown in part never decodes the rest. Integers are exact: schemaless ones
 * a number below 2^53 and a bigint from there on.
 */

/** FieldFacts.decode for a field the schema lacks: per wire type, 64-bit values as bigint. */
export const VALUE_UNKNOWN = 32;
/** FieldFacts.decode for a schemaless VARINT, I32 or I64 field: the unsigned integer. */
export const VALUE_UINT = 33;

const TWO_32 = 0x100000000;

/** Shared values for the small integers that make up most varints (no allocation per field). */
const SMALL_INTS: readonly FieldValue[] = Array.from({ length: 256 }, (_, k) =>
  Object.freeze({ kind: "int" as const, value: k }),
);

/** Scratch for 64-bit reads: one bigint allocation instead of three, and float bits. */
const scratch = new DataView(new ArrayBuffer(8));
const v = newVarint();

/** The unsigned 64-bit integer with halves hi:lo: a number below 2^53, else a bigint. */
function uint64(lo: number, hi: number): number | bigint {
  if (hi < 0x200000) return hi * TWO_32 + lo;
  scratch.setUint32(0, lo, true);
  scratch.setUint32(4, hi, true);
  return scratch.getBigUint64(0, true);
}

/** The zigzag reading (sint64) of hi:lo: a number when safe, else a bigint. */
function zigzag64(lo: number, hi: number): number | bigint {
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
function intValue(lo: number, hi: number): FieldValue {
  if (hi === 0 && lo < 256) return SMALL_INTS[lo] as FieldValue;
  return { kind: "int", value: uint64(lo, hi) };
}

/** The decoded value of a field (decoded from its bytes on the first call, then kept in f.cache). */
export function fieldDecoded(f: FieldNode): FieldValue {
  const held = f.cache;
  if (held !== undefined && "kind" in held) return held;
  const value: FieldValue = held === undefined ? decodeValue(f) : { kind: "message", fields: held };
  f.cache = value;
  return value;
}

function decodeValue(f: FieldNode): FieldValue {
  const bytes = f.bytes;
  const s = f.valueStart - f.base;
  const e = f.valueEnd - f.base;
  const facts = f.facts;
  const kind = facts.decode;
  const wt = f.wireType;
  if (kind === K_STRING) {
    const text = readUtf8(bytes, s, e);
    return typeof text === "string"
      ? { kind: "string", value: text }
      : { kind: "raw", value: view(bytes, s, e) };
  }
  if (kind === K_BYTES || wt === WIRE_LEN) return { kind: "bytes", value: view(bytes, s, e) };
  if (wt === WIRE_VARINT) {
    readVarint(bytes, s, e, v);
    if (kind === VALUE_UINT) return intValue(v.lo, v.hi);
    if (kind === VALUE_UNKNOWN) return { kind: "int", value: toUint64(v.lo, v.hi) };
    return varintValue(kind, facts.enumValues, v.lo, v.hi);
  }
  // I32 or I64 (groups, messages and packed fields are kept by the walks).
  const lo = readFixed32(bytes, s);
  const hi = wt === WIRE_I64 ? readFixed32(bytes, s + 4) : 0;
  if (kind === VALUE_UINT) return intValue(lo, hi);
  if (kind === VALUE_UNKNOWN)
    return { kind: "int", value: wt === WIRE_I32 ? lo : toUint64(lo, hi) };
  return fixedValue(kind, bytes, s);
}

/**
 * Schemaless VARINT fields only: the value read as zigzag (sint32/sint64),
 * since the wire does not say which; fieldDecoded holds the plain unsigned reading.
 */
export function fieldZigzag(f: FieldNode): number | bigint | undefined {
  if (f.facts.decode !== VALUE_UINT || f.wireType !== WIRE_VARINT) return undefined;
  readVarint(f.bytes, f.valueStart - f.base, f.valueEnd - f.base, v);
  return zigzag64(v.lo, v.hi);
}

/** Schemaless I32/I64 fields only: the value read as float/double (fieldDecoded holds the unsigned integer). */
export function fieldFloat(f: FieldNode): number | undefined {
  const wt = f.wireType;
  if (f.facts.decode !== VALUE_UINT || (wt !== WIRE_I32 && wt !== WIRE_I64)) return undefined;
  const s = f.valueStart - f.base;
  scratch.setUint32(0, readFixed32(f.bytes, s), true);
  if (wt === WIRE_I32) return scratch.getFloat32(0, true);
  scratch.setUint32(4, readFixed32(f.bytes, s + 4), true);
  return scratch.getFloat64(0, true);
}

const EMPTY_ALTERNATIVES: readonly Reading[] = Object.freeze(["string", "message"]);
const READING_BITS: Readonly<Record<Reading, number>> = {
  message: READ_MESSAGE,
  string: READ_STRING,
  bytes: READ_BYTES,
  "packed-varint": 0,
  "packed-fixed32": 0,
  "packed-fixed64": 0,
};

/**
 * Schemaless LEN fields only: the plausible readings besides the chosen one,
 * in the order message, string, packed-varint, packed-fixed32, packed-fixed64,
 * bytes (an empty value: string, message). A shared frozen list.
 */
export function fieldAlternatives(f: FieldNode): readonly Reading[] | undefined {
  const reading = f.facts.reading;
  if (reading === undefined) return undefined;
  if (f.valueEnd === f.valueStart) return EMPTY_ALTERNATIVES;
  const s = f.valueStart - f.base;
  const mask = f.facts.guessed | packedReadings(f.bytes, s, f.valueEnd - f.base) | READ_BYTES;
  return readingList(mask & ~READING_BITS[reading]);
}
