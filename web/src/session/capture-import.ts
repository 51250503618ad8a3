/**
 * Plays a capture file the user picked or dropped into the page, as a capture
 * view of the bridge would replay it: its connections appear under the key
 * "import:NAME#conn" and are framed and decoded like any other.
 */
import type { ServerMessage } from "./bridge-protocol.js";
import { handleBridgeEvent } from "./bridge-input.js";
import { planImport } from "./capture-export.js";
import { handleServerMessage } from "./server-messages.js";
import type { SessionModel } from "./session-model.js";

/** View numbers for captures the page reads itself: above the bridge's u16 view ids, so they never clash. */
let nextLocalView = 0x10000;

/** A view number for a capture the page plays itself (an import, a download). */
export function localView(): number {
  return nextLocalView++;
}

/** Imports a capture file; returns what happened in words (connections and chunks read, or the error). */
export function importCaptureFile(model: SessionModel, name: string, bytes: Uint8Array): string {
  const plan = planImport(bytes);
  if (!plan.ok) {
    model.notice("capture", `${name} cannot be imported: ${plan.error}`);
    return plan.error;
  }
  const view = localView();
  model.views.set(view, {
    id: view,
    kind: "capture",
    name,
    capture: `import:${name}`,
    follow: false,
    ended: undefined,
  });
  const conns = new Set<number>();
  let chunks = 0;
  for (const e of plan.events) {
    if (e.kind === "event") {
      conns.add(e.event.conn);
      handleServerMessage(model, { ...e.event, view } as ServerMessage);
    } else {
      chunks++;
      handleBridgeEvent(model, {
        type: "chunk",
        head: { view, conn: e.conn, dir: e.dir, time: e.time },
        bytes: e.bytes,
      });
    }
  }
  model.views.delete(view);
  if (plan.tail !== undefined) model.notice("capture", `${name}: ${plan.tail}`);
  model.changed();
  return `imported ${name}: ${conns.size} connection(s), ${chunks} chunk(s)`;
}
