/**
 * What the bridge client reports, applied to the session model: the link's
 * state (a new hello re-attaches the taps and captures wanted), control
 * messages (server-messages.ts) and chunks (stored once, even when a view
 * replays chunks the page holds already, then queued for the worker).
 */
import type { BridgeEvent } from "./bridge-client.js";
import type { Direction } from "./bridge-protocol.js";
import { DEMO_TAP } from "./defaults.js";
import { handleServerMessage, keyOf } from "./server-messages.js";
import type { SessionModel } from "./session-model.js";

export function handleBridgeEvent(model: SessionModel, event: BridgeEvent): void {
  switch (event.type) {
    case "state":
      if (model.bridge.kind === "open" && event.state.kind !== "open")
        model.linkLost(Date.now() * 1000);
      model.bridge = event.state;
      if (event.state.kind === "open") onHello(model);
      // The bridge closed this page's connections with the link: nothing more will be written.
      else model.flows.endAll();
      model.changed();
      return;
    case "message":
      handleServerMessage(model, event.message);
      return;
    case "chunk": {
      const { view, conn, dir, time } = event.head;
      onChunk(model, view, conn, dir, time, event.bytes);
      return;
    }
    case "protocol-error":
      model.notice("bridge", event.text);
      return;
  }
}

/** A new link: views are gone, so ask again for the taps and captures wanted. */
function onHello(model: SessionModel): void {
  model.views.clear();
  model.seen.clear();
  model.requests.clear();
  if (model.bridge.kind !== "open") return;
  const hello = model.bridge.hello;
  model.liveCapture = hello.capture;
  if (!model.demoOffered && hello.taps.some((t) => t.name === DEMO_TAP)) {
    // The demo tap is attached by itself once per page load, not again after the user detached it.
    model.demoOffered = true;
    if (model.wanted.taps.size === 0 && model.wanted.captures.size === 0)
      model.wanted.taps.add(DEMO_TAP);
  }
  for (const tap of model.wanted.taps) {
    if (hello.taps.some((t) => t.name === tap)) model.request("attach", tap);
    else model.notice("bridge", `the bridge has no tap "${tap}" any more`);
  }
  for (const name of model.wanted.captures) model.request("open-capture", name);
}

function onChunk(
  model: SessionModel,
  view: number,
  conn: number,
  dir: Direction,
  time: number,
  bytes: Uint8Array,
): void {
  const key = keyOf(model, view, conn);
  if (key === undefined) {
    model.notice("bridge", `a chunk for view ${view}, which this page did not open`);
    return;
  }
  // A view replays its capture from the start: chunks the page holds already are skipped.
  const seenKey = `${view}|${key}|${dir}`;
  const seen = model.seen.get(seenKey) ?? 0;
  model.seen.set(seenKey, seen + 1);
  const stream = model.store.connection(key, conn)[dir];
  if (seen < stream.chunkCount) return;
  const held = model.chunks.hold(bytes);
  model.store.appendChunk(key, conn, dir, held, time);
  model.table(key);
  model.queueChunk({ conn: key, dir, time, bytes: held });
  model.selection.noticeTraffic(key);
  model.trafficChanged();
}
