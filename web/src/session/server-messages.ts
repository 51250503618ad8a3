/**
 * What each control message from the bridge does to the session model: one
 * exhaustive switch over the ServerMessage union.
 */
import type { ServerMessage } from "./bridge-protocol.js";
import type { SessionModel } from "./session-model.js";
import type { ConnKey } from "./worker-protocol.js";

/** A tap attached or a capture opened: a view whose events carry its number. */
export interface ViewInfo {
  readonly id: number;
  readonly kind: "tap" | "capture";
  /** The tap's name or the capture's file name. */
  readonly name: string;
  /** The capture file the view reads. */
  readonly capture: string;
  readonly follow: boolean;
  /** Why the view ended, once it has. */
  ended: "done" | "closed" | "torn" | undefined;
}

/**
 * The page's key of a connection of a view: its capture (or "live" without
 * captures) and id, so the same connection seen live and in a view is one.
 */
export function keyOf(model: SessionModel, view: number, conn: number): ConnKey | undefined {
  if (view === 0) return `${model.liveCapture ?? "live"}#${conn}`;
  const v = model.views.get(view);
  return v === undefined ? undefined : `${v.capture}#${conn}`;
}

export function handleServerMessage(model: SessionModel, msg: ServerMessage): void {
  switch (msg.type) {
    case "hello":
      // The bridge client turned it into the "open" state already.
      return;
    case "opened": {
      const key = keyOf(model, msg.view, msg.conn);
      if (key === undefined) return;
      const c = model.store.connection(key, msg.conn);
      c.info = {
        source: msg.source,
        tap: msg.tap,
        target: msg.target,
        local: msg.local,
        remote: msg.remote,
        client: msg.client,
        openedAt: msg.time,
      };
      model.table(key);
      if (msg.view === 0 && msg.source === "session") model.opened.add(key);
      if (msg.view === 0 && msg.written !== undefined) model.flows.reporting(key);
      const pending = model.connect;
      if (msg.view === 0 && pending?.state === "pending" && msg.req === pending.req) {
        model.connect = { state: "open", target: pending.target, conn: key };
        model.selection.selectConversation(key);
      }
      break;
    }
    case "fin": {
      const key = keyOf(model, msg.view, msg.conn);
      if (key !== undefined) model.endStream(key, msg.dir, msg.time);
      break;
    }
    case "closed": {
      const key = keyOf(model, msg.view, msg.conn);
      if (key === undefined) return;
      const c = model.store.connection(key, msg.conn);
      c.closed = { reason: msg.reason, time: msg.time };
      model.flows.ended(key);
      model.endStream(key, "c2s", msg.time);
      model.endStream(key, "s2c", msg.time);
      break;
    }
    case "error": {
      const pending = model.connect;
      const request = msg.req === undefined ? undefined : model.requests.get(msg.req);
      if (pending?.state === "pending" && msg.req === pending.req) {
        model.connect = {
          state: "failed",
          target: pending.target,
          code: msg.code,
          text: msg.message,
        };
      } else if (request !== undefined && msg.req !== undefined) {
        model.requests.delete(msg.req);
        const what =
          request.kind === "attach" ? `tap "${request.name}"` : `capture ${request.name}`;
        if (request.kind === "attach") model.wanted.taps.delete(request.name);
        else model.wanted.captures.delete(request.name);
        model.notice("capture", `cannot open ${what}: ${msg.code}: ${msg.message}`);
      } else if (msg.conn !== undefined) {
        const key = keyOf(model, msg.view, msg.conn);
        if (key === undefined) return;
        model.store.connection(key, msg.conn).error = {
          code: msg.code,
          message: msg.message,
          time: msg.time,
        };
      } else model.notice("bridge", `${msg.code}: ${msg.message}`);
      break;
    }
    case "written": {
      // Only the composer's send queue waits on this: nothing to re-render.
      const key = keyOf(model, msg.view, msg.conn);
      if (key !== undefined) model.flows.written(key, msg.bytes);
      return;
    }
    case "captures":
      model.captures = msg.captures;
      break;
    case "view": {
      const request = model.requests.get(msg.req);
      model.requests.delete(msg.req);
      model.views.set(msg.view, {
        id: msg.view,
        kind: request?.kind === "attach" || msg.tap !== undefined ? "tap" : "capture",
        name: msg.tap ?? request?.name ?? msg.capture,
        capture: msg.capture,
        follow: msg.follow,
        ended: undefined,
      });
      break;
    }
    case "view-end": {
      const v = model.views.get(msg.view);
      if (v === undefined) return;
      v.ended = msg.reason;
      if (msg.reason === "torn")
        model.notice("capture", `${v.capture} ends in a damaged record: the rest was skipped`);
      if (msg.reason === "closed") model.views.delete(msg.view);
      break;
    }
  }
  model.changed();
}
