/**
 * Opens a recorded capture by downloading it from the bridge (GET
 * /captures/NAME) and playing its records as they arrive, as the bridge's
 * capture view would send them: its connections get the keys a view gives
 * ("NAME#conn"). A browser takes bytes over HTTP several times faster than
 * over a WebSocket, so a large capture opens that much sooner.
 */
import { CapturePlayer } from "./capture-play.js";
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
  const player = new CapturePlayer(model, name, name);
  try {
    for await (const bytes of await download(name)) if (!player.push(bytes)) break;
  } catch (err) {
    player.close();
    model.notice(
      "capture",
      `${name} cannot be downloaded: ${err instanceof Error ? err.message : String(err)}`,
    );
    return;
  }
  const played = player.end();
  if (played.error !== undefined)
    model.notice("capture", `${name} cannot be opened: ${played.error}`);
  if (played.skipped !== undefined) model.notice("capture", `${name}: ${played.skipped}`);
}
