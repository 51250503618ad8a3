/**
 * One stream inside the decode engine: its bytes, the chunks' offsets and
 * times, its framer, its issues and each frame's FrameInfo (the page holds
 * the frames' spans, in its rows); how frames and issues become rows for the
 * page, and how one frame's summary or field tree is made again on demand.
 */
import type protobuf from "protobufjs";
import type { ByteStore } from "../decode/byte-store.js";
import { DEFAULT_MAX_DECOMPRESSED, gunzipBounded } from "../decode/decompress.js";
import { FrameRecord, type Frame, type FrameInfo } from "../decode/frame.js";
import type { Issue } from "../decode/issue.js";
import { decodePayload, isCompressedPayload } from "../decode/payload.js";
import { jsonIssues, messageToJson } from "../decode/proto-json.js";
import { rawMessageJson } from "../decode/records.js";
import {
  decodeFramePayload,
  MAX_HELD_BYTES,
  payloadBytes,
  type PayloadMode,
} from "../decode/stream-decoder.js";
import type { Framer } from "../decode/framer.js";
import { summarizeFrame } from "../ui/frame-summary.js";
import {
  KIND_FRAME,
  KIND_ISSUE,
  ROW_FIELDS,
  ROW_FLAG_COMPRESSED,
  ROW_FLAG_FATAL,
  ROW_FLAG_ISSUES,
  ROW_FLAG_MESSAGE,
  rowMeta,
  type FrameDetail,
  type FrameRef,
  type PayloadCheck,
  type RowWords,
} from "./worker-protocol.js";

export interface EngineStream {
  /** Every byte of the stream (never discarded: re-framing, summaries and details need them). */
  readonly store: ByteStore;
  readonly chunkStarts: number[];
  /** Per chunk: µs since the Unix epoch. */
  readonly chunkTimes: number[];
  /** Cuts the stream; frames go straight into rows (pushTo), never as Frame objects. */
  framer: Framer;
  /** Per frame, by index: what the framer learned (equal neighbours share one object). */
  infos: (FrameInfo | undefined)[];
  /** Frames whose payloads wait to be checked (decoded for issues), oldest first. */
  readonly checks: CheckQueue;
  issues: Issue[];
  ended: boolean;
  spec: string;
  type: protobuf.Type | undefined;
  mode: PayloadMode;
}

/**
 * Frames cut but whose payloads are not checked yet: their payload spans in
 * frame order (16 bytes a frame), from frame `next` on. Framing runs ahead;
 * checking follows when the worker has time (DecodeEngine.checkPayloads).
 */
export class CheckQueue {
  private spans = new Float64Array(512);
  private head = 0;
  private tail = 0;
  /** Index of the first frame not checked yet. */
  next = 0;
  /** How many frames the page was last told are checked. */
  told = 0;

  get size(): number {
    return (this.tail - this.head) / 2;
  }

  /** Queues frame `index` (the next one cut, or a frame left unchecked is passed over). */
  push(index: number, payloadStart: number, payloadEnd: number): void {
    if (this.size === 0) this.next = index;
    if (this.tail + 2 > this.spans.length) {
      const live = this.spans.subarray(this.head, this.tail);
      const next = new Float64Array(Math.max(512, live.length * 2));
      next.set(live);
      this.spans = next;
      this.tail -= this.head;
      this.head = 0;
    }
    this.spans[this.tail++] = payloadStart;
    this.spans[this.tail++] = payloadEnd;
  }

  /** The payload span of frame `next`, which leaves the queue; undefined when empty. */
  shift(): { index: number; start: number; end: number } | undefined {
    if (this.size === 0) return undefined;
    const out = {
      index: this.next++,
      start: this.spans[this.head] ?? 0,
      end: this.spans[this.head + 1] ?? 0,
    };
    this.head += 2;
    return out;
  }
}

/** Rows gathered for one connection until the next post. */
export class PendingRows {
  // Grown on the first row: many batches carry no rows (how far framing got, only).
  rows: Float64Array<ArrayBuffer> = new Float64Array(0);
  /** Rows held. */
  count = 0;
  readonly words: RowWords[] = [];

  constructor(readonly generation: number) {}

  /** Appends one row. */
  push(
    meta: number,
    start: number,
    end: number,
    headStart: number,
    headEnd: number,
    payloadStart: number,
    payloadEnd: number,
  ): void {
    if ((this.count + 1) * ROW_FIELDS > this.rows.length) {
      const next = new Float64Array(Math.max(256 * ROW_FIELDS, this.rows.length * 2));
      next.set(this.rows);
      this.rows = next;
    }
    const at = this.count++ * ROW_FIELDS;
    const r = this.rows;
    r[at] = meta;
    r[at + 1] = start;
    r[at + 2] = end;
    r[at + 3] = headStart;
    r[at + 4] = headEnd;
    r[at + 5] = payloadStart;
    r[at + 6] = payloadEnd;
  }

  /** The rows as a Float64Array of their own (to transfer). */
  take(): Float64Array<ArrayBuffer> {
    return this.rows.slice(0, this.count * ROW_FIELDS);
  }
}

/** Appends a frame's row (see ROW_* in worker-protocol.ts), keeping its info and queueing its payload check. */
export function frameRow(
  p: PendingRows,
  d: 0 | 1,
  s: EngineStream,
  index: number,
  start: number,
  end: number,
  headStart: number,
  headEnd: number,
  payloadStart: number,
  payloadEnd: number,
  info: FrameInfo | undefined,
): void {
  const last = s.infos[s.infos.length - 1];
  s.infos.push(last !== undefined && sameInfo(last, info) ? last : info);
  let flags = isCompressedPayload(info) ? ROW_FLAG_COMPRESSED : 0;
  if (carriesMessage(s, info, payloadEnd - payloadStart)) {
    // Decoded later (checkPayload): the row says so now, a check reports issues if any.
    flags |= ROW_FLAG_MESSAGE;
    s.checks.push(index, payloadStart, payloadEnd);
  }
  p.push(rowMeta(KIND_FRAME, d, flags), start, end, headStart, headEnd, payloadStart, payloadEnd);
}

/** Appends a framing issue's row, keeping the issue. */
export function issueRow(p: PendingRows, d: 0 | 1, s: EngineStream, issue: Issue): void {
  s.issues.push(issue);
  const [start, end] = issue.span;
  p.words.push({ row: p.count, text: issue.text, codes: issue.code });
  const flags = ROW_FLAG_ISSUES | (issue.fatal ? ROW_FLAG_FATAL : 0);
  p.push(rowMeta(KIND_ISSUE, d, flags), start, end, start, end, start, end);
}

/** True when a frame's payload is decoded as a message (a schema or schemaless, within the size kept). */
function carriesMessage(s: EngineStream, info: FrameInfo | undefined, size: number): boolean {
  return (
    s.mode.kind !== "none" && !(info?.kind === "grpc" && info.trailer) && size <= MAX_HELD_BYTES
  );
}

/**
 * Decodes the payload of the oldest frame waiting for a check; returns what it
 * found when the payload has issues, null when it has none, undefined when
 * nothing waits.
 */
export function checkPayload(s: EngineStream): PayloadCheck | null | undefined {
  const next = s.checks.shift();
  if (next === undefined) return undefined;
  const { index, start, end } = next;
  const frame = new FrameRecord(index, start, end, start, start, start, end, 0, 0, s.infos[index]);
  const message = decodeFramePayload(frame, payloadBytes(s.store, frame), s.mode);
  if (message === undefined) return null;
  // Values with no canonical JSON form (a Timestamp out of range) flag the row as well.
  const issues =
    s.type === undefined ? message.issues : [...message.issues, ...jsonIssues(message, s.type)];
  if (issues.length === 0) return null;
  const fatal = issues.some((i) => i.fatal) ? ROW_FLAG_FATAL : 0;
  return { index, flags: ROW_FLAG_ISSUES | fatal, codes: codes(issues) };
}

/** True when two infos say the same (HTTP/1 infos never compare equal: each has its own start line). */
function sameInfo(a: FrameInfo, b: FrameInfo | undefined): boolean {
  if (b === undefined || a.kind !== b.kind) return false;
  switch (a.kind) {
    case "length":
      return (
        b.kind === "length" && a.length === b.length && a.flags === b.flags && a.gzip === b.gzip
      );
    case "grpc":
      return b.kind === "grpc" && a.flag === b.flag && a.trailer === b.trailer;
    case "resp":
      return b.kind === "resp" && a.type === b.type && a.attributes === b.attributes;
    case "http1":
      return false;
  }
}

/** The frame a row describes, with its info; undefined when the stream does not have it (framed again since). */
export function frameOf(s: EngineStream, ref: FrameRef): Frame | undefined {
  if (
    !Number.isInteger(ref.index) ||
    ref.index < 0 ||
    ref.index >= s.infos.length ||
    !(ref.start >= 0 && ref.start <= ref.headStart && ref.headStart <= ref.headEnd) ||
    !(ref.payloadStart >= ref.start && ref.payloadStart <= ref.payloadEnd) ||
    !(ref.payloadEnd <= ref.end && ref.end <= s.store.length)
  )
    return undefined;
  return new FrameRecord(
    ref.index,
    ref.start,
    ref.end,
    ref.headStart,
    ref.headEnd,
    ref.payloadStart,
    ref.payloadEnd,
    chunkIndexAt(s.chunkStarts, ref.start),
    chunkIndexAt(s.chunkStarts, Math.max(ref.start, ref.end - 1)) + 1,
    s.infos[ref.index],
  );
}

/** A frame's one-line summary, decoded again from the stream's bytes (as the decoder did). */
export function frameSummary(s: EngineStream, frame: Frame): string {
  if (frame.payloadEnd - frame.payloadStart > MAX_HELD_BYTES)
    return summarizeFrame(frame, undefined, undefined);
  const payload = payloadBytes(s.store, frame);
  return summarizeFrame(frame, payload, decodeFramePayload(frame, payload, s.mode));
}

/** A frame's tree, JSON, gunzipped payload and framing issues, decoded again from the stream's bytes. */
export function frameDetail(s: EngineStream, frame: Frame): FrameDetail {
  // A copy of its own: the field tree refers to these bytes and goes to the page with them.
  const payload = payloadBytes(s.store, frame).slice();
  const framingIssues = s.issues.filter(
    (i) => i.span[0] < frame.end && (i.span[1] > frame.start || i.span[0] >= frame.start),
  );
  if (s.mode.kind === "none")
    return { frame, message: undefined, decompressed: undefined, json: undefined, framingIssues };
  const message = decodePayload(
    payload,
    frame.payloadStart,
    frame.info,
    s.type === undefined ? undefined : { type: s.type },
  );
  let decompressed: Uint8Array | undefined;
  if (message.source.kind === "gzip") {
    const g = gunzipBounded(payload, DEFAULT_MAX_DECOMPRESSED);
    decompressed = g.ok ? g.bytes : undefined;
  }
  // Values with no canonical JSON form (a Timestamp out of range) are issues of the message.
  const jsonIssues: Issue[] = [];
  const json =
    s.type === undefined ? rawMessageJson(message) : messageToJson(message, s.type, jsonIssues);
  const shown =
    jsonIssues.length === 0 ? message : { ...message, issues: [...message.issues, ...jsonIssues] };
  return {
    frame,
    message: shown,
    decompressed,
    json: JSON.stringify(json, null, 2),
    framingIssues,
  };
}

function codes(issues: readonly Issue[]): string {
  return [...new Set(issues.map((i) => i.code))].join(" ");
}

/** Index of the chunk holding stream offset `at` (the last chunk for an offset at or past the end). */
export function chunkIndexAt(starts: readonly number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
