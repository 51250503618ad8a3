/**
 * Plays a capture file the user picked or dropped into the page, as a capture
 * view of the bridge would replay it: its connections appear under the key
 * "import:NAME#conn" and are framed and decoded like any other.
 */
import { CapturePlayer } from "./capture-play.js";
import type { SessionModel } from "./session-model.js";

/** Imports a capture file; returns what happened in words (connections and chunks read, or the error). */
export function importCaptureFile(model: SessionModel, name: string, bytes: Uint8Array): string {
  const player = new CapturePlayer(model, name, `import:${name}`);
  try {
    player.push(bytes);
  } catch (err) {
    player.close();
    throw err;
  }
  const played = player.end();
  if (played.error !== undefined) {
    model.notice("capture", `${name} cannot be imported: ${played.error}`);
    return played.error;
  }
  if (played.skipped !== undefined) model.notice("capture", `${name}: ${played.skipped}`);
  return `imported ${name}: ${played.conns} connection(s), ${played.chunks} chunk(s)`;
}
