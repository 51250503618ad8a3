/**
 * The teaching view's engine: plays a stream through the real framer chunk by
 * chunk and says, after each chunk, what the framer is waiting for, in words.
 * A frame's head and end are taken from the frames the same framer cuts over
 * the whole stream (framing does not depend on chunking), so "need 37 more
 * bytes" is what the framer knows once it has read the head. A frame still
 * incomplete after the last chunk of a stream that has not ended (or is played
 * only in part) is described from what the framer read of it (its
 * `pendingFrame`), never as a stream that ended.
 *
 * ```
 * stream   |frame 0 ........|frame 1 .........|frame 2 ...
 * chunks   |chunk 0   |chunk 1        |chunk 2  ...
 *                                     ^ after chunk 1: frame 1 complete,
 *                                       frame 2 "head: 2 of 4 bytes"
 * ```
 */
import type { Frame } from "./frame.js";
import type { PendingFrame } from "./framer.js";
import { createFramer } from "./framers.js";
import type { Issue } from "./issue.js";
import type { Span } from "./span.js";
import type { FramingSpec } from "./spec.js";
import { appendAll } from "./append.js";

/** The framer's state after one chunk. */
export interface FramerStep {
  /** The chunk's bytes: [start, end). */
  readonly chunk: Span;
  /** Frames complete so far (after this chunk). */
  readonly framesDone: number;
  /** Indices of the frames this chunk completed. */
  readonly completed: readonly number[];
  /** Issues this chunk raised. */
  readonly issues: readonly Issue[];
  /** The state in words, e.g. "frame 3 complete; head: 2 of 4 bytes". */
  readonly text: string;
  /** Bytes received of the frame being cut, if any. */
  readonly waiting: Span | undefined;
  /** Bytes the framer still needs for that frame, when it knows how many. */
  readonly needed: Span | undefined;
  /** The head of that frame, once the framer has read it. */
  readonly head: Span | undefined;
}

/** Every frame and issue of the stream, and one step per chunk. */
export interface FramerPlay {
  readonly frames: readonly Frame[];
  readonly issues: readonly Issue[];
  readonly steps: readonly FramerStep[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Plays `chunks` (one stream, in order) through a fresh framer of `spec`.
 * `ended` says the stream ended after the last chunk (the framer's `end` runs
 * then, and may report a frame left incomplete); otherwise the stream is still
 * open, or only its first bytes are played, and the last step says what the
 * framer is waiting for.
 */
export function playFramer(
  spec: FramingSpec,
  chunks: readonly Uint8Array[],
  ended = true,
): FramerPlay {
  const framer = createFramer(spec);
  const frames: Frame[] = [];
  const issues: Issue[] = [];
  const raw: {
    chunk: Span;
    completed: number[];
    issues: Issue[];
    pendingStart: number;
    pending: PendingFrame | undefined;
    stoppedAt: number | undefined;
  }[] = [];
  let at = 0;
  chunks.forEach((c, i) => {
    const out = framer.push(c);
    const extra = ended && i === chunks.length - 1 ? framer.end() : { frames: [], issues: [] };
    const done = [...out.frames, ...extra.frames];
    const iss = [...out.issues, ...extra.issues];
    appendAll(frames, done);
    appendAll(issues, iss);
    raw.push({
      chunk: [at, at + c.length],
      completed: done.map((f) => f.index),
      issues: iss,
      pendingStart: framer.pendingStart,
      pending: framer.pendingFrame,
      stoppedAt: framer.stoppedAt,
    });
    at += c.length;
  });
  const steps = raw.map((r, i) => {
    const position = r.chunk[1];
    const over = ended && i === raw.length - 1;
    const done = frames.filter((f) => f.end <= position).length;
    const parts: string[] = [];
    if (r.completed.length > 0)
      parts.push(
        r.completed.length === 1
          ? `frame ${r.completed[0] ?? 0} complete`
          : `frames ${r.completed[0] ?? 0}–${r.completed[r.completed.length - 1] ?? 0} complete`,
      );
    let waiting: Span | undefined;
    let needed: Span | undefined;
    let head: Span | undefined;
    const stopped = r.stoppedAt;
    if (stopped !== undefined) {
      const fatal = issues.find((x) => x.fatal);
      parts.push(`stopped at byte ${stopped}${fatal === undefined ? "" : `: ${fatal.text}`}`);
    } else if (r.pendingStart < position) {
      waiting = [r.pendingStart, position];
      const f = frames.find((x) => x.start <= r.pendingStart && x.end > position);
      const have = position - r.pendingStart;
      const headBytes = headLength(spec);
      if (f === undefined && headBytes !== undefined && have < headBytes) {
        parts.push(`head: ${have} of ${headBytes} bytes`);
        needed = [position, r.pendingStart + headBytes];
      } else if (f === undefined && !over && r.pending !== undefined && r.pending.end > position) {
        // The frame completes after the bytes played (an open stream, or its first bytes only):
        // its head said how long it is.
        parts.push(`payload: need ${plural(r.pending.end - position, "more byte")}`);
        needed = [position, r.pending.end];
        head = r.pending.head;
      } else if (f === undefined)
        parts.push(
          ended
            ? `${plural(have, "byte")} waiting: the frame never completes`
            : `${plural(have, "byte")} read, no end of the frame yet`,
        );
      else if (f.headStart >= f.payloadEnd) {
        parts.push(`${plural(have, "byte")} read, no end of the frame yet`);
      } else if (position < f.headEnd) {
        parts.push(
          position <= f.headStart
            ? `before the head: ${position - f.start} of ${f.headStart - f.start} bytes`
            : `head: ${position - f.headStart} of ${f.headEnd - f.headStart} bytes`,
        );
        needed = [position, f.headEnd];
      } else {
        parts.push(`payload: need ${plural(f.end - position, "more byte")}`);
        needed = [position, f.end];
        head = [f.headStart, f.headEnd];
      }
    } else if (r.completed.length === 0) parts.push("between frames: waiting for the next one");
    return {
      chunk: r.chunk,
      framesDone: done,
      completed: r.completed,
      issues: r.issues,
      text: parts.join("; "),
      waiting,
      needed,
      head,
    };
  });
  return { frames, issues, steps };
}

/** Bytes a framer reads before it knows a frame's size, when fixed by the spec. */
function headLength(spec: FramingSpec): number | undefined {
  switch (spec.kind) {
    case "length":
    case "netty":
      return spec.offset + spec.size;
    case "grpc":
      return 5;
    case "fixed":
      return spec.size;
    default:
      return undefined;
  }
}

/** Ways to cut the same bytes into reads. */
export type Rechunk = "one-byte" | "random" | "segments" | "coalesced";

/** TCP's usual segment payload on Ethernet (1500 MTU - 40 bytes of IP and TCP headers). */
export const SEGMENT_BYTES = 1460;

/** Random reads are at most this many bytes, however long the stream. */
export const RANDOM_READ_MAX = 64;

/**
 * The largest random read for a stream of `length` bytes: a quarter of the
 * stream rounded up, at least 2 and at most {@link RANDOM_READ_MAX}, so even a
 * 13-byte stream arrives in several reads.
 */
export function randomReadMax(length: number): number {
  return Math.min(RANDOM_READ_MAX, Math.max(2, Math.ceil(length / 4)));
}

/**
 * Cuts `bytes` into chunks: 1-byte reads, random sizes from 1 to
 * {@link randomReadMax} (the same `seed` gives the same cuts), 1460-byte
 * segments, or one chunk.
 */
export function rechunk(bytes: Uint8Array, how: Rechunk, seed = 1): Uint8Array[] {
  const sizes: number[] = [];
  const max = randomReadMax(bytes.length);
  let rest = bytes.length;
  // Spread nearby seeds apart (golden-ratio multiply), so "reshuffle" changes the first cuts too.
  let s = Math.imul(seed >>> 0 || 1, 0x9e3779b9) >>> 0 || 1;
  while (rest > 0) {
    let n: number;
    if (how === "one-byte") n = 1;
    else if (how === "segments") n = SEGMENT_BYTES;
    else if (how === "coalesced") n = rest;
    else {
      // xorshift32: the same seed gives the same cuts.
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      n = 1 + (s % max);
    }
    n = Math.min(n, rest);
    sizes.push(n);
    rest -= n;
  }
  const out: Uint8Array[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** The frames' byte layout without their chunk indices: equal for any chunking of the same bytes. */
export function frameLayout(frames: readonly Frame[]): string {
  return frames
    .map((f) => `${f.start}:${f.headStart}-${f.headEnd}:${f.payloadStart}-${f.payloadEnd}:${f.end}`)
    .join(" ");
}
