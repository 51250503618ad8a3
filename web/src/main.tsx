import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BridgeClient, browserSocket } from "./session/bridge-client.js";
import { BUNDLED_PROTOS } from "./session/bundled-protos.js";
import type { CaptureDownloader } from "./session/capture-download.js";
import { SessionModel, type WorkerLike } from "./session/session-model.js";
import type { WorkerToUi } from "./session/worker-protocol.js";
import { App } from "./ui/App.js";
import { configFromHash, configToHash } from "./ui/share-link.js";
import { applyStoredTheme } from "./ui/ThemeToggle.js";
import "./ui/theme.css";

/** The page URL's token as a query to pass on to the bridge ("?token=..."), or "" without one. */
function tokenQuery(): string {
  const token = new URLSearchParams(location.search).get("token");
  return token === null ? "" : `?token=${encodeURIComponent(token)}`;
}

/** The bridge's /session on the page's own host; a token in the page's URL is passed on. */
function sessionUrl(): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/session${tokenQuery()}`;
}

/** A capture file from the bridge (GET /captures/NAME, with the page's token), read as it arrives. */
const download: CaptureDownloader = async (name) => {
  const res = await fetch(`/captures/${encodeURIComponent(name)}${tokenQuery()}`, {
    cache: "no-store",
  });
  if (!res.ok || res.body === null) throw new Error(`the bridge answered ${res.status}`);
  return reads(res.body.getReader());
};

/** The body's reads; a reader that stops early (a damaged capture) cancels the download. */
async function* reads(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncIterable<Uint8Array> {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    void reader.cancel();
  }
}

const client = new BridgeClient(sessionUrl(), {
  createSocket: browserSocket,
  setTimer: (fn, ms) => window.setTimeout(fn, ms),
  clearTimer: (handle) => window.clearTimeout(handle as number),
  now: () => Date.now(),
});
const decodeWorker = new Worker(new URL("./session/decode-worker.ts", import.meta.url), {
  type: "module",
});
const worker: WorkerLike = {
  postMessage: (m, transfer = []) => decodeWorker.postMessage(m, transfer),
  onmessage: null,
};
decodeWorker.onmessage = (e: MessageEvent<WorkerToUi>) => worker.onmessage?.({ data: e.data });
const model = new SessionModel({
  client,
  worker,
  schedule: (fn) => void requestAnimationFrame(fn),
  protoFiles: BUNDLED_PROTOS,
  // A fast stream re-renders the page 4 times a second (Wireshark updates its live list
  // twice a second); what the user does still shows on the next frame.
  trafficRenderMs: 250,
  download,
});
decodeWorker.onerror = (event) =>
  model.notice("worker", `the decode worker failed: ${event.message}`);

// A shared link's settings (framing specs and message types in the hash) apply from the start,
// and the hash follows every later change of the settings for all connections.
const fromLink = configFromHash(location.hash, model.defaults);
if (fromLink.ok === true) model.defaults = fromLink.config;
else if (fromLink.ok === false) model.notice("framing", fromLink.error);
let shared = location.hash.slice(1);
model.subscribe(() => {
  const hash = configToHash(model.defaults);
  if (hash === shared) return;
  shared = hash;
  history.replaceState(null, "", `#${hash}`);
});
// A link pasted into the open tab (or edited in the address bar) applies too.
window.addEventListener("hashchange", () => {
  if (location.hash.slice(1) === shared) return;
  const next = configFromHash(location.hash, model.defaults);
  if (next.ok === true) model.configure(next.config);
  else if (next.ok === false) model.notice("framing", next.error);
});

applyStoredTheme();
const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App model={model} />
  </StrictMode>,
);
model.start();
// For the browser tests and the curious: the model behind the page.
(window as unknown as { framescope: SessionModel }).framescope = model;
