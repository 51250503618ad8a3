/**
 * Protobuf wire-format primitives over a byte array: varints, fixed-width
 * values and tags. Every reader returns the position after what it read, or a
 * negative position when the input is malformed (see the constants), never
 * throwing: the walkers turn those into issues at the reader's offset.
 *
 * ```
 * tag = varint(field_number << 3 | wire_type)
 * wire type 0 VARINT  1 I64  2 LEN (varint length + bytes)  3 SGROUP  4 EGROUP  5 I32
 * ```
 */

export type WireType = 0 | 1 | 2 | 3 | 4 | 5;

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

/** Largest valid field number (2^29 - 1). */
export const MAX_FIELD_NUMBER = 536870911;
/** A varint never has more than 10 bytes. */
export const MAX_VARINT_BYTES = 10;

/** Reader failure: the input ended inside the value. */
export const READ_TRUNCATED = -1;
/** Reader failure: a varint with more than 10 bytes. */
export const READ_MALFORMED = -2;

/**
 * A 64-bit varint as two unsigned 32-bit halves, so readers need no BigInt on
 * the hot path. `next` is the position after the varint or a READ_* failure.
 */
export interface Varint {
  lo: number;
  hi: number;
  next: number;
}

/** Reads a varint at `pos` into `out` (reused, to keep the hot path allocation-free). */
export function readVarint(bytes: Uint8Array, pos: number, end: number, out: Varint): Varint {
  let lo = 0;
  let hi = 0;
  let p = pos;
  for (let k = 0; k < MAX_VARINT_BYTES; k++) {
    if (p >= end) {
      out.next = READ_TRUNCATED;
      return out;
    }
    const b = bytes[p++] ?? 0;
    if (k < 4) lo |= (b & 0x7f) << (7 * k);
    else if (k === 4) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >>> 4;
    } else hi |= (b & 0x7f) << (7 * k - 32);
    if (b < 0x80) {
      out.lo = lo >>> 0;
      out.hi = hi >>> 0;
      out.next = p;
      return out;
    }
  }
  out.next = READ_MALFORMED;
  return out;
}

/**
 * The position after the varint at `pos`, or a READ_* failure, as readVarint
 * would give it, without its value: for walks that decode values later.
 */
export function skipVarint(bytes: Uint8Array, pos: number, end: number): number {
  const last = pos + MAX_VARINT_BYTES;
  for (let p = pos; p < last; p++) {
    if (p >= end) return READ_TRUNCATED;
    if ((bytes[p] ?? 0) < 0x80) return p + 1;
  }
  return READ_MALFORMED;
}

/** A fresh Varint scratch object. */
export function newVarint(): Varint {
  return { lo: 0, hi: 0, next: 0 };
}

/** The unsigned 64-bit value of a varint (exact). */
export function varintToBigUint(v: Varint): bigint {
  return (BigInt(v.hi) << 32n) | BigInt(v.lo);
}

/** The signed (two's complement) 64-bit value. */
export function varintToBigInt(v: Varint): bigint {
  return BigInt.asIntN(64, varintToBigUint(v));
}

/** The zigzag-decoded signed 64-bit value (sint64). */
export function varintToZigZag(v: Varint): bigint {
  const u = varintToBigUint(v);
  return (u >> 1n) ^ -(u & 1n);
}

/**
 * The value as a number when it is below 2^53, else -1 (lengths and field
 * numbers). Values below 2^32 skip the multiplication, so they stay small
 * integers for the JIT (a product with 2^32 is a float, and floats spread).
 */
export function varintToSafeNumber(v: Varint): number {
  if (v.hi === 0) return v.lo;
  return v.hi < 0x200000 ? v.hi * 0x100000000 + v.lo : -1;
}

/** Reads a little-endian unsigned 32-bit value (caller checks pos + 4 <= end). */
export function readFixed32(bytes: Uint8Array, pos: number): number {
  return (
    ((bytes[pos] ?? 0) |
      ((bytes[pos + 1] ?? 0) << 8) |
      ((bytes[pos + 2] ?? 0) << 16) |
      ((bytes[pos + 3] ?? 0) << 24)) >>>
    0
  );
}

const f32 = new Float32Array(1);
const f32b = new Uint8Array(f32.buffer);
const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reads a little-endian IEEE 754 float (caller checks bounds). */
export function readFloat(bytes: Uint8Array, pos: number): number {
  for (let k = 0; k < 4; k++) f32b[littleEndianHost ? k : 3 - k] = bytes[pos + k] ?? 0;
  return f32[0] ?? 0;
}

/** Reads a little-endian IEEE 754 double (caller checks bounds). */
export function readDouble(bytes: Uint8Array, pos: number): number {
  for (let k = 0; k < 8; k++) f64b[littleEndianHost ? k : 7 - k] = bytes[pos + k] ?? 0;
  return f64[0] ?? 0;
}
