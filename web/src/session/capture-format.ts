/**
 * The capture file format (version 1): an append-only log of every chunk and
 * connection event the bridge saw, written so that a crash mid-write leaves a
 * torn tail that readers detect and ignore. Pure: no Node, no DOM. Specified in
 * docs/capture-format.md.
 */
import { bytesToHex } from "../decode/hex.js";
import { encodeUtf8 } from "../decode/utf8.js";
import type { Direction, RecordedEvent } from "./bridge-protocol.js";
import { crc32 as jsCrc32, crc32Range, type Crc32 } from "./capture-crc32.js";
import { parseRecordedEvent } from "./capture-event.js";

/** The first 8 bytes of every capture file: 0x89 "FSCAP" CR LF. */
export const CAPTURE_MAGIC = Uint8Array.of(0x89, 0x46, 0x53, 0x43, 0x41, 0x50, 0x0d, 0x0a);
/** Format version written by this code; readers refuse a higher one. */
export const CAPTURE_VERSION = 1;
/** Size of the file head written by version 1 (readers honour the size stored in the file). */
export const CAPTURE_HEAD_SIZE = 24;
/** Size of a record's fixed part: length, crc32, type, dir, reserved, conn, time. */
export const RECORD_HEAD_SIZE = 24;
/** Largest record body (a chunk's bytes or an event's JSON), 256 MiB; a larger length means damage. */
export const MAX_RECORD_BODY = 256 * 1024 * 1024;

/** Record type byte: one chunk (its bytes are the body). */
export const RECORD_CHUNK = 1;
/** Record type byte: one connection event (its UTF-8 JSON is the body). */
export const RECORD_EVENT = 2;

/** One record read back, with `offset`, its position in the file. */
export type CaptureRecord =
  | {
      readonly kind: "chunk";
      readonly offset: number;
      readonly conn: number;
      readonly dir: Direction;
      readonly time: number;
      readonly bytes: Uint8Array;
    }
  | {
      readonly kind: "event";
      readonly offset: number;
      readonly conn: number;
      readonly time: number;
      readonly event: RecordedEvent;
    };

/**
 * Why reading stopped before the end of the bytes: a torn (incomplete) record,
 * or one whose framing is damaged (a length or checksum that cannot be trusted,
 * so nothing after it can be found).
 */
export type CaptureTail = {
  readonly offset: number;
  readonly size: number;
  readonly reason: "incomplete" | "checksum" | "bad-length";
};

/**
 * A record that was skipped: its length and checksum are good (so the records
 * after it are found and read), but its content is not valid: an event body
 * that is not a documented event (`bad-event`), a time of 2^53 µs or more that
 * a number cannot hold exactly (`bad-time`), or a chunk direction other than
 * 0 or 1 (`bad-dir`). `text` says what is wrong; `conn` is the record head's.
 * A skipped chunk leaves a gap in its stream.
 */
export type CaptureBadRecord = {
  readonly kind: "chunk" | "event";
  readonly offset: number;
  readonly size: number;
  readonly conn: number;
  readonly reason: "bad-event" | "bad-time" | "bad-dir";
  readonly text: string;
};

/** Everything readable in a capture file. */
export type CaptureReadResult =
  | {
      readonly ok: true;
      readonly version: number;
      /** When the file was created, µs since the Unix epoch. */
      readonly created: number;
      readonly records: CaptureRecord[];
      /** Records skipped because their content is not valid, in file order. */
      readonly bad: CaptureBadRecord[];
      /** Offset just after the last record read (good or skipped). */
      readonly end: number;
      /** What follows `end`, when anything does: ignored. */
      readonly tail: CaptureTail | null;
    }
  | {
      readonly ok: false;
      readonly error: "NOT_A_CAPTURE" | "UNSUPPORTED_VERSION" | "SHORT_HEAD";
      readonly text: string;
    };

/**
 * The file head.
 * ```
 *  0                               8        10       12                   20        24
 * +-------------------------------+--------+--------+--------------------+---------+
 * | magic 89 46 53 43 41 50 0d 0a | version| head   | created: µs since  | reserved|
 * |       (0x89 "FSCAP" CR LF)    | u16 BE | size   | the epoch, u64 BE  | (zero)  |
 * +-------------------------------+--------+--------+--------------------+---------+
 * ```
 */
export function encodeCaptureHead(created: number): Uint8Array {
  const out = new Uint8Array(CAPTURE_HEAD_SIZE);
  out.set(CAPTURE_MAGIC, 0);
  const v = new DataView(out.buffer);
  v.setUint16(8, CAPTURE_VERSION);
  v.setUint16(10, CAPTURE_HEAD_SIZE);
  setU64(v, 12, created);
  return out;
}

/** True when the bytes start with the capture magic (for telling a capture from a raw byte file). */
export function isCapture(bytes: Uint8Array): boolean {
  return bytes.length >= CAPTURE_MAGIC.length && CAPTURE_MAGIC.every((b, i) => bytes[i] === b);
}

/** Reads the file head: version, creation time and where the first record starts. */
export function readCaptureHead(
  bytes: Uint8Array,
):
  | { ok: true; version: number; created: number; headSize: number }
  | Extract<CaptureReadResult, { ok: false }> {
  const magicSeen = Math.min(bytes.length, CAPTURE_MAGIC.length);
  if (!CAPTURE_MAGIC.subarray(0, magicSeen).every((b, i) => bytes[i] === b)) {
    return { ok: false, error: "NOT_A_CAPTURE", text: "no capture magic at the start" };
  }
  if (bytes.length < 12)
    return {
      ok: false,
      error: "SHORT_HEAD",
      text: `the file head is cut short (${bytes.length} bytes)`,
    };
  const v = view(bytes);
  const version = v.getUint16(8);
  const headSize = v.getUint16(10);
  if (version > CAPTURE_VERSION || version === 0) {
    return {
      ok: false,
      error: "UNSUPPORTED_VERSION",
      text: `capture version ${version}; this reader knows ${CAPTURE_VERSION}`,
    };
  }
  if (headSize < 20 || bytes.length < headSize) {
    return {
      ok: false,
      error: "SHORT_HEAD",
      text: `the file head (${headSize} bytes) is cut short or invalid`,
    };
  }
  return { ok: true, version, created: getU64(v, 12), headSize };
}

/**
 * A record's fixed part, for `body` bytes of body; write it, then the body.
 * ```
 *  0         4         8      9      10        12        16                   24
 * +---------+---------+------+------+---------+---------+--------------------+------
 * | length  | crc32   | type | dir  | reserved| conn    | time: µs since the | body
 * | u32 BE  | u32 BE  | 1, 2 | 0, 1 | u16 = 0 | u32 BE  | epoch, u64 BE      |
 * +---------+---------+------+------+---------+---------+--------------------+------
 * ```
 * length = 16 + body size (the bytes after the crc field); crc32 covers the
 * length field and those bytes.
 */
export function encodeRecordHead(
  type: number,
  conn: number,
  dir: Direction,
  time: number,
  body: Uint8Array,
  crc: Crc32 = jsCrc32,
): Uint8Array {
  const out = new Uint8Array(RECORD_HEAD_SIZE);
  writeRecordHead(out, 0, type, conn, dir, time, body, crc);
  return out;
}

/**
 * Writes a record's fixed part (RECORD_HEAD_SIZE bytes, the same as
 * encodeRecordHead's) into `out` at `at`; the body is not copied. `crc` runs
 * once, over the body; the 20 head bytes it covers go through the pure crc32Range.
 */
export function writeRecordHead(
  out: Uint8Array,
  at: number,
  type: number,
  conn: number,
  dir: Direction,
  time: number,
  body: Uint8Array,
  crc: Crc32 = jsCrc32,
): void {
  putRecordHead(view(out), at, type, conn, dir, time, body, crc);
}

/**
 * writeRecordHead into a DataView the caller keeps. Without `crc`, the body
 * must already be in `out` right after the head: the whole record then goes
 * through the pure crc32Range, with no allocation and no call into native
 * code (what costs most for a small record). With `crc`, the head's 20 bytes
 * go through crc32Range and `crc` continues over `body` where it is.
 */
export function putRecordHead(
  out: DataView,
  at: number,
  type: number,
  conn: number,
  dir: Direction,
  time: number,
  body: Uint8Array,
  crc?: Crc32,
): void {
  if (body.length > MAX_RECORD_BODY)
    throw new RangeError(`record body of ${body.length} bytes exceeds ${MAX_RECORD_BODY}`);
  out.setUint32(at, 16 + body.length);
  out.setUint8(at + 8, type);
  out.setUint8(at + 9, dir === "c2s" ? 0 : 1);
  out.setUint16(at + 10, 0);
  out.setUint32(at + 12, conn);
  setU64(out, at + 16, time);
  const length = crc32Range(out, at, at + 4);
  if (crc === undefined) {
    out.setUint32(at + 4, crc32Range(out, at + 8, at + RECORD_HEAD_SIZE + body.length, length));
    return;
  }
  const head = crc32Range(out, at + 8, at + RECORD_HEAD_SIZE, length);
  // zlib.crc32 answers 0, not `head`, for an empty array with no memory behind it.
  out.setUint32(at + 4, body.length === 0 ? head : crc(body, head));
}

/** A whole chunk record (head and bytes) as one array. */
export function encodeChunkRecord(
  conn: number,
  dir: Direction,
  time: number,
  bytes: Uint8Array,
): Uint8Array {
  return join(encodeRecordHead(RECORD_CHUNK, conn, dir, time, bytes), bytes);
}

/** A whole event record: the event as UTF-8 JSON. */
export function encodeEventRecord(event: RecordedEvent): Uint8Array {
  const body = encodeUtf8(JSON.stringify(event));
  return join(encodeRecordHead(RECORD_EVENT, event.conn, "c2s", event.time, body), body);
}

/** The outcome of reading records from part of a file: what was read, and why it stopped. */
export interface RecordsRead {
  readonly records: CaptureRecord[];
  /** Records skipped because their content is not valid (their framing is good), in file order. */
  readonly bad: CaptureBadRecord[];
  /** Offset (in file terms) after the last record read (good or skipped). */
  readonly next: number;
  /** null: the bytes ended on a record boundary; `more`: a record continues past them (its total size). */
  readonly stop:
    | null
    | { readonly reason: "more"; readonly need: number }
    | Omit<CaptureTail, "offset" | "size">;
}

/**
 * Reads the records in `bytes`, which hold the file from offset `base` on.
 * Stops at the first record that is cut short (`more`, with the size it needs)
 * or whose framing is damaged (bad length or checksum). A record with good
 * framing but invalid content is listed in `bad` and reading goes on after it.
 * Records of unknown types are skipped. Never throws.
 */
export function readRecords(bytes: Uint8Array, base: number, crc: Crc32 = jsCrc32): RecordsRead {
  const records: CaptureRecord[] = [];
  const bad: CaptureBadRecord[] = [];
  const v = view(bytes);
  let at = 0;
  const done = (stop: RecordsRead["stop"]): RecordsRead => ({
    records,
    bad,
    next: base + at,
    stop,
  });
  while (at < bytes.length) {
    if (bytes.length - at < 4) return done({ reason: "more", need: RECORD_HEAD_SIZE });
    const length = v.getUint32(at);
    if (length < 16 || length - 16 > MAX_RECORD_BODY) return done({ reason: "bad-length" });
    const total = 8 + length;
    if (bytes.length - at < total) return done({ reason: "more", need: total });
    const sum = crc(bytes.subarray(at + 8, at + total), crc(bytes.subarray(at, at + 4)));
    if (sum !== v.getUint32(at + 4)) return done({ reason: "checksum" });
    const type = bytes[at + 8];
    const dirByte = bytes[at + 9];
    const conn = v.getUint32(at + 12);
    const timeHigh = v.getUint32(at + 16);
    const time = getU64(v, at + 16);
    const body = bytes.subarray(at + RECORD_HEAD_SIZE, at + total);
    const offset = base + at;
    const skip = (reason: CaptureBadRecord["reason"], text: string): void => {
      bad.push({
        kind: type === RECORD_CHUNK ? "chunk" : "event",
        offset,
        size: total,
        conn,
        reason,
        text,
      });
    };
    if (type !== RECORD_CHUNK && type !== RECORD_EVENT) {
      // Another type: room for later versions, skipped unread.
    } else if (timeHigh >= 2 ** 21) {
      const hex = bytesToHex(bytes.subarray(at + 16, at + 24));
      skip("bad-time", `time 0x${hex} µs is 2^53 or more: not exactly representable`);
    } else if (type === RECORD_CHUNK) {
      if (dirByte === 0 || dirByte === 1) {
        const dir = dirByte === 0 ? "c2s" : "s2c";
        records.push({ kind: "chunk", offset, conn, dir, time, bytes: body });
      } else skip("bad-dir", `chunk direction ${dirByte ?? "?"} is neither 0 (c2s) nor 1 (s2c)`);
    } else {
      const parsed = parseRecordedEvent(body, conn, time);
      if (parsed.ok) records.push({ kind: "event", offset, conn, time, event: parsed.event });
      else skip("bad-event", parsed.text);
    }
    at += total;
  }
  return done(null);
}

/** Reads a whole capture file (`readCapture(bytes) -> records`), ignoring a torn or damaged tail. */
export function readCapture(bytes: Uint8Array, crc: Crc32 = jsCrc32): CaptureReadResult {
  const head = readCaptureHead(bytes);
  if (!head.ok) return head;
  const r = readRecords(bytes.subarray(head.headSize), head.headSize, crc);
  const tail: CaptureTail | null =
    r.stop === null
      ? null
      : {
          offset: r.next,
          size: bytes.length - r.next,
          reason: r.stop.reason === "more" ? "incomplete" : r.stop.reason,
        };
  return {
    ok: true,
    version: head.version,
    created: head.created,
    records: r.records,
    bad: r.bad,
    end: r.next,
    tail,
  };
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function setU64(v: DataView, at: number, n: number): void {
  v.setUint32(at, Math.floor(n / 2 ** 32));
  v.setUint32(at + 4, n % 2 ** 32);
}

function getU64(v: DataView, at: number): number {
  return v.getUint32(at) * 2 ** 32 + v.getUint32(at + 4);
}
