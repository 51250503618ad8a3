import type { Reading } from "./proto-tree.js";
import { utf8Length } from "./utf8.js";
import {
  MAX_FIELD_NUMBER,
  WIRE_EGROUP,
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_SGROUP,
  WIRE_VARINT,
  newVarint,
  readVarint,
  varintToSafeNumber,
} from "./wire.js";

/**
 * The cheap tests a schemaless walk runs on the bytes of a LEN field before it
 * picks a reading: is it text, is it a whole run of varints, does it parse as
 * one message. None of them allocates, so a guess that fails costs one scan.
 */

/**
 * classifyBytes bit: the bytes are printable text: valid UTF-8 with no C0
 * control character other than tab, LF and CR, no DEL and no C1 control
 * (U+0080..U+009F).
 */
export const BYTES_PRINTABLE = 1;
/** classifyBytes bit: printable text and every byte is below 0x80. */
export const BYTES_ASCII = 2;
/** classifyBytes bit: the bytes are a whole run of varints of at most 10 bytes each. */
export const BYTES_VARINTS = 4;

/** 1 for the printable ASCII bytes (0x20..0x7e, tab, LF, CR), 0 for every other byte. */
const PRINTABLE_ASCII = Uint8Array.from({ length: 256 }, (_, b) =>
  (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d ? 1 : 0,
);

/**
 * What bytes[start, end) could be, as BYTES_* bits: the text check stops at the
 * first byte that is not printable; the varint check reads about n/10 bytes.
 */
export function classifyBytes(bytes: Uint8Array, start: number, end: number): number {
  return textKind(bytes, start, end) | (isPackedVarints(bytes, start, end) ? BYTES_VARINTS : 0);
}

/** The BYTES_PRINTABLE and BYTES_ASCII bits of bytes[start, end); stops at the first byte that is not printable. */
export function textKind(bytes: Uint8Array, start: number, end: number): number {
  let ascii = true;
  let i = start;
  while (i < end) {
    const b0 = bytes[i] ?? 0;
    if (b0 < 0x80) {
      if (PRINTABLE_ASCII[b0] === 0) return 0;
      i++;
      continue;
    }
    const n = utf8Length(bytes, i, end);
    if (n === 0 || (b0 === 0xc2 && (bytes[i + 1] ?? 0) < 0xa0)) return 0; // invalid, or a C1 control
    ascii = false;
    i += n;
  }
  return ascii ? BYTES_PRINTABLE | BYTES_ASCII : BYTES_PRINTABLE;
}

/**
 * True when bytes[start, end) completes a run of varints of at most 10 bytes
 * each; `run` continuation bytes (0x80 and up) came just before `start`. It
 * looks for ten continuation bytes in a row by probing every tenth byte and
 * scanning back from a probe that hits one, so it reads about n/5 bytes.
 */
export function isPackedVarints(bytes: Uint8Array, start: number, end: number, run = 0): boolean {
  if (end <= start) return run === 0;
  if (((bytes[end - 1] ?? 0) & 0x80) !== 0) return false;
  let i = start;
  // Finish the run carried in, one byte at a time, up to its first low byte.
  if (run > 0) {
    let r = run;
    while (i < end && ((bytes[i] ?? 0) & 0x80) !== 0) {
      if (++r >= 10) return false;
      i++;
    }
    i++;
  }
  // Every window of ten bytes ending before p holds a low byte; check the one ending at p.
  let p = i + 9;
  while (p < end) {
    if (((bytes[p] ?? 0) & 0x80) === 0) {
      p += 10;
      continue;
    }
    let q = p - 1;
    while (q > p - 10 && ((bytes[q] ?? 0) & 0x80) !== 0) q--;
    if (q === p - 10) return false; // bytes p-9 .. p are all continuation bytes
    p = q + 10;
  }
  return true;
}

/**
 * The packed readings bytes[start, end) (not empty) allows, as READ_* bits: a
 * whole run of varints (for fewer than ten bytes, the last byte ends one), a
 * multiple of 4 bytes, a multiple of 8 bytes.
 */
export function packedReadings(bytes: Uint8Array, start: number, end: number): number {
  const n = end - start;
  let mask = 0;
  if (n < 10 ? ((bytes[end - 1] ?? 0) & 0x80) === 0 : isPackedVarints(bytes, start, end))
    mask |= READ_PACKED_VARINT;
  if ((n & 3) === 0) mask |= READ_PACKED_FIXED32;
  if ((n & 7) === 0) mask |= READ_PACKED_FIXED64;
  return mask;
}

/** True when no message starts with byte `b`: field number 0, wire type 6 or 7, or an end-group tag (a cheap pre-check for scanMessage). */
export function firstTagFails(b: number): boolean {
  const wt = b & 7;
  return b < 0x80 && (b < 8 || wt === WIRE_EGROUP || wt > WIRE_I32);
}

/** scanMessage: the bytes are not exactly one message. */
export const SCAN_FAIL = 0;
/** scanMessage: one message of scalar fields only. */
export const SCAN_FLAT = 1;
/** scanMessage: one message with a LEN field or a group (it may have nested structure). */
export const SCAN_CONTAINERS = 2;
export type ScanResult = typeof SCAN_FAIL | typeof SCAN_FLAT | typeof SCAN_CONTAINERS;

const scratch = newVarint();
let groupStack = new Int32Array(16);

/**
 * Whether bytes[start, end) parses as exactly one message: valid tags (field
 * numbers 1..2^29-1, wire types 0..5), values inside the bytes, groups matched
 * and nested at most `groupBudget` deep. Only this level is checked: the
 * contents of LEN fields are skipped. Work is linear in the bytes scanned.
 */
export function scanMessage(
  bytes: Uint8Array,
  start: number,
  end: number,
  groupBudget: number,
): ScanResult {
  const v = scratch;
  let open = 0;
  let containers = false;
  let pos = start;
  while (pos < end) {
    let tag = bytes[pos] ?? 0;
    if (tag < 0x80) pos++;
    else {
      readVarint(bytes, pos, end, v);
      if (v.next < 0 || v.hi !== 0) return SCAN_FAIL;
      tag = v.lo;
      pos = v.next;
    }
    const number = tag >>> 3;
    if (number === 0 || number > MAX_FIELD_NUMBER) return SCAN_FAIL;
    switch (tag & 7) {
      case WIRE_VARINT:
        if (pos < end && (bytes[pos] ?? 0) < 0x80) {
          pos++;
          break;
        }
        readVarint(bytes, pos, end, v);
        if (v.next < 0) return SCAN_FAIL;
        pos = v.next;
        break;
      case WIRE_I64:
        pos += 8;
        if (pos > end) return SCAN_FAIL;
        break;
      case WIRE_I32:
        pos += 4;
        if (pos > end) return SCAN_FAIL;
        break;
      case WIRE_LEN: {
        const b = bytes[pos] ?? 0x80;
        if (b < 0x80 && pos < end) pos += 1 + b;
        else {
          readVarint(bytes, pos, end, v);
          if (v.next < 0) return SCAN_FAIL;
          const n = varintToSafeNumber(v);
          if (n < 0 || n > end - v.next) return SCAN_FAIL;
          pos = v.next + n;
        }
        if (pos > end) return SCAN_FAIL;
        containers = true;
        break;
      }
      case WIRE_SGROUP:
        if (open >= groupBudget) return SCAN_FAIL;
        if (open >= groupStack.length) {
          const grown = new Int32Array(groupStack.length * 2);
          grown.set(groupStack);
          groupStack = grown;
        }
        groupStack[open++] = number;
        containers = true;
        break;
      case WIRE_EGROUP:
        if (open === 0 || groupStack[open - 1] !== number) return SCAN_FAIL;
        open--;
        break;
      default:
        return SCAN_FAIL;
    }
  }
  return open !== 0 ? SCAN_FAIL : containers ? SCAN_CONTAINERS : SCAN_FLAT;
}

/**
 * scanMessage for bytes that are all below 0x80 (printable ASCII text), where
 * every tag, varint and length is one byte: the same answer, or -1 when it
 * cannot tell (groups nested more than 7 deep; then ask scanMessage). Small
 * enough for the JIT to inline, which matters: most short text is scanned.
 */
export function scanAscii(
  bytes: Uint8Array,
  start: number,
  end: number,
  groupBudget: number,
): number {
  let pos = start;
  let groups = 0; // open group numbers (below 16 in one byte), four bits each, innermost lowest
  let open = 0;
  let containers = false;
  while (pos < end) {
    const tag = bytes[pos++] ?? 0;
    const number = tag >>> 3;
    if (number === 0) return SCAN_FAIL;
    switch (tag & 7) {
      case WIRE_VARINT:
        pos++;
        break;
      case WIRE_I64:
        pos += 8;
        break;
      case WIRE_I32:
        pos += 4;
        break;
      case WIRE_LEN:
        pos += 1 + (bytes[pos] ?? 0);
        containers = true;
        break;
      case WIRE_SGROUP:
        if (open >= groupBudget) return SCAN_FAIL;
        if (open === 7) return -1;
        groups = (groups << 4) | number;
        open++;
        containers = true;
        break;
      case WIRE_EGROUP:
        if (open === 0 || (groups & 15) !== number) return SCAN_FAIL;
        groups >>>= 4;
        open--;
        break;
      default:
        return SCAN_FAIL;
    }
  }
  // A value that ran past the end leaves pos beyond it.
  return pos !== end || open !== 0 ? SCAN_FAIL : containers ? SCAN_CONTAINERS : SCAN_FLAT;
}

/** Bits for sets of readings, in the order alternatives are listed. */
export const READ_MESSAGE = 1;
export const READ_STRING = 2;
export const READ_PACKED_VARINT = 4;
export const READ_PACKED_FIXED32 = 8;
export const READ_PACKED_FIXED64 = 16;
export const READ_BYTES = 32;

const ORDER: readonly Reading[] = [
  "message",
  "string",
  "packed-varint",
  "packed-fixed32",
  "packed-fixed64",
  "bytes",
];

/** Every set of readings, indexed by mask, made once. */
const LISTS: readonly (readonly Reading[])[] = Array.from({ length: 64 }, (_, mask) =>
  Object.freeze(ORDER.filter((_, k) => (mask & (1 << k)) !== 0)),
);
const NO_READINGS: readonly Reading[] = Object.freeze([]);

/**
 * The readings in the set `mask` (READ_* bits) as a shared frozen list in a
 * stable order: message, string, packed-varint, packed-fixed32, packed-fixed64,
 * bytes. Interned, so listing alternatives allocates nothing per field.
 */
export function readingList(mask: number): readonly Reading[] {
  return LISTS[mask & 63] ?? NO_READINGS;
}
