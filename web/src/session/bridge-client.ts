/**
 * The only place the page meets the network: one WebSocket to the bridge's
 * /session, typed messages both ways (bridge-protocol.ts), reconnecting with
 * backoff when it drops. Listeners get the state, every control message and
 * every chunk; nothing here decodes or renders.
 */
import {
  BRIDGE_PROTOCOL_VERSION,
  CHUNK_HEAD_SIZE,
  encodeChunk,
  readChunkHead,
  type ChunkHead,
  type ClientMessage,
  type ServerMessage,
} from "./bridge-protocol.js";

/** The members of a browser WebSocket the client uses (so tests can pass a fake). */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: (() => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: (() => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** WebSocket.OPEN. */
const OPEN = 1;

/** A browser WebSocket to `url` (typed by the members used, so this module needs no DOM types). */
export function browserSocket(url: string): SocketLike {
  const WS = (globalThis as unknown as { WebSocket: new (url: string) => SocketLike }).WebSocket;
  return new WS(url);
}

export type Hello = Extract<ServerMessage, { type: "hello" }>;

/** Where the link to the bridge stands. */
export type BridgeState =
  | { readonly kind: "connecting"; readonly attempt: number }
  | { readonly kind: "open"; readonly hello: Hello }
  /** Lost or refused; another attempt at `retryAt` (ms since the epoch). */
  | {
      readonly kind: "waiting";
      readonly attempt: number;
      readonly retryAt: number;
      readonly reason: string;
    }
  /** The bridge speaks another protocol version: no retry. */
  | { readonly kind: "incompatible"; readonly reason: string }
  | { readonly kind: "stopped" };

/** What a listener hears. */
export type BridgeEvent =
  | { readonly type: "state"; readonly state: BridgeState }
  | { readonly type: "message"; readonly message: ServerMessage }
  | { readonly type: "chunk"; readonly head: ChunkHead; readonly bytes: Uint8Array }
  /** The bridge sent something this page does not understand (dropped; the link stays). */
  | { readonly type: "protocol-error"; readonly text: string };

export interface BridgeClientOptions {
  readonly createSocket: (url: string) => SocketLike;
  readonly setTimer: (fn: () => void, ms: number) => unknown;
  readonly clearTimer: (handle: unknown) => void;
  readonly now: () => number;
}

/** First reconnect delay in ms; it doubles per failed attempt up to RECONNECT_MAX_MS. */
export const RECONNECT_BASE_MS = 500;
export const RECONNECT_MAX_MS = 10_000;

/** Delay before reconnect attempt `attempt` (1-based): 500 ms, 1 s, 2 s, … at most 10 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

const SERVER_TYPES: ReadonlySet<string> = new Set<ServerMessage["type"]>([
  "hello",
  "opened",
  "fin",
  "closed",
  "error",
  "written",
  "captures",
  "view",
  "view-end",
]);

/** Parses one text frame from the bridge; undefined when it is not a known message. */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === "string" && SERVER_TYPES.has(type) ? (value as ServerMessage) : undefined;
}

/** One WebSocket to /session with reconnects; `start` opens it, `stop` closes it for good. */
export class BridgeClient {
  private socket: SocketLike | undefined;
  private timer: unknown;
  private attempt = 0;
  private req = 0;
  private current: BridgeState = { kind: "stopped" };
  private readonly listeners = new Set<(event: BridgeEvent) => void>();

  constructor(
    private readonly url: string,
    private readonly options: BridgeClientOptions,
  ) {}

  get state(): BridgeState {
    return this.current;
  }

  listen(listener: (event: BridgeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.current.kind !== "stopped") return;
    this.attempt = 0;
    this.open();
  }

  stop(): void {
    this.options.clearTimer(this.timer);
    const s = this.socket;
    this.socket = undefined;
    if (s !== undefined) {
      s.onclose = null;
      s.close(1000, "page stopped");
    }
    this.setState({ kind: "stopped" });
  }

  /** A fresh request number for a message that gets an answer. */
  nextReq(): number {
    return ++this.req;
  }

  /** Sends a control message; false when the link is not open. */
  send(message: ClientMessage): boolean {
    if (
      this.socket === undefined ||
      this.socket.readyState !== OPEN ||
      this.current.kind !== "open"
    )
      return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** Sends bytes to a connection of this session (view 0); false when the link is not open. */
  sendChunk(conn: number, bytes: Uint8Array): boolean {
    if (
      this.socket === undefined ||
      this.socket.readyState !== OPEN ||
      this.current.kind !== "open"
    )
      return false;
    this.socket.send(encodeChunk({ dir: "c2s", view: 0, conn, time: 0 }, bytes));
    return true;
  }

  private open(): void {
    this.attempt++;
    this.setState({ kind: "connecting", attempt: this.attempt });
    const s = this.options.createSocket(this.url);
    this.socket = s;
    s.binaryType = "arraybuffer";
    s.onmessage = (event) => this.receive(event.data);
    s.onerror = null;
    s.onclose = (event) => {
      if (this.socket !== s) return;
      this.socket = undefined;
      const why = event.reason !== "" ? event.reason : `WebSocket closed with code ${event.code}`;
      this.retry(
        this.current.kind === "open"
          ? `lost the bridge: ${why}`
          : `cannot reach the bridge: ${why}`,
      );
    };
  }

  private retry(reason: string): void {
    if (this.current.kind === "incompatible" || this.current.kind === "stopped") return;
    const wasOpen = this.current.kind === "open";
    if (wasOpen) this.attempt = 0;
    const delay = wasOpen ? 0 : reconnectDelay(this.attempt);
    this.setState({
      kind: "waiting",
      attempt: this.attempt + 1,
      retryAt: this.options.now() + delay,
      reason,
    });
    this.timer = this.options.setTimer(() => this.open(), delay);
  }

  private receive(data: unknown): void {
    if (typeof data === "string") {
      const message = parseServerMessage(data);
      if (message === undefined) {
        this.emit({
          type: "protocol-error",
          text: `unknown message from the bridge: ${data.slice(0, 200)}`,
        });
        return;
      }
      if (message.type === "hello") {
        if (Math.floor(message.version) !== BRIDGE_PROTOCOL_VERSION) {
          const reason = `the bridge speaks protocol version ${message.version}, this page ${BRIDGE_PROTOCOL_VERSION}: reload the page or update framescope`;
          this.setState({ kind: "incompatible", reason });
          const s = this.socket;
          this.socket = undefined;
          if (s !== undefined) {
            s.onclose = null;
            s.close(1000, "incompatible");
          }
          return;
        }
        this.attempt = 0;
        this.setState({ kind: "open", hello: message });
      }
      this.emit({ type: "message", message });
      return;
    }
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : data instanceof Uint8Array
          ? data
          : undefined;
    if (bytes === undefined) {
      this.emit({ type: "protocol-error", text: "a binary message the page cannot read" });
      return;
    }
    const head = readChunkHead(bytes);
    if (!head.ok) {
      this.emit({ type: "protocol-error", text: `a chunk with a bad head: ${head.error}` });
      return;
    }
    this.emit({ type: "chunk", head: head.head, bytes: bytes.subarray(CHUNK_HEAD_SIZE) });
  }

  private setState(state: BridgeState): void {
    this.current = state;
    this.emit({ type: "state", state });
  }

  private emit(event: BridgeEvent): void {
    for (const l of this.listeners) l(event);
  }
}
