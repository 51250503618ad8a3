import {
  connect,
  createServer,
  type AddressInfo,
  type NetConnectOpts,
  type Server,
  type Socket,
} from "node:net";
import type { CloseReason, Direction, TapInfo } from "../../web/src/session/bridge-protocol.js";
import { socketErrorCode, timeoutError, type BridgeContext } from "./bridge-context.js";
import type { TapOption } from "./bridge-options.js";
import { nowMicros } from "./clock.js";
import { formatHostPort, parseHostPort, type HostPort } from "./targets.js";

/** A listening tap. */
export interface RunningTap {
  readonly info: TapInfo;
  /** Stops listening and closes the tapped connections (reason `shutdown`). */
  close(): Promise<void>;
}

/**
 * Starts every tap: each listens on its address and forwards every client to
 * its target, recording both directions to the capture. Forwarding runs at the
 * pair's own pace (each side waits for the other, never for pages), and waits
 * for the disk only while the capture is full. Throws when an address is
 * malformed or cannot be bound.
 */
export async function startTaps(
  ctx: BridgeContext,
  options: readonly TapOption[],
): Promise<RunningTap[]> {
  const taps: RunningTap[] = [];
  try {
    for (const o of options) taps.push(await startTap(ctx, o));
  } catch (err) {
    await Promise.all(taps.map((t) => t.close()));
    throw err;
  }
  return taps;
}

/** Parses `--tap LISTEN=TARGET`; null when malformed. A listen port of 0 picks a free port. */
export function parseTapOption(text: string): TapOption | null {
  const at = text.indexOf("=");
  if (at < 0) return null;
  const listen = text.slice(0, at);
  const target = text.slice(at + 1);
  return parseListen(listen) !== null && parseHostPort(target) !== null ? { listen, target } : null;
}

function parseListen(text: string): HostPort | null {
  const zero = /:0$/.test(text);
  const r = parseHostPort(zero ? text.replace(/:0$/, ":1") : text);
  return r === null ? null : { host: r.host, port: zero ? 0 : r.port };
}

async function startTap(ctx: BridgeContext, option: TapOption): Promise<RunningTap> {
  const listen = parseListen(option.listen);
  const target = parseHostPort(option.target);
  if (listen === null || target === null)
    throw new RangeError(
      `--tap needs LISTEN=TARGET as host:port=host:port, got ${option.listen}=${option.target}`,
    );
  const pairs = new Set<TappedPair>();
  const server = createServer(
    { allowHalfOpen: true, pauseOnConnect: true, noDelay: true },
    (client) => {
      if (ctx.openConnections >= ctx.limits.maxConnections) {
        client.on("error", (err) =>
          ctx.log(`framescope: tap ${option.listen}: refused client: ${err.message}`),
        );
        client.destroy();
        return;
      }
      const pair = new TappedPair(ctx, info, target, client, () => pairs.delete(pair));
      pairs.add(pair);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => ctx.log(`framescope: tap ${option.listen}: ${err.message}`));
  const bound = server.address() as AddressInfo;
  const listenText = formatHostPort(listen.host, bound.port);
  const info: TapInfo = {
    name: option.name ?? listenText,
    listen: listenText,
    target: option.target,
  };
  return {
    info,
    close: () => closeTap(server, pairs),
  };
}

function closeTap(server: Server, pairs: Set<TappedPair>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const p of pairs) p.close("shutdown");
  });
}

/** One tapped client and its connection to the target, forwarded both ways and recorded. */
class TappedPair {
  private readonly id: number;
  private readonly upstream: Socket;
  private opened = false;
  private reason: CloseReason | undefined;
  private open = 2;
  private readonly connectTimer: NodeJS.Timeout;
  /** Per direction: the receiving side's write buffer is full, so the sending side is not read. */
  private readonly blocked = { c2s: false, s2c: false };
  /** The capture is full: neither side is read. */
  private diskFull: boolean;
  private readonly unwatch: () => void;

  constructor(
    private readonly ctx: BridgeContext,
    private readonly tap: TapInfo,
    target: HostPort,
    private readonly client: Socket,
    private readonly onDone: () => void,
  ) {
    this.id = ctx.nextConnId();
    ctx.openConnections++;
    const options: NetConnectOpts = {
      host: target.host,
      port: target.port,
      allowHalfOpen: true,
      noDelay: true,
      ...(ctx.lookup === undefined ? {} : { lookup: ctx.lookup }),
    };
    const upstream = connect(options);
    this.upstream = upstream;
    const ms = ctx.limits.connectTimeoutMs;
    this.connectTimer = setTimeout(() => upstream.destroy(timeoutError(tap.target, ms)), ms);
    client.on("error", (err) => this.onError(err, "client"));
    upstream.on("error", (err) => this.onError(err, "target"));
    upstream.on("connect", () => this.onConnect());
    this.forward(client, upstream, "c2s");
    this.forward(upstream, client, "s2c");
    for (const s of [client, upstream]) s.on("close", () => this.onSocketClose());
    this.diskFull = ctx.recorder.full;
    this.unwatch = ctx.recorder.watch((full) => {
      this.diskFull = full;
      this.applyReading();
    });
    if (this.diskFull) this.applyReading();
  }

  close(reason: CloseReason): void {
    this.reason ??= reason;
    this.client.destroy();
    this.upstream.destroy();
  }

  private forward(from: Socket, to: Socket, dir: Direction): void {
    from.on("data", (bytes: Buffer) => {
      this.ctx.recorder.chunk(this.id, dir, nowMicros(), bytes);
      if (!to.destroyed && !to.write(bytes)) {
        this.blocked[dir] = true;
        this.applyReading();
      }
    });
    to.on("drain", () => {
      this.blocked[dir] = false;
      this.applyReading();
    });
    from.on("end", () => {
      this.ctx.recorder.event(this.id, { type: "fin", conn: this.id, dir, time: nowMicros() });
      if (!to.destroyed) to.end();
    });
  }

  private onConnect(): void {
    clearTimeout(this.connectTimer);
    this.opened = true;
    const { upstream, client } = this;
    // No idle timeout: a tap must not change the pair it watches (idle pools and
    // subscriptions stay open as long as the client and the server keep them).
    this.ctx.recorder.event(this.id, {
      type: "opened",
      conn: this.id,
      source: "tap",
      tap: this.tap.name,
      target: this.tap.target,
      local: { address: upstream.localAddress ?? "", port: upstream.localPort ?? 0 },
      remote: { address: upstream.remoteAddress ?? "", port: upstream.remotePort ?? 0 },
      client: { address: client.remoteAddress ?? "", port: client.remotePort ?? 0 },
      time: nowMicros(),
    });
    this.applyReading();
  }

  /**
   * Reads a side only while the other can take its bytes and the capture is
   * not full; the client (accepted paused) only once the target is connected.
   */
  private applyReading(): void {
    const readClient = this.opened && !this.blocked.c2s && !this.diskFull;
    const readUpstream = !this.blocked.s2c && !this.diskFull;
    if (readClient) this.client.resume();
    else this.client.pause();
    if (readUpstream) this.upstream.resume();
    else this.upstream.pause();
  }

  private onError(err: Error, side: "client" | "target"): void {
    const code = socketErrorCode(err);
    const errno = (err as NodeJS.ErrnoException).code ?? "error";
    const message = `${side}: ${code === "SOCKET_ERROR" ? `${errno}: ` : ""}${err.message}`;
    this.ctx.recorder.event(this.id, {
      type: "error",
      conn: this.id,
      code,
      message,
      time: nowMicros(),
    });
    this.close("error");
  }

  private onSocketClose(): void {
    if (--this.open > 0) {
      // One side is gone for good: nothing more can be forwarded to or from it.
      if (this.client.destroyed && !this.upstream.writableEnded) this.upstream.end();
      if (this.upstream.destroyed && !this.client.writableEnded) this.client.end();
      return;
    }
    clearTimeout(this.connectTimer);
    this.ctx.openConnections--;
    this.unwatch();
    if (this.opened) {
      const reason = this.reason ?? "ended";
      this.ctx.recorder.event(this.id, {
        type: "closed",
        conn: this.id,
        reason,
        time: nowMicros(),
      });
    }
    this.onDone();
  }
}
