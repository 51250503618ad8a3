import { EventEmitter } from "node:events";
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
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

/**
 * Appends records to one capture file: every call queues a whole record, and
 * queued records are written in one writev per turn of the event loop, in
 * order, so the file only ever ends mid-record when the process dies mid-write.
 * Never waits for the disk: callers are not slowed (queued bytes are counted
 * in `pendingBytes`). Emits "flush" after each write with the new `flushed` size.
 */
export class CaptureWriter extends EventEmitter implements Recorder {
  /** Bytes of the file known to be written (always a record boundary). */
  flushed: number;
  /** Bytes queued and not yet written. */
  pendingBytes = 0;
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
  ) {
    super();
    this.flushed = headSize;
  }

  /** Creates a new capture file in `dir` (made if missing), named after the current time. */
  static async create(dir: string, log: (line: string) => void): Promise<CaptureWriter> {
    await mkdir(dir, { recursive: true });
    const created = nowMicros();
    const stamp = new Date(created / 1000).toISOString().replace(/[:.]/g, "-");
    for (let n = 0; ; n++) {
      const name = `capture-${stamp}${n === 0 ? "" : `-${n}`}${CAPTURE_EXTENSION}`;
      const path = join(dir, name);
      let file: FileHandle;
      try {
        file = await open(path, "wx");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST" && n < 100) continue;
        throw err;
      }
      const head = encodeCaptureHead(created);
      await file.write(head);
      return new CaptureWriter(path, name, file, head.length, log);
    }
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
      const size = this.pendingBytes;
      this.pending = [];
      this.pendingBytes = 0;
      try {
        // FileHandle.writev writes every buffer (libuv loops over partial writes).
        await this.file.writev(batch);
        this.flushed += size;
        this.emit("flush", this.flushed);
        this.sealBatch();
      } catch (err) {
        this.failed = err instanceof Error ? err : new Error(String(err));
        this.log(`framescope: capture ${this.path}: ${this.failed.message}; recording stopped`);
      }
    }
    this.writing = false;
    const idle = this.idle;
    this.idle = [];
    for (const f of idle) f();
  }

  private whenIdle(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
