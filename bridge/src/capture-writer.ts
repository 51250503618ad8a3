import { EventEmitter } from "node:events";
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { basename, join } from "node:path";
import { crc32 } from "node:zlib";
import type { Direction, RecordedEvent } from "../../web/src/session/bridge-protocol.js";
import {
  RECORD_CHUNK,
  RECORD_EVENT,
  RECORD_HEAD_SIZE,
  encodeCaptureHead,
  putRecordHead,
} from "../../web/src/session/capture-format.js";
import type { Recorder } from "./bridge-context.js";
import { nowMicros } from "./clock.js";
import type { BufferHold } from "./read-buffers.js";

/** Records with bodies up to this size (bytes) are copied into a shared buffer instead of queued as two pieces. */
const SMALL_BODY = 4096;
/**
 * Records with bodies up to this size (bytes) get their checksum from the pure
 * crc32Range over the copy (a call into zlib costs more than that below a few
 * hundred bytes); larger ones from zlib.crc32.
 */
const PURE_CRC_BODY = 192;
/** Size of each buffer collecting record heads and small records: 64 KiB. */
const BATCH_SIZE = 64 * 1024;
/** Written batch buffers kept for reuse: 16 (1 MiB). */
const SPARE_BATCHES = 16;
/** Bytes queued at which a write starts at once (1 MiB); below it, it starts WRITE_DELAY_MS after the first record. */
export const WRITE_SOON_BYTES = 1024 * 1024;
/**
 * The longest a record waits in memory before its write starts (ms): records
 * are gathered into few large writes rather than one per turn of the event
 * loop. Every write costs a round trip through libuv's thread pool and the
 * file system's per-write work (measured 30-80 µs on the main thread and as
 * much in the pool, whatever its size): 16 ms rather than 4 cut the writer's
 * CPU per 100-byte message by about 15%.
 */
export const WRITE_DELAY_MS = 16;

/** File name extension of capture files. */
export const CAPTURE_EXTENSION = ".fscap";

/** Bytes queued for the disk above which the writer is `full` and producers pause: 64 MiB. */
export const CAPTURE_QUEUE_HIGH = 64 * 1024 * 1024;
/** Bytes queued at or below which a full writer is ready again: 16 MiB. */
export const CAPTURE_QUEUE_LOW = 16 * 1024 * 1024;

/** A buffer collecting records, with a DataView of it for putRecordHead. */
interface Batch {
  readonly bytes: Buffer;
  readonly view: DataView;
}

function allocateBatch(): Batch {
  const bytes = Buffer.allocUnsafeSlow(BATCH_SIZE);
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/** Tuning of a CaptureWriter; the defaults suit the bridge. */
export interface CaptureWriterOptions {
  /** `full` above this many queued bytes (default CAPTURE_QUEUE_HIGH). */
  readonly high?: number;
  /** Ready again at or below this many (default CAPTURE_QUEUE_LOW). */
  readonly low?: number;
}

/**
 * Appends records to one capture file: every call queues a whole record, and
 * queued records are written in order, in one writev once WRITE_SOON_BYTES are
 * queued or WRITE_DELAY_MS after the first, so the file only ever ends
 * mid-record when the process dies mid-write.
 * A record is never refused, dropped or reordered; instead, once more than
 * `high` bytes wait for the disk the writer turns `full` and tells its
 * watchers, who stop reading their sockets until the writes have brought the
 * queue down to `low`. Emits "flush" after each write with the new `flushed` size.
 */
export class CaptureWriter extends EventEmitter implements Recorder {
  /** Bytes of the file known to be written (always a record boundary). */
  flushed: number;
  /** Bytes queued and not yet written (including a write in flight). */
  pendingBytes = 0;
  private isFull = false;
  private readonly watchers = new Set<(full: boolean) => void>();
  private readonly high: number;
  private readonly low: number;
  private pending: Uint8Array[] = [];
  /** Lets go of the pooled bodies in `pending` once they are written. */
  private releases: (() => void)[] = [];
  /** Buffer collecting record heads and small records; `batch.bytes[batchSealed, batchUsed)` is not yet in `pending`. */
  private batch: Batch | null = null;
  /** Batch buffers whose records are written, for reuse. */
  private readonly spare: Batch[] = [];
  private batchSealed = 0;
  private batchUsed = 0;
  /** A writev is in flight (or about to start). */
  private writing = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failed: Error | undefined;
  private idle: (() => void)[] = [];
  /**
   * sync() callers: each waits until `flushed` reaches its end (or writing ended).
   * While one waits, writes go out without the delay.
   */
  private syncs: { end: number; resolve: (flushed: number) => void }[] = [];
  private readonly startDrain = (): void => {
    this.timer = undefined;
    if (this.writing) return;
    this.writing = true;
    void this.drain();
  };

  private constructor(
    readonly path: string,
    readonly name: string,
    private readonly file: FileHandle,
    headSize: number,
    private readonly log: (line: string) => void,
    options: CaptureWriterOptions,
  ) {
    super();
    // Every view following the file waits for "flush" (16 per page): not a leak.
    this.setMaxListeners(0);
    this.flushed = headSize;
    this.high = options.high ?? CAPTURE_QUEUE_HIGH;
    this.low = Math.min(options.low ?? CAPTURE_QUEUE_LOW, this.high);
  }

  /** Creates a new capture file in `dir` (made if missing), named after the current time. */
  static async create(
    dir: string,
    log: (line: string) => void,
    options: CaptureWriterOptions = {},
  ): Promise<CaptureWriter> {
    await mkdir(dir, { recursive: true });
    const created = nowMicros();
    const stamp = new Date(created / 1000).toISOString().replace(/[:.]/g, "-");
    for (let n = 0; ; n++) {
      const name = `capture-${stamp}${n === 0 ? "" : `-${n}`}${CAPTURE_EXTENSION}`;
      try {
        return await CaptureWriter.start(join(dir, name), "wx", created, log, options);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST" && n < 100) continue;
        throw err;
      }
    }
  }

  /**
   * Starts a capture at `path`, which may exist: a file is truncated, and a FIFO
   * is written to at its reader's pace (tests use one as a slow disk).
   */
  static createAt(
    path: string,
    log: (line: string) => void,
    options: CaptureWriterOptions = {},
  ): Promise<CaptureWriter> {
    return CaptureWriter.start(path, "w", nowMicros(), log, options);
  }

  private static async start(
    path: string,
    flags: "w" | "wx",
    created: number,
    log: (line: string) => void,
    options: CaptureWriterOptions,
  ): Promise<CaptureWriter> {
    const file = await open(path, flags);
    const head = encodeCaptureHead(created);
    await file.write(head);
    return new CaptureWriter(path, basename(path), file, head.length, log, options);
  }

  /** True while more than `high` bytes wait for the disk (until the queue is down to `low`). */
  get full(): boolean {
    return this.isFull;
  }

  /** Calls `listener` each time `full` changes; returns the function that stops it. */
  watch(listener: (full: boolean) => void): () => void {
    this.watchers.add(listener);
    return () => {
      this.watchers.delete(listener);
    };
  }

  chunk(conn: number, dir: Direction, time: number, bytes: Uint8Array, owner?: BufferHold): void {
    this.push(RECORD_CHUNK, conn, dir, time, bytes, owner);
  }

  event(conn: number, event: RecordedEvent): void {
    this.push(RECORD_EVENT, conn, "c2s", event.time, Buffer.from(JSON.stringify(event), "utf8"));
  }

  /**
   * Writes what is queued now without waiting for the delay, and resolves with
   * `flushed` once every record queued before the call is in the file (at once
   * when nothing is queued or writing ended). For readers that take the file
   * as it is now: a capture opened without following, a download.
   */
  sync(): Promise<number> {
    const end = this.flushed + this.pendingBytes;
    if (this.pendingBytes === 0 || this.ended) return Promise.resolve(this.flushed);
    const done = new Promise<number>((resolve) => this.syncs.push({ end, resolve }));
    this.schedule();
    return done;
  }

  /** True once close() was called or a write failed: no more records will be written. */
  get ended(): boolean {
    return this.closed || this.failed !== undefined;
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.schedule();
    await this.whenIdle();
    await this.file.close();
    this.emit("flush", this.flushed);
  }

  /**
   * Queues one record: its head goes into the batch buffer, and so does a small
   * body; a larger body is queued as it is, after the head (never copied).
   */
  private push(
    type: number,
    conn: number,
    dir: Direction,
    time: number,
    body: Uint8Array,
    owner?: BufferHold,
  ): void {
    if (this.ended) return;
    const copy = body.length <= SMALL_BODY;
    const size = RECORD_HEAD_SIZE + body.length;
    const room = copy ? size : RECORD_HEAD_SIZE;
    let batch = this.batch;
    if (batch === null || this.batchUsed + room > BATCH_SIZE) batch = this.nextBatch();
    const at = this.batchUsed;
    if (copy) {
      batch.bytes.set(body, at + RECORD_HEAD_SIZE);
      putRecordHead(
        batch.view,
        at,
        type,
        conn,
        dir,
        time,
        body,
        body.length <= PURE_CRC_BODY ? undefined : crc32,
      );
      this.batchUsed = at + size;
    } else {
      putRecordHead(batch.view, at, type, conn, dir, time, body, crc32);
      this.batchUsed = at + RECORD_HEAD_SIZE;
      this.sealBatch();
      this.pending.push(body);
      if (owner !== undefined) this.releases.push(owner.hold());
    }
    this.pendingBytes += size;
    if (this.pendingBytes > this.high) this.setFull(true);
    this.schedule();
  }

  /**
   * Queues what is left of the batch buffer and starts another, a spare one
   * when there is one; the old one becomes spare once its last records are written.
   */
  private nextBatch(): Batch {
    this.sealBatch();
    const old = this.batch;
    if (old !== null) {
      // Runs after the write that takes the last piece of `old` (pieces are written in order).
      this.releases.push(() => {
        if (this.spare.length < SPARE_BATCHES) this.spare.push(old);
      });
    }
    const batch = this.spare.pop() ?? allocateBatch();
    this.batch = batch;
    this.batchSealed = this.batchUsed = 0;
    return batch;
  }

  /** Queues the filled part of the batch buffer not queued yet (after every record pushed before it). */
  private sealBatch(): void {
    if (this.batch === null || this.batchUsed === this.batchSealed) return;
    this.pending.push(this.batch.bytes.subarray(this.batchSealed, this.batchUsed));
    this.batchSealed = this.batchUsed;
  }

  /** Starts a write now (enough queued, or closing) or arms the timer; nothing while one is in flight. */
  private schedule(): void {
    if (this.writing || this.pendingBytes === 0) return;
    if (this.pendingBytes >= WRITE_SOON_BYTES || this.closed || this.syncs.length > 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.writing = true;
      setImmediate(() => void this.drain());
    } else {
      this.timer ??= setTimeout(this.startDrain, WRITE_DELAY_MS);
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      this.sealBatch();
      if (this.pending.length === 0 || this.failed !== undefined) break;
      const batch = this.pending;
      const releases = this.releases;
      this.pending = [];
      this.releases = [];
      let size = 0;
      for (const piece of batch) size += piece.length;
      try {
        // FileHandle.writev writes every buffer (libuv loops over partial writes).
        await this.file.writev(batch);
        for (const release of releases) release();
        this.flushed += size;
        this.pendingBytes -= size;
        this.emit("flush", this.flushed);
        if (this.pendingBytes <= this.low) this.setFull(false);
      } catch (err) {
        this.failed = err instanceof Error ? err : new Error(String(err));
        for (const release of [...releases, ...this.releases]) release();
        this.log(`framescope: capture ${this.path}: ${this.failed.message}; recording stopped`);
        // Nothing more will be written: let the producers go on without it.
        this.pending = [];
        this.releases = [];
        this.batch = null;
        this.batchSealed = this.batchUsed = 0;
        this.pendingBytes = 0;
        this.setFull(false);
      }
      this.settleSyncs();
      // Less than WRITE_SOON_BYTES left: it waits for the timer, to be written with what follows.
      if (!this.closed && this.pendingBytes < WRITE_SOON_BYTES && this.syncs.length === 0) {
        break;
      }
    }
    this.writing = false;
    this.settleSyncs();
    this.schedule();
    if (this.writing || this.pendingBytes > 0) return;
    const idle = this.idle;
    this.idle = [];
    for (const f of idle) f();
  }

  /** Resolves the sync() callers whose records are written (all of them once writing has ended). */
  private settleSyncs(): void {
    if (this.syncs.length === 0) return;
    const waiting: typeof this.syncs = [];
    for (const w of this.syncs) {
      if (w.end <= this.flushed || this.failed !== undefined) w.resolve(this.flushed);
      else waiting.push(w);
    }
    this.syncs = waiting;
  }

  private setFull(full: boolean): void {
    if (this.isFull === full) return;
    this.isFull = full;
    for (const w of [...this.watchers]) w(full);
  }

  /** Resolves once nothing is queued or being written (or writing failed). */
  private whenIdle(): Promise<void> {
    if (!this.writing && this.pendingBytes === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
