/**
 * The decode worker: a DecodeEngine behind postMessage. Started by the page as
 * a module worker (`new Worker(new URL("./decode-worker.ts", import.meta.url),
 * { type: "module" })`); everything it does is in decode-engine.ts.
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

scope.onmessage = (event) => {
  engine.handle(event.data);
  engine.flush();
};
