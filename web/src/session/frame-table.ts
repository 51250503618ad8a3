/**
 * The frame list's rows of one connection, as the decode worker sent them:
 * ROW_FIELDS numbers a row in one growing Float64Array, plus a summary and the
 * issue codes per row. Rows keep the order their last byte arrived in, both
 * directions interleaved; per direction an index maps frame numbers to rows.
 */
import type { Direction } from "./bridge-protocol.js";
import {
  KIND_FRAME,
  ROW_DIR,
  ROW_END,
  ROW_FIELDS,
  ROW_HEAD_END,
  ROW_HEAD_START,
  ROW_INDEX,
  ROW_KIND,
  ROW_PAYLOAD_END,
  ROW_PAYLOAD_START,
  ROW_START,
  type RowBatch,
  type StreamStatus,
} from "./worker-protocol.js";

const INITIAL_ROWS = 256;

/** A frame's spans as the hex view needs them (stream offsets). */
export interface FrameParts {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly headStart: number;
  readonly headEnd: number;
  readonly payloadStart: number;
  readonly payloadEnd: number;
}

class IntList {
  data = new Int32Array(INITIAL_ROWS);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  at(i: number): number {
    return i >= 0 && i < this.length ? (this.data[i] ?? -1) : -1;
  }
}

/** Rows of one connection; `generation` tells which framing they belong to. */
export class FrameTable {
  private data = new Float64Array(INITIAL_ROWS * ROW_FIELDS);
  private readonly summaries: string[] = [];
  private readonly notes: string[] = [];
  private frames: Record<Direction, IntList> = { c2s: new IntList(), s2c: new IntList() };
  /** Rows held. */
  count = 0;
  generation = 0;
  status: Record<Direction, StreamStatus> = {
    c2s: { stoppedAt: null, framing: "" },
    s2c: { stoppedAt: null, framing: "" },
  };

  /** Drops every row: the connection is framed again as `generation`. */
  reset(generation: number): void {
    this.generation = generation;
    this.count = 0;
    this.summaries.length = 0;
    this.notes.length = 0;
    this.frames = { c2s: new IntList(), s2c: new IntList() };
    this.status = {
      c2s: { stoppedAt: null, framing: this.status.c2s.framing },
      s2c: { stoppedAt: null, framing: this.status.s2c.framing },
    };
  }

  /** Appends a batch; returns false (and keeps nothing) when it belongs to an older generation. */
  append(batch: RowBatch): boolean {
    if (batch.generation < this.generation) return false;
    if (batch.generation > this.generation) this.reset(batch.generation);
    const n = batch.rows.length / ROW_FIELDS;
    this.reserve(this.count + n);
    this.data.set(batch.rows, this.count * ROW_FIELDS);
    for (let i = 0; i < n; i++) {
      const row = this.count + i;
      if (batch.rows[i * ROW_FIELDS + ROW_KIND] === KIND_FRAME)
        this.frames[batch.rows[i * ROW_FIELDS + ROW_DIR] === 1 ? "s2c" : "c2s"].push(row);
      this.summaries.push(batch.summaries[i] ?? "");
      this.notes.push(batch.notes[i] ?? "");
    }
    this.count += n;
    this.status = { c2s: batch.c2s, s2c: batch.s2c };
    return true;
  }

  /** One number of a row (ROW_* field), NaN outside the table. */
  num(row: number, field: number): number {
    return row >= 0 && row < this.count ? (this.data[row * ROW_FIELDS + field] ?? NaN) : NaN;
  }

  dirOf(row: number): Direction {
    return this.num(row, ROW_DIR) === 1 ? "s2c" : "c2s";
  }

  isFrame(row: number): boolean {
    return this.num(row, ROW_KIND) === KIND_FRAME;
  }

  summary(row: number): string {
    return this.summaries[row] ?? "";
  }

  note(row: number): string {
    return this.notes[row] ?? "";
  }

  /** Frames cut so far in one direction. */
  frameCount(dir: Direction): number {
    return this.frames[dir].length;
  }

  /** The row of frame `index` of a direction, or -1. */
  rowOfFrame(dir: Direction, index: number): number {
    return this.frames[dir].at(index);
  }

  /** The row of the frame of `dir` whose span covers stream offset `at`, or -1. */
  frameRowAt(dir: Direction, at: number): number {
    const list = this.frames[dir];
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const row = list.at(mid);
      if (this.num(row, ROW_END) <= at) lo = mid + 1;
      else if (this.num(row, ROW_START) > at) hi = mid - 1;
      else return row;
    }
    return -1;
  }

  /** The frames of `dir` overlapping [from, to), in stream order, with their parts. */
  framesOverlapping(dir: Direction, from: number, to: number): FrameParts[] {
    const list = this.frames[dir];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.num(list.at(mid), ROW_END) <= from) lo = mid + 1;
      else hi = mid;
    }
    const out: FrameParts[] = [];
    for (let i = lo; i < list.length; i++) {
      const row = list.at(i);
      const start = this.num(row, ROW_START);
      if (start >= to) break;
      out.push({
        index: i,
        start,
        end: this.num(row, ROW_END),
        headStart: this.num(row, ROW_HEAD_START),
        headEnd: this.num(row, ROW_HEAD_END),
        payloadStart: this.num(row, ROW_PAYLOAD_START),
        payloadEnd: this.num(row, ROW_PAYLOAD_END),
      });
    }
    return out;
  }

  /** Where the last frame of a direction ends (0 before the first). */
  framedTo(dir: Direction): number {
    const list = this.frames[dir];
    return list.length === 0 ? 0 : this.num(list.at(list.length - 1), ROW_END);
  }

  /** The frame's index in its stream for a frame row, else -1. */
  frameIndex(row: number): number {
    return this.isFrame(row) ? this.num(row, ROW_INDEX) : -1;
  }

  private reserve(rows: number): void {
    if (rows * ROW_FIELDS <= this.data.length) return;
    let cap = this.data.length / ROW_FIELDS;
    while (cap < rows) cap *= 2;
    const next = new Float64Array(cap * ROW_FIELDS);
    next.set(this.data.subarray(0, this.count * ROW_FIELDS));
    this.data = next;
  }
}
