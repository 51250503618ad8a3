import { connect, type Socket } from "node:net";
import { parseHostPort } from "../targets.js";
import { KvFrameReader, encodeKvFrame } from "./kv-framing.js";
import {
  decodeResponse,
  encodeRequest,
  type KvRequest,
  type KvResponse,
  type KvSchema,
} from "./kv-schema.js";

/**
 * A small kv client: every response (or pushed message) is taken in arrival
 * order, so `request` suits one request at a time and `next` reads pushes.
 */
export class KvClient {
  private readonly received: KvResponse[] = [];
  private waiting: ((r: KvResponse | Error) => void)[] = [];
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly schema: KvSchema,
  ) {
    const reader = new KvFrameReader();
    socket.on("data", (chunk: Buffer) => {
      const payloads = reader.push(chunk);
      if (payloads instanceof Error) return this.fail(payloads);
      for (const p of payloads) {
        const r = decodeResponse(schema, p);
        if (r instanceof Error) return this.fail(r);
        const w = this.waiting.shift();
        if (w) w(r);
        else this.received.push(r);
      }
    });
    socket.on("error", (err) => this.fail(err));
    socket.on("close", () => this.fail(new Error("connection closed")));
  }

  /** Connects to `host:port`. */
  static connect(address: string, schema: KvSchema): Promise<KvClient> {
    const target = parseHostPort(address);
    if (target === null) return Promise.reject(new RangeError(`not host:port: ${address}`));
    return new Promise((resolve, reject) => {
      const socket = connect({ host: target.host, port: target.port, noDelay: true });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new KvClient(socket, schema));
      });
    });
  }

  /** Sends one request and waits for the next message, its response. */
  request(req: KvRequest): Promise<KvResponse> {
    this.socket.write(encodeKvFrame(encodeRequest(this.schema, req)));
    return this.next();
  }

  /** The next message in arrival order (a response or a pushed publish). */
  next(): Promise<KvResponse> {
    const r = this.received.shift();
    if (r !== undefined) return Promise.resolve(r);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) =>
      this.waiting.push((x) => (x instanceof Error ? reject(x) : resolve(x))),
    );
  }

  /** Ends the connection politely (FIN) and waits for it to close. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once("close", () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 2000).unref();
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const w = this.waiting;
    this.waiting = [];
    for (const f of w) f(err);
    this.socket.destroy();
  }
}
