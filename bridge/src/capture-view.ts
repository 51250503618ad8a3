import { open, type FileHandle } from "node:fs/promises";
import { crc32 } from "node:zlib";
import {
  readRecords,
  type CaptureBadRecord,
  type CaptureRecord,
} from "../../web/src/session/capture-format.js";
import { nowMicros } from "./clock.js";
import type { CaptureWriter } from "./capture-writer.js";
import type { PageSocket } from "./page-socket.js";
import type { RunningView } from "./view-service.js";

/** Bytes read from the file at a time (a larger record is read whole). */
export const VIEW_READ_SIZE = 1024 * 1024;

/** How a view reads its capture. */
export interface CaptureViewOptions {
  readonly page: PageSocket;
  readonly view: number;
  readonly capture: string;
  readonly path: string;
  /** Where records start (the file head's size). */
  readonly headSize: number;
  /** The writer of this file when it is the current capture, else null. */
  readonly writer: CaptureWriter | null;
  /** Keep going as the writer appends (current capture only). */
  readonly follow: boolean;
  /** Only the connections of this tap. */
  readonly tap?: string;
  readonly onEnd: () => void;
  readonly log: (line: string) => void;
}

/**
 * Replays a capture file to a page as view messages: reads the file at the
 * page's pace (it waits whenever the page is behind, so memory stays bounded
 * however large the file), and for the current capture follows it as it grows.
 * The file is the buffer: a slow page never slows the connections recorded.
 * A record whose framing is good but whose content is not valid is skipped
 * and reported in place as an `error` BAD_RECORD naming its offset.
 */
export class CaptureView implements RunningView {
  readonly capture: string;
  readonly follow: boolean;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly tapConns = new Set<number>();

  constructor(private readonly o: CaptureViewOptions) {
    this.capture = o.capture;
    this.follow = o.follow && o.writer !== null;
  }

  start(): void {
    this.run().then(
      (reason) => this.end(reason),
      (err: unknown) => {
        this.o.log(
          `framescope: view of ${this.o.path}: ${err instanceof Error ? err.message : String(err)}`,
        );
        this.end("torn");
      },
    );
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  private async run(): Promise<"done" | "closed" | "torn"> {
    const { writer, page } = this.o;
    const file = await open(this.o.path, "r");
    try {
      // The current capture as it is now: every record queued so far, written first.
      const fixedEnd = this.follow
        ? null
        : writer !== null
          ? await writer.sync()
          : (await file.stat()).size;
      let pos = this.o.headSize;
      let need = 0;
      for (;;) {
        if (this.closed || !page.open) return "closed";
        const end = fixedEnd ?? writer?.flushed ?? pos;
        if (pos + Math.max(need, 1) > end) {
          if (fixedEnd !== null || writer === null || writer.ended)
            return pos === end ? "done" : "torn";
          await this.nextFlush(writer);
          continue;
        }
        await page.drained();
        if (this.closed || !page.open) return "closed";
        const r = await this.readAt(file, pos, Math.min(end - pos, Math.max(VIEW_READ_SIZE, need)));
        if (r === null) return "torn";
        this.sendAll(r.records, r.bad);
        pos = r.next;
        need = 0;
        if (r.stop === null) continue;
        if (r.stop.reason !== "more") return "torn";
        need = r.stop.need;
      }
    } finally {
      await file.close();
    }
  }

  private async readAt(
    file: FileHandle,
    pos: number,
    size: number,
  ): Promise<ReturnType<typeof readRecords> | null> {
    const buf = Buffer.allocUnsafe(size);
    const { bytesRead } = await file.read(buf, 0, size, pos);
    return bytesRead === 0 ? null : readRecords(buf.subarray(0, bytesRead), pos, crc32);
  }

  /** Sends the records and reports the bad ones, all in file order. */
  private sendAll(records: readonly CaptureRecord[], bad: readonly CaptureBadRecord[]): void {
    let b = 0;
    for (const record of records) {
      for (; b < bad.length && (bad[b]?.offset ?? Infinity) < record.offset; b++)
        this.reportBad(bad[b]);
      this.send(record);
    }
    for (; b < bad.length; b++) this.reportBad(bad[b]);
  }

  private reportBad(bad: CaptureBadRecord | undefined): void {
    if (bad === undefined) return;
    this.o.page.sendControl({
      type: "error",
      view: this.o.view,
      code: "BAD_RECORD",
      message: `${this.o.capture}: the ${bad.kind} record of connection ${bad.conn} at offset ${bad.offset} (${bad.size} bytes) was skipped (${bad.reason}): ${bad.text}`,
      time: nowMicros(),
    });
  }

  private send(record: CaptureRecord): void {
    const { page, view, tap } = this.o;
    if (tap !== undefined) {
      if (record.kind === "event" && record.event.type === "opened" && record.event.tap === tap) {
        this.tapConns.add(record.conn);
      }
      if (!this.tapConns.has(record.conn)) return;
    }
    if (record.kind === "chunk") {
      page.sendChunk({ dir: record.dir, view, conn: record.conn, time: record.time }, record.bytes);
    } else {
      page.sendControl({ ...record.event, view });
    }
  }

  private nextFlush(writer: CaptureWriter): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        writer.off("flush", done);
        this.wake = undefined;
        resolve();
      };
      writer.on("flush", done);
      this.wake = done;
    });
  }

  private end(reason: "done" | "closed" | "torn"): void {
    this.o.page.sendControl({ type: "view-end", view: this.o.view, reason });
    this.o.onEnd();
  }
}
