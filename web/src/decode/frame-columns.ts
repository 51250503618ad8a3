import { FrameRecord, type Frame, type FrameInfo } from "./frame.js";
import type { FrameSink } from "./framer.js";
import type { Issue } from "./issue.js";

/** Numbers a frame takes in FrameColumns: index, start, end, head, payload, chunks. */
export const FRAME_COLUMNS = 9;

/**
 * A FrameSink that keeps frames as rows of numbers in one growing
 * Float64Array (FRAME_COLUMNS a frame, in Frame's field order) with the
 * infos of those that have one, and the issues as they come: millions of frames without an
 * object each. `frameAt` makes a Frame of a row when one is needed.
 */
export class FrameColumns implements FrameSink {
  data = new Float64Array(1024 * FRAME_COLUMNS);
  /** Frames held. */
  count = 0;
  /** Infos by row, for the frames that have one. */
  readonly infos = new Map<number, FrameInfo>();
  readonly issues: Issue[] = [];

  frame(
    index: number,
    start: number,
    end: number,
    headStart: number,
    headEnd: number,
    payloadStart: number,
    payloadEnd: number,
    firstChunk: number,
    endChunk: number,
    info: FrameInfo | undefined,
  ): void {
    let d = this.data;
    const at = this.count * FRAME_COLUMNS;
    if (at + FRAME_COLUMNS > d.length) {
      const next = new Float64Array(d.length * 2);
      next.set(d);
      this.data = d = next;
    }
    d[at] = index;
    d[at + 1] = start;
    d[at + 2] = end;
    d[at + 3] = headStart;
    d[at + 4] = headEnd;
    d[at + 5] = payloadStart;
    d[at + 6] = payloadEnd;
    d[at + 7] = firstChunk;
    d[at + 8] = endChunk;
    if (info !== undefined) this.infos.set(this.count, info);
    this.count++;
  }

  issue(issue: Issue): void {
    this.issues.push(issue);
  }

  /** Row `k` as a Frame, or undefined outside [0, count). */
  frameAt(k: number): Frame | undefined {
    if (k < 0 || k >= this.count) return undefined;
    const d = this.data;
    const at = k * FRAME_COLUMNS;
    const n = (i: number): number => d[at + i] ?? NaN;
    return new FrameRecord(n(0), n(1), n(2), n(3), n(4), n(5), n(6), n(7), n(8), this.infos.get(k));
  }

  /** Forgets every frame and issue (the buffer is kept for the next ones). */
  clear(): void {
    this.count = 0;
    this.infos.clear();
    this.issues.length = 0;
  }
}
