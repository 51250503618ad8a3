/**
 * The decode worker: a DecodeEngine behind postMessage. Started by the page as
 * a module worker (`new Worker(new URL("./decode-worker.ts", import.meta.url),
 * { type: "module" })`); everything it does is in decode-engine.ts. Messages
 * (chunks, requests) are handled as they come; payload checks run in small
 * slices between them, so frames list at once and the checks follow.
 */
import { DecodeEngine } from "./decode-engine.js";
import type { UiToWorker, WorkerToUi } from "./worker-protocol.js";

/** The few members of a dedicated worker's global scope used here (typed without the WebWorker lib). */
interface WorkerScope {
  postMessage(message: WorkerToUi, transfer: ArrayBuffer[]): void;
  onmessage: ((event: { readonly data: UiToWorker }) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const engine = new DecodeEngine((message, transfer) => scope.postMessage(message, transfer));

/** Time given to payload checks between two messages: little while chunks keep coming (ms). */
const CHECK_BUSY_MS = 2;
const CHECK_QUIET_MS = 12;
/** Input counts as flowing for this long after chunks came (ms). */
const INPUT_RECENT_MS = 50;
/** Payloads checked between two looks at the clock. */
const CHECK_STEP = 100;

let checking = false;
let inputAt = -Infinity;
/** A channel to itself: a message on it is a task queued after those already waiting. */
const slices = new MessageChannel() as unknown as {
  port1: { onmessage: (() => void) | null };
  port2: { postMessage(message: null): void };
};

slices.port1.onmessage = () => {
  checking = false;
  const now = performance.now();
  const deadline = now + (now - inputAt < INPUT_RECENT_MS ? CHECK_BUSY_MS : CHECK_QUIET_MS);
  while (engine.checkPayloads(CHECK_STEP) && performance.now() < deadline);
  engine.flush();
  checkLater();
};

/** Checks waiting payloads in a slice after the messages already queued (a MessageChannel task). */
function checkLater(): void {
  if (checking || !engine.hasChecks()) return;
  checking = true;
  slices.port2.postMessage(null);
}

scope.onmessage = (event) => {
  if (event.data.type === "chunks") inputAt = performance.now();
  engine.handle(event.data);
  engine.flush();
  checkLater();
};
