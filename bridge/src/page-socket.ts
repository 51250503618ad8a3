import type { RawData, WebSocket } from "ws";
import {
  CHUNK_HEAD_SIZE,
  writeChunkHead,
  type ChunkHead,
  type ServerMessage,
} from "../../web/src/session/bridge-protocol.js";
import type { BufferHold } from "./read-buffers.js";

/**
 * The bridge's sending side of one page WebSocket with backpressure: once more
 * than `highWaterMark` bytes are queued towards the page, `onHigh` runs (the
 * owner pauses its TCP reads) until the queue falls below a quarter of it, then
 * `onLow` runs and `drained()` promises resolve.
 */
export class PageSocket {
  private high = false;
  private waiters: (() => void)[] = [];
  private readonly afterSend = (): void => this.checkLow();

  constructor(
    readonly ws: WebSocket,
    private readonly highWaterMark: number,
    private readonly onHigh: () => void,
    private readonly onLow: () => void,
  ) {
    ws.on("close", () => this.release());
  }

  /** True while the WebSocket is open. */
  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** True while the page is behind (more than the high water mark queued). */
  get behind(): boolean {
    return this.high;
  }

  /** Sends one control message as a JSON text frame. */
  sendControl(message: ServerMessage): void {
    if (this.open) this.sendRaw(JSON.stringify(message), false);
  }

  /** Sends one chunk as a binary frame: the 16-byte head, then the bytes (one copy). */
  sendChunk(head: ChunkHead, bytes: Uint8Array): void {
    if (!this.open) return;
    const out = Buffer.allocUnsafe(CHUNK_HEAD_SIZE + bytes.length);
    writeChunkHead(out, 0, head);
    out.set(bytes, CHUNK_HEAD_SIZE);
    this.sendRaw(out, true);
  }

  /**
   * Sends one chunk whose bytes follow CHUNK_HEAD_SIZE free bytes in `message`
   * (a TcpLink read, or a page send being echoed): the head is written there, nothing is copied.
   */
  sendFramedChunk(head: ChunkHead, message: Buffer, owner?: BufferHold): void {
    if (!this.open) return;
    writeChunkHead(message, 0, head);
    this.sendRaw(message, true, owner?.hold());
  }

  /** Sends bytes as they are (for /raw); `owner` is held until they are written. */
  sendBinary(bytes: Buffer, owner?: BufferHold): void {
    if (this.open) this.sendRaw(bytes, true, owner?.hold());
  }

  /** Resolves once the page has caught up (or the socket closed). */
  drained(): Promise<void> {
    if (!this.high || !this.open) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends one message; `written` runs once ws is done with `data` (written, or failed). */
  private sendRaw(data: string | Buffer, binary: boolean, written?: () => void): void {
    const crossing = !this.high && this.ws.bufferedAmount + data.length > this.highWaterMark;
    const watch = this.high || crossing;
    if (written !== undefined) {
      this.ws.send(
        data,
        { binary },
        watch
          ? () => {
              written();
              this.checkLow();
            }
          : written,
      );
    } else if (watch) {
      this.ws.send(data, { binary }, this.afterSend);
    } else {
      this.ws.send(data, { binary });
    }
    if (crossing) {
      this.high = true;
      this.onHigh();
    }
  }

  private checkLow(): void {
    if (this.high && this.ws.bufferedAmount <= this.highWaterMark / 4) this.release();
  }

  private release(): void {
    if (!this.high) return;
    this.high = false;
    this.onLow();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** A received WebSocket message as one Buffer, without copying when it already is one. */
export function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
