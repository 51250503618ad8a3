/**
 * The bridge protocol spoken on the bridge's `/session` WebSocket: JSON text
 * frames for control, binary frames for chunks. Pure types plus the binary
 * chunk head codec, shared by the bridge (Node) and the page (browser).
 * Specified in docs/bridge-protocol.md; bump BRIDGE_PROTOCOL_VERSION on any
 * incompatible change.
 */

/** Version announced in `hello`; a page refuses a bridge with another major version. */
export const BRIDGE_PROTOCOL_VERSION = 1;

/** `c2s`: from the client (the page, or the tapped client) to the server (the target); `s2c`: back. */
export type Direction = "c2s" | "s2c";

/** A socket address as Node reports it. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** The limits a bridge enforces, announced in `hello`. */
export interface BridgeLimits {
  /** Largest WebSocket message the bridge accepts, in bytes; a larger one closes the WebSocket with 1009. */
  readonly maxPayload: number;
  /** TCP connections one session may have open at once. */
  readonly maxSessionConnections: number;
  /** TCP connections the whole bridge may have open at once (sessions and taps). */
  readonly maxConnections: number;
  /** A TCP connection with no traffic either way for this long is closed, in milliseconds. */
  readonly idleTimeoutMs: number;
  /**
   * Bytes of the page's sends one connection may hold for a target that does
   * not take them, over the socket's own 256 KiB; a send past it closes the
   * connection (TARGET_NOT_READING). A page that keeps what it sent minus the
   * `written` count under this never meets it.
   */
  readonly maxLinkQueue: number;
  /** The same for all of one page's connections together; past it the one holding the most is closed. */
  readonly maxSessionQueue: number;
}

/** A tap the page can attach to: the bridge listens on `listen` and forwards to `target`. */
export interface TapInfo {
  readonly name: string;
  readonly listen: string;
  readonly target: string;
}

/** One capture file in the bridge's capture folder. */
export interface CaptureInfo {
  readonly name: string;
  /** Size in bytes when listed. */
  readonly size: number;
  /** Creation time, microseconds since the Unix epoch. */
  readonly created: number;
  /** True for the file this bridge is writing now. */
  readonly current: boolean;
}

/** Where a connection came from: the page's own `connect`, or a client of a tap. */
export type ConnectionSource = "session" | "tap";

/**
 * Why a connection ended: both directions finished (`ended`), the page asked
 * (`page`), the page's WebSocket went away (`session`), no traffic for the idle
 * timeout (`idle`), a socket error (`error`, after an `error` event), or the
 * bridge shut down (`shutdown`).
 */
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Every CloseReason, for checking one read from a capture (the type is derived from this list). */
export const CLOSE_REASONS = ["ended", "page", "session", "idle", "error", "shutdown"] as const;

/**
 * Stable error codes. Socket errors keep Node's code where it is one of these;
 * any other socket error is SOCKET_ERROR with the original code in the text.
 * BAD_RECORD: a view skipped a capture record it could not read (its offset is in the text).
 * TARGET_NOT_READING: the bridge held as much of the page's sends as it may for
 * a target that does not take them, and closed the connection rather than hold more.
 */
export type BridgeErrorCode = (typeof BRIDGE_ERROR_CODES)[number];

/** Every BridgeErrorCode, for checking one read from a capture (the type is derived from this list). */
export const BRIDGE_ERROR_CODES = [
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "SOCKET_ERROR",
  "CLOSED_BEFORE_OPEN",
  "TARGET_NOT_ALLOWED",
  "BAD_TARGET",
  "BAD_MESSAGE",
  "UNKNOWN_CONNECTION",
  "UNKNOWN_VIEW",
  "TOO_MANY_CONNECTIONS",
  "TOO_MANY_VIEWS",
  "CAPTURE_NOT_FOUND",
  "CAPTURE_UNREADABLE",
  "CAPTURES_OFF",
  "TAP_NOT_FOUND",
  "BAD_RECORD",
  "TARGET_NOT_READING",
] as const;

/** Page -> bridge control messages (JSON text frames). `req` is echoed in the answer. */
export type ClientMessage =
  | {
      readonly type: "connect";
      readonly req: number;
      /** `host:port`; must match the allow-list. */
      readonly target: string;
      /** Also send the page's own sends back as `c2s` chunks stamped by the bridge; default false. */
      readonly echo?: boolean;
      /** Also send `written` notices: how much of the page's sends the target's socket has taken; default false. */
      readonly written?: boolean;
    }
  | { readonly type: "fin"; readonly conn: number }
  | { readonly type: "close"; readonly conn: number }
  | { readonly type: "list-captures"; readonly req: number }
  | {
      readonly type: "open-capture";
      readonly req: number;
      readonly name: string;
      /** For the current capture: keep streaming records as they are written; default true. */
      readonly follow?: boolean;
    }
  | { readonly type: "attach"; readonly req: number; readonly tap: string }
  | { readonly type: "close-view"; readonly view: number };

/**
 * Bridge -> page control messages (JSON text frames). `view` is 0 for the
 * page's own live connections and the id of an opened capture or attached tap
 * otherwise; `time` is microseconds since the Unix epoch.
 */
export type ServerMessage =
  | {
      readonly type: "hello";
      readonly version: number;
      readonly limits: BridgeLimits;
      readonly taps: readonly TapInfo[];
      /** The demo kv server's `host:port`, or null without the demo. */
      readonly demo: string | null;
      /** The allow-list as given (`host:port`, `host:*`). */
      readonly allow: readonly string[];
      /** The capture being written now, or null when captures are off. */
      readonly capture: string | null;
    }
  | {
      readonly type: "opened";
      readonly view: number;
      readonly conn: number;
      /** The `req` of the page's `connect`, for view 0. */
      readonly req?: number;
      readonly source: ConnectionSource;
      readonly tap?: string;
      readonly target: string;
      /** The bridge's end of the connection to the target. */
      readonly local: Endpoint;
      /** The target's end. */
      readonly remote: Endpoint;
      /** For taps: the tapped client's address. */
      readonly client?: Endpoint;
      readonly time: number;
      /** 0 when the page's `connect` asked for `written` notices (so the page knows they will come). */
      readonly written?: number;
    }
  | {
      readonly type: "fin";
      readonly view: number;
      readonly conn: number;
      readonly dir: Direction;
      readonly time: number;
    }
  | {
      readonly type: "closed";
      readonly view: number;
      readonly conn: number;
      readonly reason: CloseReason;
      readonly time: number;
    }
  | {
      readonly type: "error";
      readonly view: number;
      readonly conn?: number;
      readonly req?: number;
      readonly code: BridgeErrorCode;
      readonly message: string;
      readonly time: number;
    }
  | {
      /**
       * For a connection opened with `written: true`: `bytes` of the page's
       * sends on it, counted from the start, have been handed to the target's
       * socket; the rest waits in the bridge. Sent when the count grows, at most
       * once per turn of the bridge's event loop, and before `closed`.
       */
      readonly type: "written";
      readonly view: number;
      readonly conn: number;
      readonly bytes: number;
    }
  | { readonly type: "captures"; readonly req: number; readonly captures: readonly CaptureInfo[] }
  | {
      readonly type: "view";
      readonly req: number;
      readonly view: number;
      readonly capture: string;
      readonly tap?: string;
      readonly follow: boolean;
    }
  | {
      readonly type: "view-end";
      readonly view: number;
      /** `done`: every record was sent; `closed`: the page closed the view; `torn`: a damaged tail was skipped. */
      readonly reason: "done" | "closed" | "torn";
    };

/** The `type` values of messages that carry a connection's life: what a capture records. */
export type ConnectionEvent = Extract<
  ServerMessage,
  { type: "opened" | "fin" | "closed" | "error" }
>;

/** Removes keys from every member of a union (Omit would merge the members). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A connection event without its view and request: what a capture file records and a view replays. */
export type RecordedEvent = OmitEach<ConnectionEvent, "view" | "req"> & { readonly conn: number };

/** Binary message kind byte; the only one in version 1. */
export const CHUNK_KIND = 1;

/** Size of the chunk head in bytes. */
export const CHUNK_HEAD_SIZE = 16;

/**
 * The head of every binary WebSocket message, both ways; the chunk's bytes follow.
 *
 * ```
 *  0      1      2       4               8                              16
 * +------+------+-------+---------------+------------------------------+---------
 * | kind | dir  | view  | connection id | time: µs since the Unix epoch| chunk
 * | = 1  | 0 c2s| u16 BE| u32 BE        | u64 BE                       | bytes
 * |      | 1 s2c|       |               |                              |
 * +------+------+-------+---------------+------------------------------+---------
 * ```
 * A page's send uses dir 0, view 0 and time 0 (the bridge stamps it).
 */
export interface ChunkHead {
  readonly dir: Direction;
  readonly view: number;
  readonly conn: number;
  readonly time: number;
}

/** Writes a chunk head into `out` at `at` (16 bytes). Throws on an out-of-range field: a programmer error. */
export function writeChunkHead(out: Uint8Array, at: number, head: ChunkHead): void {
  const { view, conn, time } = head;
  if (
    !isUint(view, 0xffff) ||
    !isUint(conn, 0xffffffff) ||
    !isUint(time, Number.MAX_SAFE_INTEGER)
  ) {
    throw new RangeError(`chunk head out of range: view ${view}, conn ${conn}, time ${time}`);
  }
  out[at] = CHUNK_KIND;
  out[at + 1] = head.dir === "c2s" ? 0 : 1;
  out[at + 2] = view >>> 8;
  out[at + 3] = view & 0xff;
  writeU32(out, at + 4, conn);
  writeU32(out, at + 8, Math.floor(time / 2 ** 32));
  writeU32(out, at + 12, time % 2 ** 32);
}

/** A chunk head with `bytes` after it, as one binary message. */
export function encodeChunk(head: ChunkHead, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHUNK_HEAD_SIZE + bytes.length);
  writeChunkHead(out, 0, head);
  out.set(bytes, CHUNK_HEAD_SIZE);
  return out;
}

/** Why a binary message is not a chunk. */
export type ChunkHeadError = "SHORT_HEAD" | "UNKNOWN_KIND" | "BAD_DIRECTION" | "TIME_TOO_LARGE";

/** Reads the head of a binary message; the chunk bytes are `message.subarray(CHUNK_HEAD_SIZE)`. */
export function readChunkHead(
  message: Uint8Array,
): { ok: true; head: ChunkHead } | { ok: false; error: ChunkHeadError } {
  if (message.length < CHUNK_HEAD_SIZE) return { ok: false, error: "SHORT_HEAD" };
  if (message[0] !== CHUNK_KIND) return { ok: false, error: "UNKNOWN_KIND" };
  const d = message[1];
  if (d !== 0 && d !== 1) return { ok: false, error: "BAD_DIRECTION" };
  const high = readU32(message, 8);
  if (high >= 2 ** 21) return { ok: false, error: "TIME_TOO_LARGE" };
  return {
    ok: true,
    head: {
      dir: d === 0 ? "c2s" : "s2c",
      view: ((message[2] ?? 0) << 8) | (message[3] ?? 0),
      conn: readU32(message, 4),
      time: high * 2 ** 32 + readU32(message, 12),
    },
  };
}

function isUint(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= max;
}

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

function readU32(b: Uint8Array, at: number): number {
  return (
    (b[at] ?? 0) * 2 ** 24 + (((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0))
  );
}
