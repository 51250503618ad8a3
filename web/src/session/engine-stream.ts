/**
 * One stream inside the decode engine: its bytes, the chunks' offsets and
 * times, its decoder and everything it cut so far; how its frames and issues
 * become rows for the page, and how one frame's field tree is made on demand.
 */
import type protobuf from "protobufjs";
import type { ByteStore } from "../decode/byte-store.js";
import { DEFAULT_MAX_DECOMPRESSED, gunzipBounded } from "../decode/decompress.js";
import type { Frame } from "../decode/frame.js";
import type { Issue } from "../decode/issue.js";
import { decodePayload, isCompressedPayload } from "../decode/payload.js";
import { messageToJson } from "../decode/proto-json.js";
import { rawMessageJson } from "../decode/records.js";
import {
  payloadBytes,
  type PayloadMode,
  type StreamDecoder,
  type StreamEvent,
} from "../decode/stream-decoder.js";
import { summarizeFrame } from "../ui/frame-summary.js";
import type { Direction } from "./bridge-protocol.js";
import {
  KIND_FRAME,
  KIND_ISSUE,
  ROW_FLAG_COMPRESSED,
  ROW_FLAG_FATAL,
  ROW_FLAG_ISSUES,
  ROW_FLAG_MESSAGE,
  type FrameDetail,
} from "./worker-protocol.js";

export interface EngineStream {
  /** Every byte of the stream (never discarded: re-framing and details need them). */
  readonly store: ByteStore;
  readonly chunkStarts: number[];
  /** Per chunk: µs since the Unix epoch. */
  readonly chunkTimes: number[];
  decoder: StreamDecoder;
  frames: Frame[];
  issues: Issue[];
  ended: boolean;
  spec: string;
  type: protobuf.Type | undefined;
  mode: PayloadMode;
}

/** Rows gathered for one connection until the next post. */
export interface PendingRows {
  generation: number;
  rows: number[];
  summaries: string[];
  notes: string[];
}

/** Appends a row (see ROW_* in worker-protocol.ts) per frame and per issue, keeping them in the stream. */
export function pushRows(
  p: PendingRows,
  dir: Direction,
  s: EngineStream,
  events: readonly StreamEvent[],
): void {
  const d = dir === "c2s" ? 0 : 1;
  for (const ev of events) {
    if (ev.type === "frame") {
      const { frame, payload, message } = ev.frame;
      s.frames.push(frame);
      let flags = isCompressedPayload(frame.info) ? ROW_FLAG_COMPRESSED : 0;
      if (message !== undefined) flags |= ROW_FLAG_MESSAGE;
      if (message !== undefined && message.issues.length > 0) flags |= ROW_FLAG_ISSUES;
      if (message?.issues.some((i) => i.fatal)) flags |= ROW_FLAG_FATAL;
      p.rows.push(
        KIND_FRAME,
        d,
        frame.index,
        frame.start,
        frame.end,
        frame.headStart,
        frame.headEnd,
        frame.payloadStart,
        frame.payloadEnd,
        frame.firstChunk,
        frame.endChunk,
        s.chunkTimes[Math.max(0, frame.endChunk - 1)] ?? 0,
        flags,
      );
      p.summaries.push(summarizeFrame(frame, payload, message));
      p.notes.push(message === undefined ? "" : codes(message.issues));
    } else {
      const issue = ev.issue;
      const ordinal = s.issues.length;
      s.issues.push(issue);
      const [start, end] = issue.span;
      const first = chunkIndexAt(s.chunkStarts, start);
      const last = chunkIndexAt(s.chunkStarts, Math.max(start, end - 1));
      p.rows.push(
        KIND_ISSUE,
        d,
        ordinal,
        start,
        end,
        start,
        start,
        start,
        start,
        first,
        last + 1,
        s.chunkTimes[last] ?? s.chunkTimes[s.chunkTimes.length - 1] ?? 0,
        ROW_FLAG_ISSUES | (issue.fatal ? ROW_FLAG_FATAL : 0),
      );
      p.summaries.push(issue.text);
      p.notes.push(issue.code);
    }
  }
}

/** A frame's tree, JSON, gunzipped payload and framing issues, decoded again from the stream's bytes. */
export function frameDetail(s: EngineStream, frame: Frame): FrameDetail {
  const payload = payloadBytes(s.store, frame);
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
  const json = s.type === undefined ? rawMessageJson(message) : messageToJson(message, s.type);
  return { frame, message, decompressed, json: JSON.stringify(json, null, 2), framingIssues };
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
