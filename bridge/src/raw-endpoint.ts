import type { RawData, WebSocket } from "ws";
import type { BridgeContext } from "./bridge-context.js";
import { PageSocket, rawToBuffer } from "./page-socket.js";
import { READ_HEADROOM } from "./read-buffers.js";
import type { HostPort } from "./targets.js";
import { TcpLink } from "./tcp-link.js";

/** The WebSocket subprotocol websockify clients offer for binary mode. */
export const RAW_SUBPROTOCOL = "binary";

/**
 * websockify-compatible `/raw`: one TCP connection per WebSocket; each message
 * is written to the target as is and each TCP read is sent back as one binary
 * message. When the target ends, everything read is delivered before the
 * WebSocket closes (1000); a failed connection closes it with 1011 and the
 * error code as reason. Recorded like any connection: the WebSocket is not read
 * while the target's write buffer or the capture is full.
 */
export function startRaw(ws: WebSocket, ctx: BridgeContext, target: HostPort): void {
  let link: TcpLink | undefined = undefined;
  const page = new PageSocket(
    ws,
    ctx.limits.highWaterMark,
    () => link?.pause(),
    () => link?.resume(),
  );
  const closeWs = (code: number, reason: string): void => {
    if (ws.readyState === ws.OPEN) ws.close(code, reason.slice(0, 120));
  };
  let linkFull = false;
  const readWs = (): void => {
    if (linkFull || ctx.recorder.full) ws.pause();
    else ws.resume();
  };
  link = new TcpLink(ctx, target, {
    opened: () => undefined,
    data: (_l, read, _time, owner) => page.sendBinary(read.subarray(READ_HEADROOM), owner),
    fin: (_l, dir) => {
      if (dir === "s2c") closeWs(1000, "target closed");
    },
    error: (_l, code, message) => closeWs(1011, `${code} ${message}`),
    closed: () => closeWs(1000, "target closed"),
    writable: (_l, full) => {
      linkFull = full;
      readWs();
    },
  });
  const unwatch = ctx.recorder.watch(readWs);
  if (ctx.recorder.full) readWs();
  const l = link;
  ws.on("message", (data: RawData) => {
    const bytes = rawToBuffer(data);
    if (bytes.length > 0 && l.writable) l.write(bytes);
  });
  ws.on("close", () => {
    unwatch();
    l.close("session", true);
  });
}
