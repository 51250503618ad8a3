import { createServer, type AddressInfo, type Socket } from "node:net";
import { formatHostPort } from "../targets.js";
import { KvFrameReader, encodeKvFrame } from "./kv-framing.js";
import { decodeRequest, encodeResponse, loadKvSchema, type KvSchema } from "./kv-schema.js";
import { KvStore, type KvSubscription } from "./kv-store.js";

/** Default port of `framescope demo`. */
export const KV_DEFAULT_PORT = 9527;

/** A running kv server. */
export interface KvServer {
  /** `host:port` it listens on. */
  readonly address: string;
  readonly port: number;
  readonly store: KvStore;
  close(): Promise<void>;
}

/**
 * Starts the demo kv server: abi.CommandRequest in, abi.CommandResponse out,
 * each framed by a 4-byte big-endian length whose top bit flags gzip (payloads
 * over 1436 bytes). A request that does not decode gets status 400; a broken
 * frame closes the connection.
 */
export async function startKvServer(
  options: { host?: string; port?: number; schema?: KvSchema } = {},
): Promise<KvServer> {
  const schema = options.schema ?? loadKvSchema();
  const store = new KvStore();
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    const subscriptions: KvSubscription[] = [];
    const reader = new KvFrameReader();
    const send = (response: Parameters<typeof encodeResponse>[1]): void => {
      if (!socket.destroyed) socket.write(encodeKvFrame(encodeResponse(schema, response)));
    };
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      sockets.delete(socket);
      for (const s of subscriptions) store.unsubscribe(s);
    });
    socket.on("data", (chunk: Buffer) => {
      const payloads = reader.push(chunk);
      if (payloads instanceof Error) {
        socket.destroy();
        return;
      }
      for (const payload of payloads) {
        const req = decodeRequest(schema, payload);
        if (req instanceof Error) {
          send({ status: 400, message: `bad request: ${req.message}` });
          continue;
        }
        const r = store.execute(req, send);
        if (r.subscription) subscriptions.push(r.subscription);
        send(r.response);
      }
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? KV_DEFAULT_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address: formatHostPort(host, port),
    port,
    store,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
