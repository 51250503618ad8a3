import { EventEmitter } from "node:events";
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { basename, join } from "node:path";
import { crc32 } from "node:zlib";
import type { Direction, RecordedEvent } from "../../web/src/session/bridge-protocol.js";
import {
  RECORD_CHUNK,
  RECORD_EVENT,
  encodeCaptureHead,
  encodeRecordHead,
} from "../../web/src/session/capture-format.js";
import type { Recorder } from "./bridge-context.js";
import { nowMicros } from "./clock.js";

/** Records with bodies up to this size (bytes) are copied into a shared buffer instead of queued as two pieces. */
const SMALL_BODY = 4096;
/** Size of each buffer collecting small records: 64 KiB. */
const BATCH_SIZE = 64 * 1024;

/** File name extension of capture files. */
export const CAPTURE_EXTENSION = ".fscap";

/** Bytes queued for the disk above which the writer is `full` and producers pause: 64 MiB. */
export const CAPTURE_QUEUE_HIGH = 64 * 1024 * 1024;
/** Bytes queued at or below which a full writer is ready again: 16 MiB. */
export const CAPTURE_QUEUE_LOW = 16 * 1024 * 1024;

/** Tuning of a CaptureWriter; the defaults suit the bridge. */
export interface CaptureWriterOptions {
  /** `full` above this many queued bytes (default CAPTURE_QUEUE_HIGH). */
  readonly high?: number;
  /** Ready again at or below this many (default CAPTURE_QUEUE_LOW). */
  readonly low?: number;
}

/**
 * Appends records to one capture file: every call queues a whole record, and
 * queued records are written in one writev per turn of the event loop, in
 * order, so the file only ever ends mid-record when the process dies mid-write.
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
  /** Buffer collecting small records (head and body copied in), not yet in `pending`. */
  private batch: Buffer | null = null;
  private batchUsed = 0;
  private writing = false;
  private closed = false;
  private failed: Error | undefined;
  private idle: (() => void)[] = [];

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

  chunk(conn: number, dir: Direction, time: number, bytes: Uint8Array): void {
    this.push(encodeRecordHead(RECORD_CHUNK, conn, dir, time, bytes, crc32), bytes);
  }

  event(conn: number, event: RecordedEvent): void {
    const body = Buffer.from(JSON.stringify(event), "utf8");
    this.push(encodeRecordHead(RECORD_EVENT, conn, "c2s", event.time, body, crc32), body);
  }

  /** True once close() was called or a write failed: no more records will be written. */
  get ended(): boolean {
    return this.closed || this.failed !== undefined;
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.whenIdle();
    await this.file.close();
    this.emit("flush", this.flushed);
  }

  private push(head: Uint8Array, body: Uint8Array): void {
    if (this.ended) return;
    const size = head.length + body.length;
    if (body.length <= SMALL_BODY) {
      // Small records are copied into one buffer: fewer, larger pieces for writev.
      if (this.batch === null || this.batchUsed + size > this.batch.length) {
        this.sealBatch();
        this.batch = Buffer.allocUnsafe(BATCH_SIZE);
      }
      this.batch.set(head, this.batchUsed);
      this.batch.set(body, this.batchUsed + head.length);
      this.batchUsed += size;
    } else {
      this.sealBatch();
      this.pending.push(head, body);
    }
    this.pendingBytes += size;
    if (this.pendingBytes > this.high) this.setFull(true);
    if (!this.writing) {
      this.writing = true;
      setImmediate(() => void this.drain());
    }
  }

  /** Queues the filled part of the small-record buffer (after every record pushed before it). */
  private sealBatch(): void {
    if (this.batch !== null && this.batchUsed > 0) {
      this.pending.push(this.batch.subarray(0, this.batchUsed));
    }
    this.batch = null;
    this.batchUsed = 0;
  }

  private async drain(): Promise<void> {
    this.sealBatch();
    while (this.pending.length > 0 && this.failed === undefined) {
      const batch = this.pending;
      this.pending = [];
      let size = 0;
      for (const piece of batch) size += piece.length;
      try {
        // FileHandle.writev writes every buffer (libuv loops over partial writes).
        await this.file.writev(batch);
        this.flushed += size;
        this.pendingBytes -= size;
        this.emit("flush", this.flushed);
        if (this.pendingBytes <= this.low) this.setFull(false);
        this.sealBatch();
      } catch (err) {
        this.failed = err instanceof Error ? err : new Error(String(err));
        this.log(`framescope: capture ${this.path}: ${this.failed.message}; recording stopped`);
        // Nothing more will be written: let the producers go on without it.
        this.pending = [];
        this.batch = null;
        this.batchUsed = 0;
        this.pendingBytes = 0;
        this.setFull(false);
      }
    }
    this.writing = false;
    const idle = this.idle;
    this.idle = [];
    for (const f of idle) f();
  }

  private setFull(full: boolean): void {
    if (this.isFull === full) return;
    this.isFull = full;
    for (const w of [...this.watchers]) w(full);
  }

  private whenIdle(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
