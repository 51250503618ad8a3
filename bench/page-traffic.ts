/**
 * Traffic for the page bench: a sink that reads and drops everything, and a
 * fast kv client that writes 100-byte frames (4-byte length + a 96-byte
 * abi.CommandRequest) at a steady rate, so a tap in between has real, paced
 * traffic to capture and stream to the page.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadSchemas } from "../web/src/session/schema-load.js";

/** Bytes of one frame on the wire: 4-byte length field and payload. */
export const FRAME_BYTES = 100;

/** A TCP server on 127.0.0.1 that reads and drops every byte; resolves with it and its port. */
export async function startSink(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on("data", () => undefined);
    socket.on("error", () => undefined);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("sink has no port");
  return { server, port: address.port };
}

/** `count` distinct kv frames of exactly FRAME_BYTES each, back to back. */
export function kvFrames(count: number): Buffer {
  const text = readFileSync(
    fileURLToPath(new URL("../../proto/kv.proto", import.meta.url)),
    "utf8",
  );
  const loaded = loadSchemas([{ name: "kv.proto", text }]);
  if (!loaded.ok) throw new Error(`kv.proto: ${loaded.error.text}`);
  const Req = loaded.root.lookupType("abi.CommandRequest");
  const out = Buffer.alloc(count * FRAME_BYTES);
  const encode = (key: string, value: string): Uint8Array =>
    Req.encode(
      Req.fromObject({ hset: { table: "users", pair: { key, value: { string: value } } } }),
    ).finish();
  // Keys have one length, so one padding makes every payload FRAME_BYTES - 4 bytes.
  const keyOf = (i: number): string => `user-${String(i).padStart(8, "0")}`;
  const pad = "v".repeat(FRAME_BYTES - 4 - encode(keyOf(0), "").length);
  for (let i = 0; i < count; i++) {
    const payload = encode(keyOf(i), pad);
    if (payload.length !== FRAME_BYTES - 4) throw new Error(`payload of ${payload.length} bytes`);
    out.writeUInt32BE(payload.length, i * FRAME_BYTES);
    out.set(payload, i * FRAME_BYTES + 4);
  }
  return out;
}

/** What a paced client did. */
export interface ClientRun {
  readonly frames: number;
  readonly bytes: number;
  /** ms from the first write to the last. */
  readonly ms: number;
}

/**
 * Connects to `port` and writes `frames` (whole frames, FRAME_BYTES each) at
 * `perSecond`, in writes every `tickMs`, then ends the connection.
 */
export async function pacedClient(
  port: number,
  frames: Buffer,
  perSecond: number,
  tickMs = 5,
): Promise<ClientRun> {
  const socket: Socket = connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  await once(socket, "connect");
  const total = frames.length / FRAME_BYTES;
  const t0 = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * perSecond) + 1);
    if (due > sent) {
      const ok = socket.write(frames.subarray(sent * FRAME_BYTES, due * FRAME_BYTES));
      sent = due;
      if (!ok) await once(socket, "drain");
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const ms = performance.now() - t0;
  socket.end();
  await once(socket, "close");
  return { frames: total, bytes: frames.length, ms };
}
