import { connect, type Socket } from "node:net";
import { WebSocket, type RawData } from "ws";
import {
  CHUNK_HEAD_SIZE,
  writeChunkHead,
  type ServerMessage,
} from "../web/src/session/bridge-protocol.js";

/** Bytes a pipe lets sit unflushed in its socket before `full` turns true: 1 MiB. */
export const SEND_WINDOW = 1024 * 1024;
/** Connecting (with the /session handshake) takes at most this long: 5 s. */
const OPEN_TIMEOUT_MS = 5000;

/**
 * One bench connection to the target, as the client sees it, whatever carries
 * it (a TCP socket, a websockify-style WebSocket, a /session connection). The
 * workloads only see this, so every row runs the very same client code.
 */
export interface Pipe {
  /** The wire form of a payload (on /session: the chunk head, then the payload), built once. */
  wrap(payload: Buffer): Buffer;
  /** Sends one wrapped payload as one write or one WebSocket message; `track` counts it against SEND_WINDOW. */
  send(wire: Buffer, track: boolean): void;
  /**
   * Runs `sends` with the socket corked, so the sends it makes leave in one
   * write (each still its own message), as a browser's sends in one task do.
   */
  batch(sends: () => void): void;
  /** True while SEND_WINDOW bytes or more wait to be flushed. */
  readonly full: boolean;
  /** Resolves once `full` is false again (or the pipe failed). */
  whenWritable(): Promise<void>;
  /** Called with the payload size of every read (TCP) or message (WebSocket) from the target. */
  onBytes: (n: number) => void;
  /** Why the pipe broke, once it did. */
  readonly failure: string | undefined;
  close(): void;
}

/** How to open a pipe for one row: a fresh connection to the target each time. */
export type PipeOpener = () => Promise<Pipe>;

abstract class WindowedPipe implements Pipe {
  onBytes: (n: number) => void = () => undefined;
  failure: string | undefined;
  private queued = 0;
  private waiters: (() => void)[] = [];

  abstract wrap(payload: Buffer): Buffer;
  abstract close(): void;
  protected abstract write(wire: Buffer, done: (() => void) | undefined): void;
  protected abstract socket(): Socket | undefined;

  batch(sends: () => void): void {
    const socket = this.socket();
    socket?.cork();
    try {
      sends();
    } finally {
      socket?.uncork();
    }
  }

  get full(): boolean {
    return this.queued >= SEND_WINDOW && this.failure === undefined;
  }

  send(wire: Buffer, track: boolean): void {
    if (!track) return this.write(wire, undefined);
    const n = wire.length;
    this.queued += n;
    this.write(wire, () => {
      this.queued -= n;
      if (!this.full) this.wake();
    });
  }

  whenWritable(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  protected fail(why: string): void {
    this.failure ??= why;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

class TcpPipe extends WindowedPipe {
  constructor(private readonly tcp: Socket) {
    super();
    tcp.on("data", (b: Buffer) => this.onBytes(b.length));
    tcp.on("error", (err) => this.fail(err.message));
    tcp.on("close", () => this.fail("closed"));
  }
  wrap(payload: Buffer): Buffer {
    return payload;
  }
  protected write(wire: Buffer, done: (() => void) | undefined): void {
    this.tcp.write(wire, done);
  }
  protected socket(): Socket {
    return this.tcp;
  }
  close(): void {
    this.tcp.destroy();
  }
}

class WsPipe extends WindowedPipe {
  /** For /session: the connection id and the 16-byte chunk head of its sends. */
  private head: Buffer | undefined;
  constructor(private readonly ws: WebSocket) {
    super();
    ws.on("error", (err) => this.fail(err.message));
    ws.on("close", (code, reason) => this.fail(`closed ${code} ${reason.toString()}`));
  }
  /** Receives raw messages: every binary message is payload. */
  startRaw(): void {
    this.ws.on("message", (data: RawData) => this.onBytes(byteLength(data)));
  }
  /** Receives /session messages for connection `conn`: payload after the chunk head. */
  startSession(conn: number): void {
    this.head = Buffer.alloc(CHUNK_HEAD_SIZE);
    writeChunkHead(this.head, 0, { dir: "c2s", view: 0, conn, time: 0 });
    this.ws.on("message", (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        const m = JSON.parse(String(data)) as ServerMessage;
        if (m.type === "error" || m.type === "closed") this.fail(`${m.type}: ${String(data)}`);
        return;
      }
      const b = data as Buffer;
      if (b[1] === 1 && b.readUInt32BE(4) === conn) this.onBytes(b.length - CHUNK_HEAD_SIZE);
    });
  }
  wrap(payload: Buffer): Buffer {
    return this.head === undefined ? payload : Buffer.concat([this.head, payload]);
  }
  protected write(wire: Buffer, done: (() => void) | undefined): void {
    this.ws.send(wire, { binary: true }, done);
  }
  /** ws keeps its socket in `_socket` (it has no public way to cork). */
  protected socket(): Socket | undefined {
    return (this.ws as unknown as { _socket?: Socket })._socket;
  }
  close(): void {
    this.ws.close();
  }
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

/** A plain TCP connection to 127.0.0.1:`port` (direct, or through the proxy hop). */
export function tcpOpener(port: number): PipeOpener {
  return () =>
    withTimeout(
      new Promise((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port, noDelay: true });
        socket.once("error", reject);
        socket.once("connect", () => {
          socket.off("error", reject);
          resolve(new TcpPipe(socket));
        });
      }),
    );
}

/** A websockify-style WebSocket (`binary` subprotocol): framescope /raw or websockify itself. */
export function rawOpener(url: string): PipeOpener {
  return async () => {
    const { ws, open } = newWs(url, ["binary"]);
    await withTimeout(open);
    const pipe = new WsPipe(ws);
    pipe.startRaw();
    return pipe;
  };
}

/** A framescope /session WebSocket with one connect-mode connection to `target`. */
export function sessionOpener(url: string, target: string): PipeOpener {
  return async () => {
    const { ws, open } = newWs(url, []);
    let onMessage: (data: RawData, isBinary: boolean) => void = () => undefined;
    // Listens from the start: `hello` may come in the same read as the 101 answer.
    const opened = new Promise<number>((resolve, reject) => {
      onMessage = (data, isBinary) => {
        if (isBinary) return;
        const m = JSON.parse(String(data)) as ServerMessage;
        if (m.type === "hello") ws.send(JSON.stringify({ type: "connect", req: 1, target }));
        if (m.type === "opened" && m.req === 1) resolve(m.conn);
        if (m.type === "error") reject(new Error(`${m.code}: ${m.message}`));
      };
    });
    ws.on("message", onMessage);
    const [, conn] = await withTimeout(Promise.all([open, opened]));
    ws.off("message", onMessage);
    const pipe = new WsPipe(ws);
    pipe.startSession(conn);
    return pipe;
  };
}

function newWs(url: string, protocols: string[]): { ws: WebSocket; open: Promise<void> } {
  const ws = new WebSocket(url, protocols, { perMessageDeflate: false });
  const open = new Promise<void>((resolve, reject) => {
    ws.once("error", reject);
    ws.once("close", () => reject(new Error("closed while opening")));
    ws.once("open", () => {
      ws.off("error", reject);
      resolve();
    });
  });
  return { ws, open };
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("open timed out")), OPEN_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
