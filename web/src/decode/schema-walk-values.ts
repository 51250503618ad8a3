import type { FieldValue } from "./proto-tree.js";
import {
  K_BOOL,
  K_DOUBLE,
  K_ENUM,
  K_FIXED32,
  K_FLOAT,
  K_INT32,
  K_INT64,
  K_SFIXED32,
  K_SFIXED64,
  K_SINT32,
  K_SINT64,
  K_UINT32,
} from "./schema-walk-info.js";
import { decodeUtf8 } from "./utf8.js";
import { readDouble, readFixed32, readFloat } from "./wire.js";

/**
 * Scalar conversions for the schema walk: field values by kind, 64-bit halves to exact bigints
 * (with a number fast path for values below 2^53) and a UTF-8 fast path for
 * ASCII strings. All inputs are unsigned 32-bit halves as readVarint gives them.
 */

const TWO_32 = 4294967296;

/** The unsigned 64-bit value of lo/hi as a bigint. */
export function toUint64(lo: number, hi: number): bigint {
  if (hi < 0x200000) return BigInt(hi * TWO_32 + lo);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** The signed (two's complement) 64-bit value of lo/hi as a bigint. */
export function toInt64(lo: number, hi: number): bigint {
  if (hi < 0x200000) return BigInt(hi * TWO_32 + lo);
  if (hi >= 0xffe00000) return BigInt((hi - TWO_32) * TWO_32 + lo);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

/** The zigzag-decoded (sint64) value of lo/hi. */
export function toSint64(lo: number, hi: number): bigint {
  const l = ((lo >>> 1) | (hi << 31)) >>> 0;
  const h = hi >>> 1;
  return (lo & 1) === 0 ? toUint64(l, h) : toInt64(~l >>> 0, ~h >>> 0);
}

/** The zigzag-decoded (sint32) value of the low 32 bits. */
export function toSint32(lo: number): number {
  return (lo >>> 1) ^ -(lo & 1);
}

/**
 * Decodes bytes[start, end) as strict UTF-8: a string, or the index of the first
 * bad byte (a number). ASCII is read eight bytes at a time; the general decoder
 * takes over from the first byte above 0x7f.
 */
export function readUtf8(bytes: Uint8Array, start: number, end: number): string | number {
  let out = "";
  let i = start;
  for (; i + 7 < end; i += 8) {
    const c1 = bytes[i] ?? 0;
    const c2 = bytes[i + 1] ?? 0;
    const c3 = bytes[i + 2] ?? 0;
    const c4 = bytes[i + 3] ?? 0;
    const c5 = bytes[i + 4] ?? 0;
    const c6 = bytes[i + 5] ?? 0;
    const c7 = bytes[i + 6] ?? 0;
    const c8 = bytes[i + 7] ?? 0;
    if ((c1 | c2 | c3 | c4 | c5 | c6 | c7 | c8) & 0x80) break;
    out += String.fromCharCode(c1, c2, c3, c4, c5, c6, c7, c8);
  }
  let high = 0;
  for (let k = i; k < end; k++) high |= bytes[k] ?? 0;
  if (high & 0x80) {
    const r = decodeUtf8(bytes, i, end);
    return r.ok ? out + r.text : r.at;
  }
  return out + asciiTail(bytes, i, end - i);
}

/** The 0 to 7 ASCII bytes at i as a string, in one call. */
function asciiTail(b: Uint8Array, i: number, n: number): string {
  if (n === 0) return "";
  const c0 = b[i] ?? 0;
  if (n === 1) return String.fromCharCode(c0);
  const c1 = b[i + 1] ?? 0;
  if (n === 2) return String.fromCharCode(c0, c1);
  const c2 = b[i + 2] ?? 0;
  if (n === 3) return String.fromCharCode(c0, c1, c2);
  const c3 = b[i + 3] ?? 0;
  if (n === 4) return String.fromCharCode(c0, c1, c2, c3);
  const c4 = b[i + 4] ?? 0;
  if (n === 5) return String.fromCharCode(c0, c1, c2, c3, c4);
  const c5 = b[i + 5] ?? 0;
  if (n === 6) return String.fromCharCode(c0, c1, c2, c3, c4, c5);
  return String.fromCharCode(c0, c1, c2, c3, c4, c5, b[i + 6] ?? 0);
}

/** Decodes UTF-8, replacing each maximal bad sequence start with U+FFFD (for display of invalid strings). */
export function readUtf8Lossy(bytes: Uint8Array, start: number, end: number): string {
  let out = "";
  let i = start;
  while (i < end) {
    const r = decodeUtf8(bytes, i, end);
    if (r.ok) return out + r.text;
    const good = decodeUtf8(bytes, i, r.at);
    out += (good.ok ? good.text : "") + "\ufffd";
    i = r.at + 1;
  }
  return out;
}

/** bytes[start, end) as a plain Uint8Array view (not a Buffer, even when the input is one). */
export function view(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
}

/** The value of a varint-encoded field of schema kind `kind` (K_*); `enumValues` names an enum's numbers. */
export function varintValue(
  kind: number,
  enumValues: Readonly<Record<number, string>> | undefined,
  lo: number,
  hi: number,
): FieldValue {
  switch (kind) {
    case K_INT32:
      return { kind: "int", value: lo | 0 };
    case K_UINT32:
      return { kind: "int", value: lo };
    case K_SINT32:
      return { kind: "int", value: toSint32(lo) };
    case K_INT64:
      return { kind: "int", value: toInt64(lo, hi) };
    case K_SINT64:
      return { kind: "int", value: toSint64(lo, hi) };
    case K_BOOL:
      return { kind: "bool", value: (lo | hi) !== 0 };
    case K_ENUM: {
      const n = lo | 0;
      return { kind: "enum", value: n, name: enumValues?.[n] };
    }
    default:
      return { kind: "int", value: toUint64(lo, hi) };
  }
}

/** The value of a fixed-width field of schema kind `kind` (K_*) at p (bounds checked by the caller). */
export function fixedValue(kind: number, bytes: Uint8Array, p: number): FieldValue {
  switch (kind) {
    case K_FLOAT:
      return { kind: "float", value: readFloat(bytes, p) };
    case K_DOUBLE:
      return { kind: "float", value: readDouble(bytes, p) };
    case K_SFIXED32:
      return { kind: "int", value: readFixed32(bytes, p) | 0 };
    case K_SFIXED64:
      return { kind: "int", value: toInt64(readFixed32(bytes, p), readFixed32(bytes, p + 4)) };
    default:
      return kind === K_FIXED32
        ? { kind: "int", value: readFixed32(bytes, p) }
        : { kind: "int", value: toUint64(readFixed32(bytes, p), readFixed32(bytes, p + 4)) };
  }
}
