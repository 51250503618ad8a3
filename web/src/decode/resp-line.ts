/**
 * Byte-level rules for RESP lines: which type bytes exist, how many content
 * bytes a short line may hold, and the checks hiredis applies to lengths,
 * integers, booleans and doubles once the line is complete.
 */

/** The RESP type bytes. ';' (a streamed string's chunk) and '.' (a streamed aggregate's end) are included. */
export const RESP = {
  SIMPLE: 0x2b, // +
  ERROR: 0x2d, // -
  INTEGER: 0x3a, // :
  BLOB: 0x24, // $
  ARRAY: 0x2a, // *
  NULL: 0x5f, // _
  DOUBLE: 0x2c, // ,
  BOOLEAN: 0x23, // #
  BLOB_ERROR: 0x21, // !
  VERBATIM: 0x3d, // =
  BIG_NUMBER: 0x28, // (
  MAP: 0x25, // %
  SET: 0x7e, // ~
  PUSH: 0x3e, // >
  ATTRIBUTE: 0x7c, // |
  CHUNK: 0x3b, // ;
  END: 0x2e, // .
} as const;

/** A streamed length ("?"), as `parseRespLength` returns it. */
export const LEN_STREAMED = -2;
/** A malformed length, as `parseRespLength` returns it. */
export const LEN_INVALID = -3;
/** hiredis's buffer for a double's text: the longest ',' line content accepted. */
export const MAX_DOUBLE_TEXT = 326;

/** True for every byte that may start a RESP2 or RESP3 value line (and ';' and '.'). */
export function isRespTypeByte(b: number): boolean {
  switch (b) {
    case RESP.SIMPLE:
    case RESP.ERROR:
    case RESP.INTEGER:
    case RESP.BLOB:
    case RESP.ARRAY:
    case RESP.NULL:
    case RESP.DOUBLE:
    case RESP.BOOLEAN:
    case RESP.BLOB_ERROR:
    case RESP.VERBATIM:
    case RESP.BIG_NUMBER:
    case RESP.MAP:
    case RESP.SET:
    case RESP.PUSH:
    case RESP.ATTRIBUTE:
    case RESP.CHUNK:
    case RESP.END:
      return true;
    default:
      return false;
  }
}

/** True for the types whose line holds a length: blobs, aggregates and streamed-string chunks. */
export function isLengthType(b: number): boolean {
  return isBlobType(b) || isAggregateType(b);
}

/** Blob types: the line holds a byte count, then the data and CRLF follow. */
export function isBlobType(b: number): boolean {
  return b === RESP.BLOB || b === RESP.BLOB_ERROR || b === RESP.VERBATIM || b === RESP.CHUNK;
}

/** Aggregate types: the line holds an element count (pairs for maps and attributes). */
export function isAggregateType(b: number): boolean {
  return (
    b === RESP.ARRAY || b === RESP.MAP || b === RESP.SET || b === RESP.PUSH || b === RESP.ATTRIBUTE
  );
}

/**
 * How many content bytes (after the type byte, before CRLF) a line of this type
 * may buffer for its check; -1 for lines that are only counted (+, -, big numbers).
 */
export function respLineCap(type: number): number {
  if (isLengthType(type) || type === RESP.INTEGER) return 20; // "-9223372036854775808"
  if (type === RESP.BOOLEAN) return 1;
  if (type === RESP.NULL || type === RESP.END) return 0;
  if (type === RESP.DOUBLE) return MAX_DOUBLE_TEXT;
  return -1;
}

/** The issue text for a line of this type whose content is malformed. */
export function badLineText(type: number): string {
  if (isBlobType(type)) return type === RESP.CHUNK ? "invalid chunk length" : "invalid bulk length";
  if (isAggregateType(type)) return "invalid multibulk length";
  switch (type) {
    case RESP.INTEGER:
      return "invalid integer";
    case RESP.BOOLEAN:
      return "invalid boolean (expected t or f)";
    case RESP.NULL:
      return "invalid null (expected an empty line)";
    case RESP.DOUBLE:
      return "invalid double";
    case RESP.BIG_NUMBER:
      return "invalid big number";
    default:
      return "invalid streamed aggregate end (expected an empty line)";
  }
}

/** True when `b` is an ASCII digit. */
export function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** True when `b` is an ASCII letter: the first byte of an inline command. */
export function isLetter(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/**
 * A length line's value: "?" is LEN_STREAMED, "-1" is -1, else a decimal
 * without sign or leading zeros (hiredis's string2ll); anything else is
 * LEN_INVALID. Values above 2^53 come back inexact but still above any max.
 */
export function parseRespLength(buf: Uint8Array, len: number): number {
  if (len === 1 && buf[0] === 0x3f) return LEN_STREAMED;
  if (len === 2 && buf[0] === 0x2d && buf[1] === 0x31) return -1;
  if (len === 0 || (buf[0] === 0x30 && len > 1)) return LEN_INVALID;
  let v = 0;
  for (let i = 0; i < len; i++) {
    const b = buf[i] ?? 0;
    if (!isDigit(b)) return LEN_INVALID;
    v = v * 10 + (b - 0x30);
  }
  return v;
}

/** True for a signed 64-bit decimal as hiredis's string2ll reads it (no "+", "-0" or leading zeros). */
export function isRespInteger(buf: Uint8Array, len: number): boolean {
  const neg = buf[0] === 0x2d;
  const from = neg ? 1 : 0;
  const digits = len - from;
  if (digits < 1 || digits > 19) return false;
  if (buf[from] === 0x30) return digits === 1 && !neg;
  for (let i = from; i < len; i++) if (!isDigit(buf[i] ?? 0)) return false;
  if (digits < 19) return true;
  return asciiOf(buf, from, len) <= (neg ? "9223372036854775808" : "9223372036854775807");
}

const DOUBLE_TEXT = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?inf|-?nan)$/i;

/** True for a RESP3 double: a decimal with optional fraction and exponent, "inf", "-inf" or "nan". */
export function isRespDouble(buf: Uint8Array, len: number): boolean {
  return DOUBLE_TEXT.test(asciiOf(buf, 0, len));
}

/** The bytes [from, to) as a string, one character per byte (Latin-1). */
export function asciiOf(bytes: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i] ?? 0);
  return s;
}
