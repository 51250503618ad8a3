/**
 * Plays a capture file's records into the page as a capture view of the
 * bridge would replay them, whether the file was picked, dropped or is being
 * downloaded: its bytes go in as they come, its connections appear under the
 * key "CAPTURE#conn" and are framed and decoded like any other. Bad records
 * and a damaged tail are skipped and said in one sentence; every good record
 * is played.
 */
import type { ServerMessage } from "./bridge-protocol.js";
import { handleBridgeEvent } from "./bridge-input.js";
import type { CaptureBadRecord, CaptureTail } from "./capture-format.js";
import { CaptureStreamReader } from "./capture-stream.js";
import { handleServerMessage } from "./server-messages.js";
import type { SessionModel } from "./session-model.js";
import { appendAll } from "../decode/append.js";

/** View numbers for captures the page reads itself: above the bridge's u16 view ids, so they never clash. */
let nextLocalView = 0x10000;

/** How the file's reading ended. */
export interface CapturePlayed {
  /** Why the file could not be read at all (not a capture, unknown version), if so. */
  readonly error: string | undefined;
  /** One sentence on what was skipped (bad records, a damaged tail), if anything. */
  readonly skipped: string | undefined;
  /** Connections and chunks played. */
  readonly conns: number;
  readonly chunks: number;
}

/** One capture file played into the page, read by read. */
export class CapturePlayer {
  private readonly reader = new CaptureStreamReader();
  private readonly view = nextLocalView++;
  private readonly bad: CaptureBadRecord[] = [];
  private readonly conns = new Set<number>();
  private chunks = 0;

  /** `capture` is the key its connections get ("NAME" gives "NAME#conn"); `name` is shown. */
  constructor(
    private readonly model: SessionModel,
    name: string,
    capture: string,
  ) {
    model.views.set(this.view, {
      id: this.view,
      kind: "capture",
      name,
      capture,
      follow: false,
      ended: undefined,
    });
  }

  /** Plays the records `bytes` completes; false once the file cannot be read further. */
  push(bytes: Uint8Array): boolean {
    const read = this.reader.push(bytes);
    appendAll(this.bad, read.bad);
    const view = this.view;
    for (const r of read.records) {
      if (r.kind === "event") {
        this.conns.add(r.event.conn);
        handleServerMessage(this.model, { ...r.event, view } as ServerMessage);
      } else {
        this.chunks++;
        // A view into the read's buffer: the reads together are the file, held once.
        const head = { view, conn: r.conn, dir: r.dir, time: r.time };
        handleBridgeEvent(this.model, { type: "chunk", head, bytes: r.bytes });
      }
    }
    return this.reader.error === undefined;
  }

  /** The file ended (or its reading was given up): what happened. The view is closed. */
  end(): CapturePlayed {
    const tail = this.reader.end();
    this.close();
    return {
      error: this.reader.error,
      skipped: skippedText(this.bad, tail),
      conns: this.conns.size,
      chunks: this.chunks,
    };
  }

  /** Closes the view without reading on (a failed download). */
  close(): void {
    this.model.views.delete(this.view);
    this.model.changed();
  }
}

/** One sentence on the bad records and the damaged tail a reading skipped, or undefined when none. */
export function skippedText(
  bad: readonly CaptureBadRecord[],
  tail: CaptureTail | null,
): string | undefined {
  const parts = bad.map(
    (b) =>
      `the ${b.kind} record of connection ${b.conn} at offset ${b.offset} (${b.reason}: ${b.text})`,
  );
  if (tail !== null)
    parts.push(`${tail.size} unreadable bytes at offset ${tail.offset} (${tail.reason})`);
  return parts.length === 0 ? undefined : `${parts.join("; ")} were skipped`;
}
