/**
 * Opens a recorded capture by downloading it from the bridge (GET
 * /captures/NAME) and playing its records as they arrive, as the bridge's
 * capture view would send them: its connections get the keys a view gives
 * ("NAME#conn"). A browser takes bytes over HTTP several times faster than
 * over a WebSocket, so a large capture opens that much sooner.
 */
import type { ServerMessage } from "./bridge-protocol.js";
import { handleBridgeEvent } from "./bridge-input.js";
import { localView } from "./capture-import.js";
import { CaptureStreamReader } from "./capture-stream.js";
import { handleServerMessage } from "./server-messages.js";
import type { SessionModel } from "./session-model.js";

/** The file's bytes as the network hands them over, in order. */
export type CaptureReads = AsyncIterable<Uint8Array>;

/** Starts the download of a capture; rejects with a readable reason (HTTP status, network). */
export type CaptureDownloader = (name: string) => Promise<CaptureReads>;

/** Downloads and plays capture `name`; problems become notices. Resolves when the file ended. */
export async function downloadCapture(
  model: SessionModel,
  name: string,
  download: CaptureDownloader,
): Promise<void> {
  const view = localView();
  model.views.set(view, {
    id: view,
    kind: "capture",
    name,
    capture: name,
    follow: false,
    ended: undefined,
  });
  const reader = new CaptureStreamReader();
  const skipped: string[] = [];
  try {
    for await (const bytes of await download(name)) {
      const read = reader.push(bytes);
      for (const b of read.bad)
        skipped.push(
          `the ${b.kind} record of connection ${b.conn} at offset ${b.offset} (${b.reason})`,
        );
      for (const r of read.records) {
        if (r.kind === "event") handleServerMessage(model, { ...r.event, view } as ServerMessage);
        else {
          // A view into the read's buffer: the reads together are the file, held once.
          const head = { view, conn: r.conn, dir: r.dir, time: r.time };
          handleBridgeEvent(model, { type: "chunk", head, bytes: r.bytes });
        }
      }
      if (reader.error !== undefined) break;
    }
    const tail = reader.end();
    if (reader.error !== undefined)
      model.notice("capture", `${name} cannot be opened: ${reader.error}`);
    if (tail !== null)
      skipped.push(`${tail.size} unreadable bytes at offset ${tail.offset} (${tail.reason})`);
    if (skipped.length > 0) model.notice("capture", `${name}: ${skipped.join("; ")} were skipped`);
  } catch (err) {
    model.notice(
      "capture",
      `${name} cannot be downloaded: ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    model.views.delete(view);
    model.changed();
  }
}
