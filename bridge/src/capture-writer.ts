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
    this.pending.push(head, body);
    this.pendingBytes += head.length + body.length;
    if (!this.writing) {
      this.writing = true;
      setImmediate(() => void this.drain());
    }
  }

  private async drain(): Promise<void> {
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
