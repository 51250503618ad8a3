import type { LookupFunction } from "node:net";
import type { BridgeLimits } from "../../web/src/session/bridge-protocol.js";
import { MAX_RECORD_BODY } from "../../web/src/session/capture-format.js";
import { MAX_VIEW_ID } from "./view-ids.js";

/** The bridge's default port, printed at start with the page's URL. */
export const DEFAULT_PORT = 7480;
/** Default bind address: loopback only. */
export const DEFAULT_HOST = "127.0.0.1";
/** Largest WebSocket message accepted: 16 MiB. */
export const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;
/** TCP connections one session may hold. */
export const DEFAULT_MAX_SESSION_CONNECTIONS = 64;
/** TCP connections the whole bridge may hold (sessions, /raw and taps). */
export const DEFAULT_MAX_CONNECTIONS = 512;
/** WebSockets (/session and /raw) open at once. */
export const DEFAULT_MAX_SESSIONS = 64;
/** A TCP connection without traffic for 10 minutes is closed. */
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
/** A TCP connect (with its name lookup) that takes longer fails with ETIMEDOUT. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Bytes buffered towards a page before the bridge stops reading its TCP sockets. */
export const DEFAULT_HIGH_WATER_MARK = 2 * 1024 * 1024;
/**
 * Bytes of page sends one connection holds for a target that does not read,
 * over the socket's own buffer, before it is closed with TARGET_NOT_READING.
 * The limit is at least maxPayload (so one send always fits an empty queue):
 * by default this or maxPayload, the larger.
 */
export const DEFAULT_MAX_LINK_QUEUE = 16 * 1024 * 1024;
/** The same for all of one page's connections together: by default this or maxLinkQueue, the larger. */
export const DEFAULT_MAX_SESSION_QUEUE = 64 * 1024 * 1024;

/** One `--tap LISTEN=TARGET`: listen on `listen`, forward each client to `target`. */
export interface TapOption {
  readonly listen: string;
  readonly target: string;
  /** Shown to the page; defaults to the listen address. */
  readonly name?: string;
}

/** Options of createBridge; every field has a safe default. */
export interface BridgeOptions {
  /** Bind address (default 127.0.0.1); a non-loopback bind requires a token (generated when absent). */
  readonly host?: string;
  /** Port (default DEFAULT_PORT; 0 picks a free one). */
  readonly port?: number;
  /** Targets the page may connect to: `host:port` or `host:*`. Demo and tap targets are added. */
  readonly allow?: readonly string[];
  readonly taps?: readonly TapOption[];
  /** The demo kv server's `host:port`, announced in `hello` and allowed; null or absent without the demo. */
  readonly demo?: string | null;
  /** Folder for capture files (created if missing); null turns captures off. Default `captures` in the working directory. */
  readonly captures?: string | null;
  /** Extra page origins allowed to open WebSockets, e.g. `http://localhost:5173`. */
  readonly origins?: readonly string[];
  /** Token required on WebSocket upgrades (`?token=`). */
  readonly token?: string;
  /** Folder of the built page; default dist/web of the package. */
  readonly webRoot?: string;
  readonly limits?: Partial<BridgeLimits & BridgeTuning>;
  /** Name lookup used for connects (tests inject failures); default dns.lookup. */
  readonly lookup?: LookupFunction;
  /** Where the bridge reports unexpected errors; default stderr. */
  readonly log?: (line: string) => void;
}

/** Limits that are not announced to the page. */
export interface BridgeTuning {
  readonly maxSessions: number;
  readonly connectTimeoutMs: number;
  readonly highWaterMark: number;
  /** Largest view id a session hands out (1..MAX_VIEW_ID, the default); ids go round up to it. */
  readonly maxViewId: number;
}

/** All limits, resolved. */
export type ResolvedLimits = BridgeLimits & BridgeTuning;

/**
 * Fills in the default limits; throws on a non-positive value, a maxPayload
 * over 256 MiB, a maxViewId over 0xffff, a maxLinkQueue under maxPayload or a
 * maxSessionQueue under maxLinkQueue (a programmer error).
 */
export function resolveLimits(given: Partial<ResolvedLimits> = {}): ResolvedLimits {
  const maxPayload = given.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  const maxLinkQueue = given.maxLinkQueue ?? Math.max(DEFAULT_MAX_LINK_QUEUE, maxPayload);
  const limits: ResolvedLimits = {
    maxPayload,
    maxSessionConnections: given.maxSessionConnections ?? DEFAULT_MAX_SESSION_CONNECTIONS,
    maxConnections: given.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    idleTimeoutMs: given.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxSessions: given.maxSessions ?? DEFAULT_MAX_SESSIONS,
    connectTimeoutMs: given.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    highWaterMark: given.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
    maxViewId: given.maxViewId ?? MAX_VIEW_ID,
    maxLinkQueue,
    maxSessionQueue: given.maxSessionQueue ?? Math.max(DEFAULT_MAX_SESSION_QUEUE, maxLinkQueue),
  };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new RangeError(`limit ${key} must be a positive integer, got ${value}`);
  }
  if (limits.maxPayload > MAX_RECORD_BODY) {
    throw new RangeError(
      `maxPayload ${limits.maxPayload} exceeds the capture's record limit ${MAX_RECORD_BODY}`,
    );
  }
  if (limits.maxViewId > MAX_VIEW_ID) {
    throw new RangeError(`maxViewId ${limits.maxViewId} exceeds the chunk head's ${MAX_VIEW_ID}`);
  }
  if (limits.maxLinkQueue < limits.maxPayload) {
    throw new RangeError(
      `maxLinkQueue ${limits.maxLinkQueue} is under maxPayload ${limits.maxPayload}: a send would not fit`,
    );
  }
  if (limits.maxSessionQueue < limits.maxLinkQueue) {
    throw new RangeError(
      `maxSessionQueue ${limits.maxSessionQueue} is under maxLinkQueue ${limits.maxLinkQueue}`,
    );
  }
  return limits;
}
