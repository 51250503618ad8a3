import { connect, type NetConnectOpts, type Socket } from "node:net";
import type {
  BridgeErrorCode,
  CloseReason,
  Direction,
  Endpoint,
} from "../../web/src/session/bridge-protocol.js";
import { socketErrorCode, timeoutError, type BridgeContext } from "./bridge-context.js";
import { nowMicros } from "./clock.js";
import { READ_HEADROOM, ReadBuffers, type BufferHold } from "./read-buffers.js";
import { formatHostPort, type HostPort } from "./targets.js";

/** Bytes a target socket buffers for writing before the link reports it full. */
export const TARGET_WRITE_HIGH_WATER = 256 * 1024;
/** After a `close` with writes still queued, the socket is destroyed at the latest after this long (ms). */
export const CLOSE_GRACE_MS = 5000;

/** What a link tells its owner (a session or a /raw socket); every call comes after the capture got it. */
export interface LinkSink {
  opened(link: TcpLink, local: Endpoint, remote: Endpoint, time: number): void;
  /**
   * One TCP read from the target: READ_HEADROOM free bytes (the owner may
   * write a chunk head there), then the bytes read. To keep `read` past the
   * call (a WebSocket send), hold `owner` until done: the buffer is reused after.
   */
  data(link: TcpLink, read: Buffer, time: number, owner: BufferHold): void;
  fin(link: TcpLink, dir: Direction, time: number): void;
  /** `opened` false: the connect failed and no `closed` follows. */
  error(link: TcpLink, code: BridgeErrorCode, message: string, time: number, opened: boolean): void;
  closed(link: TcpLink, reason: CloseReason, time: number): void;
  /** The target's write buffer filled up (`full` true) or drained. */
  writable(link: TcpLink, full: boolean): void;
}

/**
 * One TCP connection from the bridge to a target, opened on behalf of a page:
 * every read and write is recorded with its time, half-close is kept, errors
 * and timeouts become events, and the owner is told when to apply backpressure.
 * Reading from the target pauses while the owner asks or the capture is full.
 */
export class TcpLink {
  readonly id: number;
  readonly target: string;
  private readonly socket: Socket;
  private opened = false;
  /** An error was reported: no other answer is owed for a connect that failed. */
  private errored = false;
  private reason: CloseReason | undefined;
  private full = false;
  /** Reading paused by the owner (its page is behind). */
  private ownerPaused = false;
  /** Reading paused because the capture queue is full. */
  private diskPaused: boolean;
  private readonly unwatch: () => void;
  private readonly connectTimer: NodeJS.Timeout;
  private graceTimer: NodeJS.Timeout | undefined;
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(
    private readonly ctx: BridgeContext,
    target: HostPort,
    private readonly sink: LinkSink,
  ) {
    this.id = ctx.nextConnId();
    this.target = formatHostPort(target.host, target.port);
    ctx.openConnections++;
    const reads = new ReadBuffers();
    // Node's Duplex options apply to sockets too, but NetConnectOpts does not list them.
    const options: NetConnectOpts & { writableHighWaterMark: number } = {
      host: target.host,
      port: target.port,
      allowHalfOpen: true,
      noDelay: true,
      writableHighWaterMark: TARGET_WRITE_HIGH_WATER,
      // Reads go straight into buffers with room for the chunk head: no 'data' events, no copy.
      onread: {
        buffer: reads.next,
        callback: (n: number): boolean => {
          const read = reads.take(n);
          const time = nowMicros();
          ctx.recorder.chunk(this.id, "s2c", time, read.bytes.subarray(READ_HEADROOM), read);
          this.sink.data(this, read.bytes, time, read);
          read.done();
          return true;
        },
      },
      ...(ctx.lookup === undefined ? {} : { lookup: ctx.lookup }),
    };
    const socket = connect(options);
    this.socket = socket;
    const ms = ctx.limits.connectTimeoutMs;
    this.connectTimer = setTimeout(() => socket.destroy(timeoutError(this.target, ms)), ms);
    socket.on("error", (err) => this.onError(err));
    socket.on("connect", () => this.onConnect());
    socket.on("end", () => this.onFin("s2c"));
    socket.on("finish", () => {
      if (this.opened) this.onFin("c2s");
    });
    socket.on("drain", () => this.setFull(false));
    socket.on("timeout", () => this.close("idle", false));
    socket.on("close", () => this.onClose());
    this.diskPaused = ctx.recorder.full;
    this.unwatch = ctx.recorder.watch((full) => {
      this.diskPaused = full;
      this.applyReading();
    });
    if (this.diskPaused) this.applyReading();
  }

  /** True once the connection was established. */
  get isOpen(): boolean {
    return this.opened;
  }

  /** False once the page's write side was shut down or the socket is gone. */
  get writable(): boolean {
    return !this.socket.writableEnded && !this.socket.destroyed;
  }

  /**
   * Writes one page send (recorded as a `c2s` chunk) and returns its time; queued while connecting.
   * Sends made in the same turn of the event loop (a WebSocket read that held several messages)
   * leave in one writev: the socket is corked until the next tick.
   */
  write(bytes: Buffer): number {
    const time = nowMicros();
    this.ctx.recorder.chunk(this.id, "c2s", time, bytes);
    if (!this.corked && this.opened) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    if (!this.socket.write(bytes)) this.setFull(true);
    return time;
  }

  /** Half-close: shuts down the write side once queued writes are flushed; reading goes on. */
  end(): void {
    if (this.writable) this.socket.end();
  }

  /** Closes the connection; with `flush`, queued writes go out first (for at most CLOSE_GRACE_MS). */
  close(reason: CloseReason, flush: boolean): void {
    this.reason ??= reason;
    if (this.socket.destroyed) return;
    if (!flush || !this.opened || this.socket.writableLength === 0) {
      this.socket.destroy();
      return;
    }
    this.socket.end();
    this.socket.once("finish", () => this.socket.destroy());
    this.graceTimer ??= setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
  }

  /** Stops reading from the target (the page is not keeping up). */
  pause(): void {
    this.ownerPaused = true;
    this.applyReading();
  }

  /** Reads from the target again (unless the capture is full). */
  resume(): void {
    this.ownerPaused = false;
    this.applyReading();
  }

  /** Reads while neither the owner nor the capture asks for a pause. */
  private applyReading(): void {
    if (this.ownerPaused || this.diskPaused) {
      // Paused by the bridge's own backpressure: that is not idleness.
      this.socket.setTimeout(0);
      this.socket.pause();
    } else {
      if (this.opened) this.socket.setTimeout(this.ctx.limits.idleTimeoutMs);
      this.socket.resume();
    }
  }

  private onConnect(): void {
    clearTimeout(this.connectTimer);
    this.opened = true;
    this.applyReading();
    const local = { address: this.socket.localAddress ?? "", port: this.socket.localPort ?? 0 };
    const remote = { address: this.socket.remoteAddress ?? "", port: this.socket.remotePort ?? 0 };
    const time = nowMicros();
    this.ctx.recorder.event(this.id, {
      type: "opened",
      conn: this.id,
      source: "session",
      target: this.target,
      local,
      remote,
      time,
    });
    this.sink.opened(this, local, remote, time);
  }

  private onFin(dir: Direction): void {
    const time = nowMicros();
    this.ctx.recorder.event(this.id, { type: "fin", conn: this.id, dir, time });
    this.sink.fin(this, dir, time);
  }

  private onError(err: Error): void {
    const code = socketErrorCode(err);
    const message =
      code === "SOCKET_ERROR"
        ? `${(err as NodeJS.ErrnoException).code ?? "error"}: ${err.message}`
        : err.message;
    const time = nowMicros();
    this.errored = true;
    if (this.opened) this.reason ??= "error";
    this.ctx.recorder.event(this.id, { type: "error", conn: this.id, code, message, time });
    this.sink.error(this, code, message, time, this.opened);
  }

  private onClose(): void {
    clearTimeout(this.connectTimer);
    clearTimeout(this.graceTimer);
    this.ctx.openConnections--;
    this.unwatch();
    this.setFull(false);
    if (!this.opened) {
      // Closed (by the page, or a limit) before it opened: the page still gets its answer.
      if (!this.errored) {
        this.sink.error(
          this,
          "CLOSED_BEFORE_OPEN",
          "closed before the connection was open",
          nowMicros(),
          false,
        );
      }
      return;
    }
    const reason = this.reason ?? "ended";
    const time = nowMicros();
    this.ctx.recorder.event(this.id, { type: "closed", conn: this.id, reason, time });
    this.sink.closed(this, reason, time);
  }

  private setFull(full: boolean): void {
    if (this.full === full) return;
    this.full = full;
    this.sink.writable(this, full);
  }
}
