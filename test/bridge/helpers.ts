import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket, type ClientOptions, type RawData } from "ws";
import { createBridge, type Bridge } from "../../bridge/src/bridge.js";
import type { BridgeOptions } from "../../bridge/src/bridge-options.js";
import {
  CHUNK_HEAD_SIZE,
  encodeChunk,
  readChunkHead,
  type ChunkHead,
  type ClientMessage,
  type ServerMessage,
} from "../../web/src/session/bridge-protocol.js";

/** A fresh temporary folder. */
export function tempDir(prefix = "framescope-bridge-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A bridge on 127.0.0.1, port 0, captures off and an empty web folder unless given. */
export async function startBridge(
  options: BridgeOptions = {},
): Promise<Bridge & { logs: string[] }> {
  const logs: string[] = [];
  const bridge = await createBridge({
    host: "127.0.0.1",
    port: 0,
    captures: null,
    webRoot: tempDir("framescope-web-"),
    log: (line) => logs.push(line),
    ...options,
  });
  return Object.assign(bridge, { logs });
}

/** A TCP server on 127.0.0.1, port 0, calling `onConnection` for each client. */
export async function tcpServer(onConnection: (socket: Socket) => void): Promise<{
  server: Server;
  port: number;
  target: string;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An echo server: every byte read is written back; a FIN is answered with a FIN. */
export function echoServer(): ReturnType<typeof tcpServer> {
  return tcpServer((socket) => socket.pipe(socket));
}

/** One received chunk: its head and bytes. */
export interface ReceivedChunk extends ChunkHead {
  readonly bytes: Buffer;
}

/** A page stand-in on /session: records every control message and chunk, with helpers to wait for them. */
export class PageClient {
  readonly messages: ServerMessage[] = [];
  readonly chunks: ReceivedChunk[] = [];
  readonly ws: WebSocket;
  closeCode: number | undefined;
  private waiters: (() => void)[] = [];
  private nextReq = 1;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data: RawData, isBinary) => {
      const buf = data as Buffer;
      if (isBinary) {
        const r = readChunkHead(buf);
        if (!r.ok) throw new Error(`bad chunk head from the bridge: ${r.error}`);
        this.chunks.push({ ...r.head, bytes: buf.subarray(CHUNK_HEAD_SIZE) });
      } else {
        this.messages.push(JSON.parse(buf.toString("utf8")) as ServerMessage);
      }
      this.wake();
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  /** Opens /session and waits for `hello`. */
  static async open(
    bridge: { port: number },
    path = "/session",
    options: ClientOptions = {},
  ): Promise<PageClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}${path}`, options);
    const page = new PageClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    await page.waitFor((m) => m.type === "hello");
    return page;
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  sendBytes(conn: number, bytes: Uint8Array): void {
    this.ws.send(encodeChunk({ dir: "c2s", view: 0, conn, time: 0 }, bytes));
  }

  /** Sends `connect` (with `written: true` when asked) and waits for its `opened` (or `error`). */
  async connect(
    target: string,
    echo = false,
    written = false,
  ): Promise<Extract<ServerMessage, { type: "opened" | "error" }>> {
    const req = this.nextReq++;
    this.send({ type: "connect", req, target, echo, ...(written ? { written } : {}) });
    return this.waitFor(
      (m): m is Extract<ServerMessage, { type: "opened" | "error" }> =>
        (m.type === "opened" || m.type === "error") && m.req === req,
    );
  }

  /** A fresh request number. */
  req(): number {
    return this.nextReq++;
  }

  /** Waits for the first control message (from `from` on) matching `match`. */
  async waitFor<T extends ServerMessage>(
    match: ((m: ServerMessage) => m is T) | ((m: ServerMessage) => boolean),
    from = 0,
  ): Promise<T> {
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found !== undefined) return found as T;
      if (this.closeCode !== undefined)
        throw new Error(`session closed (${this.closeCode}) while waiting`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Waits until `done()` holds (checked after every message). */
  async until(done: () => boolean): Promise<void> {
    while (!done()) {
      if (this.closeCode !== undefined)
        throw new Error(`session closed (${this.closeCode}) while waiting`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The last `written` count of a connection (0 before any). */
  written(conn: number): number {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i];
      if (m?.type === "written" && m.conn === conn) return m.bytes;
    }
    return 0;
  }

  /** How many bytes were received for one connection and direction (cheap: no copy). */
  receivedLength(conn: number, dir: "c2s" | "s2c" = "s2c", view = 0): number {
    let n = 0;
    for (const c of this.chunks)
      if (c.conn === conn && c.dir === dir && c.view === view) n += c.bytes.length;
    return n;
  }

  /** The bytes received for one connection and direction, concatenated. */
  received(conn: number, dir: "c2s" | "s2c" = "s2c", view = 0): Buffer {
    return Buffer.concat(
      this.chunks
        .filter((c) => c.conn === conn && c.dir === dir && c.view === view)
        .map((c) => c.bytes),
    );
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** The status of a WebSocket upgrade that the bridge refused, or "open" when it was accepted. */
export function upgradeStatus(
  port: number,
  path: string,
  options: ClientOptions = {},
): Promise<number | "open"> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, options);
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("open", () => {
      resolve("open");
      ws.close();
    });
    ws.on("error", (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/**
 * A plain HTTP request (GET unless told) with the path sent exactly as given (no
 * normalisation) and the headers given (Host included); the body as text and bytes.
 */
export function httpGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  bytes: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => {
        const bytes = Buffer.concat(parts);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: bytes.toString("utf8"),
          bytes,
        });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** A deterministic byte pattern: byte i of the stream is (i * 7 + i >>> 11) & 255. */
export function pattern(start: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) {
    const n = start + i;
    out[i] = (n * 7 + (n >>> 11)) & 0xff;
  }
  return out;
}
