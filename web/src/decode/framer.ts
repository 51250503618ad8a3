import { FrameRecord, type Frame, type FrameInfo } from "./frame.js";
import type { Issue } from "./issue.js";
import type { Span } from "./span.js";

/** What one `push` or `end` completed, in stream order. */
export interface FramerOutput {
  readonly frames: Frame[];
  readonly issues: Issue[];
}

/**
 * Takes frames as plain numbers (no Frame object is made) and issues, in the
 * order the framer finds them: what `pushTo` and `endTo` deliver.
 */
export interface FrameSink {
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
  ): void;
  issue(issue: Issue): void;
}

/**
 * An incremental framer. `push` takes the next chunk of the stream and returns
 * the frames and issues it can complete; `end` reports what is left. The result
 * never depends on how the stream was cut into chunks. `pushTo` and `endTo` do
 * the same into a sink, for callers that keep frames as columns of numbers
 * (push and end are pushTo and endTo into a sink that makes Frame objects).
 */
export interface Framer {
  push(chunk: Uint8Array): FramerOutput;
  end(): FramerOutput;
  pushTo(chunk: Uint8Array, sink: FrameSink): void;
  endTo(sink: FrameSink): void;
  /** Bytes pushed so far (the stream's length). */
  readonly position: number;
  /** After a fatal issue, the stream offset from which bytes stay unframed. */
  readonly stoppedAt: number | undefined;
  /** Where the frame being cut starts: no later frame needs a byte before it. */
  readonly pendingStart: number;
  /**
   * The frame being cut, once the framer has read the head that says how long
   * it is; undefined while it does not know (a head not read yet, a delimiter
   * not seen yet, no frame being cut).
   */
  readonly pendingFrame: PendingFrame | undefined;
}

/** What a framer knows of the frame it is cutting once it has read its head. */
export interface PendingFrame {
  /** The head's bytes (as the frame will give them). */
  readonly head: Span;
  /** Where the frame will end. */
  readonly end: number;
}

/**
 * Shared bookkeeping for framers: stream position, chunk indices, frame
 * numbering and output. A subclass implements `scan` over each chunk and
 * `finish` at the end of the stream.
 */
export abstract class FramerBase implements Framer {
  position = 0;
  stoppedAt: number | undefined = undefined;
  /** Start of the frame being cut. */
  protected frameStart = 0;
  /** Index of the chunk being scanned, and its absolute end offset. */
  protected chunkIndex = -1;
  protected chunkEnd = 0;
  /** Absolute start of the chunk being scanned. */
  private chunkStart = 0;
  private chunkStarts: number[] = [];
  private chunkFirst = 0;
  private chunkBase = 0;
  /** What `push` and `end` return: the frames and issues since the last of them. */
  private readonly collected = new Collector();
  /** Where frames and issues go: the sink of `pushTo` / `endTo` while they run, else `collected`. */
  protected sink: FrameSink = this.collected;
  /** Index of the next frame; hot loops that push frames themselves advance it. */
  protected nextIndex = 0;
  private ended = false;

  push(chunk: Uint8Array): FramerOutput {
    this.consume(chunk);
    return this.collected.take();
  }

  end(): FramerOutput {
    this.close();
    return this.collected.take();
  }

  pushTo(chunk: Uint8Array, sink: FrameSink): void {
    this.sink = sink;
    try {
      this.consume(chunk);
    } finally {
      this.sink = this.collected;
    }
  }

  endTo(sink: FrameSink): void {
    this.sink = sink;
    try {
      this.close();
    } finally {
      this.sink = this.collected;
    }
  }

  private consume(chunk: Uint8Array): void {
    if (this.ended) throw new Error("push after end");
    const base = this.position;
    this.chunkIndex += 1;
    this.chunkStart = base;
    this.chunkEnd = base + chunk.length;
    this.position = this.chunkEnd;
    if (this.stoppedAt === undefined) {
      this.trimChunks();
      this.chunkStarts.push(base);
      if (chunk.length > 0) this.scan(chunk, base);
    }
  }

  private close(): void {
    if (!this.ended) {
      this.ended = true;
      if (this.stoppedAt === undefined) this.finish();
    }
  }

  get pendingStart(): number {
    return this.frameStart;
  }

  /** Unknown unless a framer that reads a length says otherwise. */
  get pendingFrame(): PendingFrame | undefined {
    return undefined;
  }

  /** Consumes one chunk whose first byte is at stream offset `base`. */
  protected abstract scan(chunk: Uint8Array, base: number): void;

  /** Called once when the stream ends (unless a fatal issue stopped the framer). */
  protected abstract finish(): void;

  /** Marks `at` as the start of the next frame. */
  protected startFrame(at: number): void {
    this.frameStart = at;
  }

  /** The index of the chunk holding stream offset `at` (at or after the current frame). */
  protected chunkAt(at: number): number {
    if (at >= this.chunkEnd) return this.chunkIndex + 1;
    if (at >= this.chunkStart) return this.chunkIndex;
    const starts = this.chunkStarts;
    for (let k = starts.length - 1; k >= this.chunkFirst; k--) {
      // The latest chunk starting at or before `at` holds it; an empty chunk shares
      // its start with the next one, which is found first.
      if ((starts[k] ?? 0) <= at) return this.chunkBase + k;
    }
    return this.chunkBase + this.chunkFirst;
  }

  /** Forgets chunks that end before the current frame: only a pending frame needs them. */
  private trimChunks(): void {
    const starts = this.chunkStarts;
    while (
      this.chunkFirst + 1 < starts.length &&
      (starts[this.chunkFirst + 1] ?? 0) <= this.frameStart
    ) {
      this.chunkFirst += 1;
    }
    if (this.chunkFirst > 256 && this.chunkFirst * 2 > starts.length) {
      this.chunkStarts = starts.slice(this.chunkFirst);
      this.chunkBase += this.chunkFirst;
      this.chunkFirst = 0;
    }
  }

  /** Records a complete frame ending at `end` (its last byte is in the current chunk). */
  protected emit(
    end: number,
    headStart: number,
    headEnd: number,
    payloadStart: number,
    payloadEnd: number,
    info: FrameInfo | undefined,
  ): void {
    const start = this.frameStart;
    // Most frames start and end in the chunk being scanned: skip the search.
    const firstChunk =
      start >= this.chunkStart && start < this.chunkEnd ? this.chunkIndex : this.chunkAt(start);
    const last = end - 1;
    const endChunk =
      last >= this.chunkStart && last < this.chunkEnd
        ? this.chunkIndex + 1
        : this.chunkAt(last) + 1;
    this.sink.frame(
      this.nextIndex++,
      start,
      end,
      headStart,
      headEnd,
      payloadStart,
      payloadEnd,
      firstChunk,
      endChunk,
      info,
    );
  }

  protected report(issue: Issue): void {
    this.sink.issue(issue);
    if (issue.fatal && this.stoppedAt === undefined) this.stoppedAt = this.frameStart;
  }
}

/** The sink behind `push` and `end`: frames become Frame objects, kept with the issues until taken. */
class Collector implements FrameSink {
  private frames: Frame[] = [];
  private issues: Issue[] = [];

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
    this.frames.push(
      new FrameRecord(
        index,
        start,
        end,
        headStart,
        headEnd,
        payloadStart,
        payloadEnd,
        firstChunk,
        endChunk,
        info,
      ),
    );
  }

  issue(issue: Issue): void {
    this.issues.push(issue);
  }

  /** What was collected since the last take: arrays of the caller's own, never filled later. */
  take(): FramerOutput {
    const out = { frames: this.frames, issues: this.issues };
    this.frames = [];
    this.issues = [];
    return out;
  }
}
