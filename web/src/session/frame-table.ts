/**
 * The frame list's rows of one connection, as the decode worker sent them,
 * kept in blocks of columns (33 bytes a row: start and end as doubles, the
 * head and payload bounds as 32-bit distances from them, one byte of META),
 * the words of the few rows with issues, and a bounded cache of the summaries
 * the page asked for. Rows keep the order their last byte arrived in, both
 * directions interleaved; per direction an index maps frame numbers to rows.
 */
import type { Direction } from "./bridge-protocol.js";
import {
  KIND_FRAME,
  ROW_END,
  ROW_FIELDS,
  ROW_HEAD_END,
  ROW_HEAD_START,
  ROW_META,
  ROW_PAYLOAD_END,
  ROW_PAYLOAD_START,
  ROW_START,
  type FrameRef,
  type PayloadCheck,
  type RowBatch,
  type StreamStatus,
} from "./worker-protocol.js";

const INITIAL_ROWS = 256;
/** Rows per block of columns: blocks are never copied as the table grows. */
const BLOCK_BITS = 16;
const BLOCK = 1 << BLOCK_BITS;
/** Distances above this (or not whole) do not fit a column: the row keeps its numbers whole. */
const MAX_DISTANCE = 0xffffffff;
/** META bit 7 in a block: the row is in `wide` (META itself uses bits 0..5). */
const WIDE = 0x80;

/** One block of rows. */
class Block {
  readonly start = new Float64Array(BLOCK);
  readonly end = new Float64Array(BLOCK);
  /** Per row: headStart - start, headEnd - start, payloadStart - start, end - payloadEnd. */
  readonly rel = new Uint32Array(BLOCK * 4);
  readonly meta = new Uint8Array(BLOCK);
}
/** Summaries kept at most; the oldest asked for go first (they are asked for again when shown). */
export const SUMMARY_CACHE = 20_000;

/** A frame's spans as the hex view needs them (stream offsets). */
export type FrameParts = FrameRef;

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
  /** Position of `v` in the (ascending) list, or -1. */
  indexOf(v: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = this.data[mid] ?? 0;
      if (x < v) lo = mid + 1;
      else if (x > v) hi = mid - 1;
      else return mid;
    }
    return -1;
  }
}

/** Rows of one connection; `generation` tells which framing they belong to. */
export class FrameTable {
  private blocks: Block[] = [];
  /** Rows whose distances do not fit the columns, with all ROW_FIELDS numbers. */
  private wide = new Map<number, Float64Array>();
  private words = new Map<number, { readonly text: string; readonly codes: string }>();
  private summaries = new Map<number, string>();
  private asked = new Set<number>();
  private frames: Record<Direction, IntList> = { c2s: new IntList(), s2c: new IntList() };
  /** Rows held. */
  count = 0;
  generation = 0;
  /** Bumped when rows are dropped or a payload check adds issues to rows (see RowFilter). */
  revision = 0;
  /** Per direction: frames whose payloads the worker has checked (the first ones, in order). */
  checked: Record<Direction, number> = { c2s: 0, s2c: 0 };
  status: Record<Direction, StreamStatus> = {
    c2s: { stoppedAt: null, framing: "", framed: 0 },
    s2c: { stoppedAt: null, framing: "", framed: 0 },
  };

  /** Drops every row: the connection is framed again as `generation`. */
  reset(generation: number): void {
    this.generation = generation;
    this.revision++;
    this.checked = { c2s: 0, s2c: 0 };
    this.count = 0;
    this.blocks = [];
    this.wide = new Map();
    this.words = new Map();
    this.summaries = new Map();
    this.asked = new Set();
    this.frames = { c2s: new IntList(), s2c: new IntList() };
    this.status = {
      c2s: { stoppedAt: null, framing: this.status.c2s.framing, framed: 0 },
      s2c: { stoppedAt: null, framing: this.status.s2c.framing, framed: 0 },
    };
  }

  /** Appends a batch; returns false (and keeps nothing) when it belongs to an older generation. */
  append(batch: RowBatch): boolean {
    if (batch.generation < this.generation) return false;
    if (batch.generation > this.generation) this.reset(batch.generation);
    const n = batch.rows.length / ROW_FIELDS;
    for (let i = 0; i < n; i++) {
      const row = this.count + i;
      const meta = this.put(row, batch.rows.subarray(i * ROW_FIELDS, (i + 1) * ROW_FIELDS));
      if ((meta & 1) === KIND_FRAME) this.frames[meta & 2 ? "s2c" : "c2s"].push(row);
    }
    for (const w of batch.words) this.words.set(this.count + w.row, w);
    this.count += n;
    this.status = { c2s: batch.c2s, s2c: batch.s2c };
    return true;
  }

  /** Payload checks of `dir` from the worker: frames with issues gain the flags and codes. */
  putChecks(dir: Direction, checked: number, found: readonly PayloadCheck[]): void {
    this.checked[dir] = Math.max(this.checked[dir], checked);
    for (const f of found) {
      const row = this.rowOfFrame(dir, f.index);
      if (row < 0) continue;
      this.addFlags(row, f.flags);
      this.words.set(row, { text: "", codes: f.codes });
    }
    if (found.length > 0) this.revision++;
  }

  /** One number of a row (ROW_* field), NaN outside the table. */
  num(row: number, field: number): number {
    if (!(row >= 0 && row < this.count)) return NaN;
    const b = this.blocks[row >> BLOCK_BITS];
    if (b === undefined) return NaN;
    const k = row & (BLOCK - 1);
    const meta = b.meta[k] ?? 0;
    if (meta & WIDE) return this.wide.get(row)?.[field] ?? NaN;
    const start = b.start[k] ?? NaN;
    switch (field) {
      case ROW_META:
        return meta;
      case ROW_START:
        return start;
      case ROW_END:
        return b.end[k] ?? NaN;
      case ROW_HEAD_START:
        return start + (b.rel[k * 4] ?? NaN);
      case ROW_HEAD_END:
        return start + (b.rel[k * 4 + 1] ?? NaN);
      case ROW_PAYLOAD_START:
        return start + (b.rel[k * 4 + 2] ?? NaN);
      case ROW_PAYLOAD_END:
        return (b.end[k] ?? NaN) - (b.rel[k * 4 + 3] ?? NaN);
      default:
        return NaN;
    }
  }

  dirOf(row: number): Direction {
    return this.num(row, ROW_META) & 2 ? "s2c" : "c2s";
  }

  isFrame(row: number): boolean {
    return row >= 0 && row < this.count && (this.num(row, ROW_META) & 1) === KIND_FRAME;
  }

  /** The row's ROW_FLAG_* bits. */
  flags(row: number): number {
    return row >= 0 && row < this.count ? this.num(row, ROW_META) >> 2 : 0;
  }

  /** The row's one-line summary: an issue's text, a frame's summary once asked for, else undefined. */
  summary(row: number): string | undefined {
    if (!this.isFrame(row)) return this.words.get(row)?.text;
    return this.summaries.get(row);
  }

  /** The row's issue codes ("" for none). */
  note(row: number): string {
    return this.words.get(row)?.codes ?? "";
  }

  /** Frame rows among `rows` whose summary is neither held nor asked for; they count as asked from now on. */
  toAsk(rows: Iterable<number>): number[] {
    const out: number[] = [];
    for (const row of rows) {
      if (!this.isFrame(row) || this.summaries.has(row) || this.asked.has(row)) continue;
      this.asked.add(row);
      out.push(row);
    }
    return out;
  }

  /** Keeps summaries the worker sent for frames of `dir` (by index); forgets the oldest over SUMMARY_CACHE. */
  putSummaries(dir: Direction, indexes: readonly number[], texts: readonly string[]): void {
    indexes.forEach((index, k) => {
      const row = this.rowOfFrame(dir, index);
      if (row < 0) return;
      this.asked.delete(row);
      this.summaries.set(row, texts[k] ?? "");
    });
    for (const row of this.summaries.keys()) {
      if (this.summaries.size <= SUMMARY_CACHE) break;
      this.summaries.delete(row);
    }
  }

  /** Rows asked for whose answer will not come (the request was dropped): they may be asked again. */
  forgetAsked(rows: readonly number[]): void {
    for (const row of rows) this.asked.delete(row);
  }

  /** Frames cut so far in one direction. */
  frameCount(dir: Direction): number {
    return this.frames[dir].length;
  }

  /** The row of frame `index` of a direction, or -1. */
  rowOfFrame(dir: Direction, index: number): number {
    return this.frames[dir].at(index);
  }

  /** The frame's index in its stream for a frame row, else -1. */
  frameIndex(row: number): number {
    return this.isFrame(row) ? this.frames[this.dirOf(row)].indexOf(row) : -1;
  }

  /** A frame row's index and spans, as the worker is asked about it; undefined for other rows. */
  frameRef(row: number): FrameRef | undefined {
    const index = this.frameIndex(row);
    return index < 0 ? undefined : this.parts(row, index);
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
      if (this.num(row, ROW_START) >= to) break;
      out.push(this.parts(row, i));
    }
    return out;
  }

  /** Where the last frame of a direction ends (0 before the first). */
  framedTo(dir: Direction): number {
    const list = this.frames[dir];
    return list.length === 0 ? 0 : this.num(list.at(list.length - 1), ROW_END);
  }

  private parts(row: number, index: number): FrameParts {
    return {
      index,
      start: this.num(row, ROW_START),
      end: this.num(row, ROW_END),
      headStart: this.num(row, ROW_HEAD_START),
      headEnd: this.num(row, ROW_HEAD_END),
      payloadStart: this.num(row, ROW_PAYLOAD_START),
      payloadEnd: this.num(row, ROW_PAYLOAD_END),
    };
  }

  private addFlags(row: number, flags: number): void {
    const b = this.blocks[row >> BLOCK_BITS];
    if (b === undefined) return;
    const k = row & (BLOCK - 1);
    const meta = b.meta[k] ?? 0;
    const wide = this.wide.get(row);
    if (meta & WIDE && wide !== undefined) wide[ROW_META] = (wide[ROW_META] ?? 0) | (flags << 2);
    else b.meta[k] = meta | (flags << 2);
  }

  /** Stores one row's numbers; returns its META. */
  private put(row: number, r: Float64Array): number {
    const blockIndex = row >> BLOCK_BITS;
    let b = this.blocks[blockIndex];
    if (b === undefined) {
      b = new Block();
      this.blocks[blockIndex] = b;
    }
    const k = row & (BLOCK - 1);
    const meta = r[ROW_META] ?? 0;
    const start = r[ROW_START] ?? 0;
    const end = r[ROW_END] ?? 0;
    const rel = [
      (r[ROW_HEAD_START] ?? 0) - start,
      (r[ROW_HEAD_END] ?? 0) - start,
      (r[ROW_PAYLOAD_START] ?? 0) - start,
      end - (r[ROW_PAYLOAD_END] ?? 0),
    ];
    b.start[k] = start;
    b.end[k] = end;
    if (meta > 0x7f || rel.some((d) => !(Number.isInteger(d) && d >= 0 && d <= MAX_DISTANCE))) {
      b.meta[k] = WIDE;
      this.wide.set(row, Float64Array.from(r));
      return meta;
    }
    b.meta[k] = meta;
    b.rel.set(rel, k * 4);
    return meta;
  }
}
