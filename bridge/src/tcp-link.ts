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
/**
 * While a link is full, a send smaller than this is copied onto the end of the
 * one before it (up to MERGE_MAX): many small sends are held as few buffers,
 * so what the queue costs stays close to the bytes it counts.
 */
const MERGE_BELOW = 4 * 1024;
const MERGE_MAX = 64 * 1024;
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
  /**
   * Only when given: `bytes` of the owner's writes, counted from the start,
   * have been handed to the target's socket (the kernel has them). Called at
   * most once per turn of the event loop, and never after `closed`.
   */
  written?(link: TcpLink, bytes: number): void;
}

/** Writes held by a link while its socket is full: `bytes.subarray(0, used)` waits. */
interface Held {
  bytes: Buffer;
  used: number;
}

/**
 * One TCP connection from the bridge to a target, opened on behalf of a page:
 * every read and write is recorded with its time, half-close is kept, errors
 * and timeouts become events, and the owner is told when to apply backpressure.
 * Reading from the target pauses while the owner asks or the capture is full.
 *
 * Writes never wait: while the socket is full they are held by the link, in
 * order, up to TARGET_WRITE_HIGH_WATER + `limits.maxLinkQueue` bytes; a write
 * past that ends the connection with TARGET_NOT_READING rather than hold more.
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
  /** Writes waiting for the socket to drain, from `heldStart` on (earlier ones were handed over). */
  private held: (Held | undefined)[] = [];
  private heldStart = 0;
  private heldBytes = 0;
  /** Bytes of every write accepted so far (held, in the socket, or written). */
  private accepted = 0;
  /** The last count given to `sink.written`. */
  private reportedWritten = 0;
  private writtenPending = false;
  private readonly onWriteDone: (() => void) | undefined;
  /** The write side is to be shut down once the held writes are out (`end`, or a flushing `close`). */
  private ending = false;
  private gone = false;
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
    this.onWriteDone =
      sink.written === undefined
        ? undefined
        : () => {
            if (this.writtenPending) return;
            this.writtenPending = true;
            setImmediate(() => this.reportWritten());
          };
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
    socket.on("drain", () => this.flushHeld());
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

  /** False once the page's write side was shut down (or is about to be) or the socket is gone. */
  get writable(): boolean {
    return !this.ending && !this.socket.writableEnded && !this.socket.destroyed;
  }

  /** Bytes written by the owner that the target's socket has not taken yet: held by the link or in the socket's buffer. */
  get queued(): number {
    return this.socket.destroyed ? 0 : this.heldBytes + this.socket.writableLength;
  }

  /** The most `queued` may reach: the socket's own buffer and `limits.maxLinkQueue` over it. */
  get maxQueued(): number {
    return TARGET_WRITE_HIGH_WATER + this.ctx.limits.maxLinkQueue;
  }

  /**
   * Writes one page send (recorded as a `c2s` chunk) and returns its time; queued while connecting,
   * and held by the link while the socket is full. Sends made in the same turn of the event loop
   * (a WebSocket read that held several messages) leave in one writev: the socket is corked until
   * the next tick. A send that would take `queued` past `maxQueued` is not written: the connection
   * ends with TARGET_NOT_READING and the result is undefined.
   */
  write(bytes: Buffer): number | undefined {
    const queued = this.queued;
    if (queued + bytes.length > this.maxQueued) {
      this.abort(
        "TARGET_NOT_READING",
        `the target is not reading: ${queued + bytes.length} bytes could not be written ` +
          `(${queued} were waiting for it; a connection holds at most ${this.maxQueued})`,
      );
      return undefined;
    }
    const time = nowMicros();
    this.ctx.recorder.chunk(this.id, "c2s", time, bytes);
    this.accepted += bytes.length;
    if (this.full) {
      this.hold(bytes);
      return time;
    }
    if (!this.corked && this.opened) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    if (!this.socket.write(bytes, this.onWriteDone)) this.setFull(true);
    return time;
  }

  /** Half-close: shuts down the write side once queued writes are flushed; reading goes on. */
  end(): void {
    if (!this.writable) return;
    this.ending = true;
    if (this.heldBytes === 0) this.socket.end();
  }

  /** Closes the connection; with `flush`, queued writes go out first (for at most CLOSE_GRACE_MS). */
  close(reason: CloseReason, flush: boolean): void {
    this.reason ??= reason;
    if (this.socket.destroyed) return;
    if (!flush || !this.opened || this.queued === 0) {
      this.destroy();
      return;
    }
    this.end();
    this.socket.once("finish", () => this.destroy());
    // Bytes still queued after the grace are cut off: a reset tells the target the stream did not end well.
    this.graceTimer ??= setTimeout(() => this.destroy(this.queued > 0), CLOSE_GRACE_MS);
  }

  /**
   * Ends the connection with an error of the bridge's own, reported like a
   * socket error (`error`, then `closed` with reason `error`); what is queued is
   * dropped and the target gets a reset, not a FIN: its stream was cut off.
   */
  abort(code: BridgeErrorCode, message: string): void {
    if (this.socket.destroyed) return;
    const time = nowMicros();
    this.errored = true;
    if (this.opened) this.reason ??= "error";
    this.ctx.recorder.event(this.id, { type: "error", conn: this.id, code, message, time });
    this.sink.error(this, code, message, time, this.opened);
    this.destroy(true);
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
    // Everything was written before a clean close: the last count is owed before `closed`.
    if (this.opened && this.socket.writableFinished) this.reportWritten(this.accepted);
    this.gone = true;
    this.dropHeld();
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

  /** Drops what is held and destroys the socket; with `reset`, an open connection is reset (RST). */
  private destroy(reset = false): void {
    this.dropHeld();
    if (reset && this.opened) this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  /** Keeps a write for later, in order; small ones are merged into the one before. */
  private hold(bytes: Buffer): void {
    this.heldBytes += bytes.length;
    const last = this.held.length > this.heldStart ? this.held[this.held.length - 1] : undefined;
    if (last !== undefined && bytes.length < MERGE_BELOW && last.used + bytes.length <= MERGE_MAX) {
      if (last.used + bytes.length > last.bytes.length) {
        const size = Math.max(2 * last.used, last.used + bytes.length, MERGE_BELOW);
        const grown = Buffer.allocUnsafeSlow(Math.min(MERGE_MAX, size));
        last.bytes.copy(grown, 0, 0, last.used);
        last.bytes = grown;
      }
      bytes.copy(last.bytes, last.used);
      last.used += bytes.length;
      return;
    }
    // A send that is a small part of a larger buffer (one WebSocket read) would keep all of it alive.
    let own = bytes;
    if (bytes.length * 2 < bytes.buffer.byteLength) {
      own = Buffer.allocUnsafeSlow(bytes.length);
      bytes.copy(own);
    }
    this.held.push({ bytes: own, used: own.length });
  }

  /** The socket drained: hands it held writes until it is full again, then ends the write side if asked. */
  private flushHeld(): void {
    if (this.socket.destroyed) return;
    if (this.heldBytes > 0) {
      this.socket.cork();
      let room = true;
      while (room && this.heldStart < this.held.length) {
        const h = this.held[this.heldStart];
        this.held[this.heldStart++] = undefined;
        if (h === undefined) continue;
        this.heldBytes -= h.used;
        room = this.socket.write(h.bytes.subarray(0, h.used), this.onWriteDone);
      }
      this.socket.uncork();
      if (this.heldStart === this.held.length) {
        this.held = [];
        this.heldStart = 0;
      } else if (this.heldStart > 1024 && this.heldStart * 2 > this.held.length) {
        this.held = this.held.slice(this.heldStart);
        this.heldStart = 0;
      }
      if (!room || this.heldBytes > 0) return;
    }
    if (this.ending && !this.socket.writableEnded) this.socket.end();
    this.setFull(false);
  }

  private dropHeld(): void {
    this.held = [];
    this.heldStart = 0;
    this.heldBytes = 0;
  }

  /** Tells the sink how much of what was accepted the socket has taken, if that changed. */
  private reportWritten(final?: number): void {
    this.writtenPending = false;
    if (this.sink.written === undefined || this.gone) return;
    if (final === undefined && this.socket.destroyed) return;
    const written = final ?? this.accepted - this.heldBytes - this.socket.writableLength;
    if (written === this.reportedWritten) return;
    this.reportedWritten = written;
    this.sink.written(this, written);
  }

  private setFull(full: boolean): void {
    if (this.full === full) return;
    this.full = full;
    this.sink.writable(this, full);
  }
}
