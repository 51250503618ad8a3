import type { LookupFunction } from "node:net";
import type {
  BridgeErrorCode,
  Direction,
  RecordedEvent,
} from "../../web/src/session/bridge-protocol.js";
import type { ResolvedLimits } from "./bridge-options.js";
import type { BufferHold } from "./read-buffers.js";
import type { AllowRule } from "./targets.js";

/**
 * Where every chunk and connection event goes: the capture file (or nowhere
 * when captures are off). While `full`, everything that produces records stops
 * reading its sockets, so the queue for the disk stays bounded.
 */
export interface Recorder {
  /** Records one chunk; `owner` is held while `bytes` are kept past the call (a pooled read). */
  chunk(conn: number, dir: Direction, time: number, bytes: Uint8Array, owner?: BufferHold): void;
  event(conn: number, event: RecordedEvent): void;
  /** True while too much waits for the disk: producers stop reading until it is false again. */
  readonly full: boolean;
  /** Calls `listener` each time `full` changes; returns the function that stops it. */
  watch(listener: (full: boolean) => void): () => void;
}

/** A recorder that keeps nothing (captures off); never full. */
export const NO_RECORDER: Recorder = {
  chunk: () => undefined,
  event: () => undefined,
  full: false,
  watch: () => () => undefined,
};

/** What every session, /raw socket and tap of one bridge shares. */
export interface BridgeContext {
  readonly limits: ResolvedLimits;
  readonly allow: readonly AllowRule[];
  readonly lookup: LookupFunction | undefined;
  readonly recorder: Recorder;
  readonly log: (line: string) => void;
  /** A new connection id, unique within this bridge run (and so within its capture). */
  nextConnId(): number;
  /** TCP connections open now (sessions, /raw and taps), against limits.maxConnections. */
  openConnections: number;
}

const PASSED_THROUGH = new Set<string>([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

/** The protocol's code for a socket error: Node's code when it is a known one, SOCKET_ERROR otherwise. */
export function socketErrorCode(err: Error): BridgeErrorCode {
  const code = (err as NodeJS.ErrnoException).code;
  return code !== undefined && PASSED_THROUGH.has(code)
    ? (code as BridgeErrorCode)
    : "SOCKET_ERROR";
}

/** An ETIMEDOUT error, as a connect that took too long reports. */
export function timeoutError(target: string, ms: number): Error {
  return Object.assign(new Error(`connect to ${target} timed out after ${ms} ms`), {
    code: "ETIMEDOUT",
  });
}
