/**
 * The bridge bench's target, run as a child process: one TCP server on
 * 127.0.0.1, port 0 (the port goes to the parent over IPC). Each connection
 * starts with a 16-byte head that picks what the server does with it:
 *
 * ```
 *  0      1        4             8                      16
 * +------+--------+-------------+----------------------+---------
 * | mode | unused | arg: u32 BE | limit: u64 BE        | bytes ...
 * +------+--------+-------------+----------------------+---------
 * ```
 * - `E` echo: every byte after the head is written back.
 * - `S` sink: bytes after the head are dropped; one byte is written back per
 *   `arg` bytes received (an acknowledgement the client times).
 * - `R` source: `arg`-byte writes, as fast as the socket drains, until `limit`
 *   bytes were written or the client goes away.
 */
import { createServer, type Socket } from "node:net";

/** Size of the mode head. */
export const TARGET_HEAD_SIZE = 16;

/** What a bench connection asks the target for. */
export type TargetMode = "echo" | "sink" | "source";

const MODE_BYTES: Record<TargetMode, number> = { echo: 0x45, sink: 0x53, source: 0x52 };

/** The 16-byte head that starts a connection in `mode`. */
export function targetHead(mode: TargetMode, arg = 0, limit = 0): Buffer {
  const head = Buffer.alloc(TARGET_HEAD_SIZE);
  head[0] = MODE_BYTES[mode];
  head.writeUInt32BE(arg, 4);
  head.writeBigUInt64BE(BigInt(limit), 8);
  return head;
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  socket.on("error", () => socket.destroy());
  let head = Buffer.alloc(0);
  const onHead = (bytes: Buffer): void => {
    head = Buffer.concat([head, bytes]);
    if (head.length < TARGET_HEAD_SIZE) return;
    socket.off("data", onHead);
    const mode = head[0];
    const arg = head.readUInt32BE(4);
    const limit = Number(head.readBigUInt64BE(8));
    const rest = head.subarray(TARGET_HEAD_SIZE);
    if (mode === MODE_BYTES.echo) echo(socket, rest);
    else if (mode === MODE_BYTES.sink) sink(socket, rest, Math.max(1, arg));
    else if (mode === MODE_BYTES.source) source(socket, Math.max(1, arg), limit);
    else socket.destroy();
  };
  socket.on("data", onHead);
}

function echo(socket: Socket, first: Buffer): void {
  if (first.length > 0) socket.write(first);
  socket.on("data", (bytes: Buffer) => {
    if (!socket.write(bytes)) socket.pause();
  });
  socket.on("drain", () => socket.resume());
  socket.on("end", () => socket.end());
}

function sink(socket: Socket, first: Buffer, every: number): void {
  const ack = Buffer.from([0x4b]);
  let counted = 0;
  const take = (n: number): void => {
    counted += n;
    while (counted >= every) {
      counted -= every;
      socket.write(ack);
    }
  };
  take(first.length);
  socket.on("data", (bytes: Buffer) => take(bytes.length));
  socket.on("end", () => socket.end());
}

function source(socket: Socket, size: number, limit: number): void {
  const chunk = Buffer.alloc(size, 0x5a);
  let written = 0;
  const pump = (): void => {
    while (written < limit && !socket.destroyed) {
      const n = Math.min(size, limit - written);
      written += n;
      if (!socket.write(n === size ? chunk : chunk.subarray(0, n))) return;
    }
    if (written >= limit) socket.end();
  };
  socket.on("drain", pump);
  socket.on("data", () => undefined);
  pump();
}

/** Run as `node bridge-target.js --child` by the bench (fork, with IPC). */
if (process.argv[2] === "--child") {
  const server = createServer({ allowHalfOpen: true }, serve);
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.send?.({ port: typeof address === "object" && address !== null ? address.port : 0 });
  });
  process.on("message", () => process.exit(0));
  process.on("disconnect", () => process.exit(0));
}
