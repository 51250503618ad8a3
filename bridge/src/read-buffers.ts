import { CHUNK_HEAD_SIZE } from "../../web/src/session/bridge-protocol.js";

/** Free bytes in front of every read: room for the chunk head of the page message it becomes. */
export const READ_HEADROOM = CHUNK_HEAD_SIZE;
/** Smallest read buffer (bytes after the headroom): 16 KiB. */
export const MIN_READ = 16 * 1024;
/**
 * Largest read buffer: 1 MiB, so a busy stream is read in few, large chunks
 * (fewer messages and records per byte: measured cheaper than 256 KiB, for the
 * bridge and for the page's WebSocket alike).
 */
export const MAX_READ = 1024 * 1024;
/** Bytes of released read buffers kept for reuse, over all sockets: 16 MiB. */
export const POOL_BYTES = 16 * 1024 * 1024;

/**
 * What keeps a buffer from being reused: whoever keeps the buffer past the
 * call that handed it over calls `hold()`, and the function it returns once
 * done with it (written to a socket or a file, or dropped).
 */
export interface BufferHold {
  hold(): () => void;
}

/** For buffers nobody reuses: holding them is free. */

function letGoOfNothing(): void {
  // Nothing to give back.
}

/**
 * Released read buffers, by size, shared by every socket; at most POOL_BYTES.
 * Reusing them spares the allocator and the garbage collector a megabyte
 * buffer per read (most of all while captures keep reads until written).
 */
class ReadPool {
  private readonly free = new Map<number, Buffer[]>();
  private bytes = 0;

  get(size: number): Buffer {
    const list = this.free.get(size);
    const buffer = list?.pop();
    if (buffer === undefined) return Buffer.allocUnsafeSlow(size);
    this.bytes -= size;
    return buffer;
  }

  put(buffer: Buffer): void {
    if (this.bytes + buffer.length > POOL_BYTES) return;
    const list = this.free.get(buffer.length);
    if (list === undefined) this.free.set(buffer.length, [buffer]);
    else list.push(buffer);
    this.bytes += buffer.length;
  }
}

const pool = new ReadPool();

/**
 * One read handed out by ReadBuffers: `bytes` (the headroom, then the bytes
 * read). Its buffer goes back to the pool once the taker called `done()` and
 * every `hold()` was let go of; a read that was copied is never reused.
 */
export class PooledRead implements BufferHold {
  private holders = 1;

  constructor(
    readonly bytes: Buffer,
    /** The whole pooled buffer, or null for a copy. */
    private readonly whole: Buffer | null,
  ) {}

  hold(): () => void {
    if (this.whole === null) return letGoOfNothing;
    this.holders++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.letGo();
    };
  }

  /** The taker is done: call once, after handing the read on. */
  done(): void {
    if (this.whole !== null) this.letGo();
  }

  private letGo(): void {
    if (--this.holders === 0 && this.whole !== null) pool.put(this.whole);
  }
}

/**
 * The buffers one socket reads into (Node's `onread` option), each with
 * READ_HEADROOM free bytes in front of the bytes read, so that a read becomes a
 * page message (chunk head, then the bytes) without being copied.
 *
 * ```
 *  0                16                       16 + n            16 + size
 * +-----------------+------------------------+-------------------+
 * | headroom (free) | the read: n bytes      | unused            |
 * +-----------------+------------------------+-------------------+
 * ```
 * The size adapts to the traffic: doubled after a read that filled the buffer
 * (up to MAX_READ), halved after one that used less than a quarter (down to
 * MIN_READ). A read of at least half the buffer keeps it, and the next read
 * goes into another (from the pool of released ones); a smaller read is copied
 * out into a buffer of its own size and the buffer is read into again. So a
 * read never holds on to more than about twice its size, and an idle socket
 * holds one buffer.
 */
export class ReadBuffers {
  private size = MIN_READ;
  private current: Buffer = pool.get(READ_HEADROOM + MIN_READ);
  private target: Buffer = this.current.subarray(READ_HEADROOM);

  /** Where the next read goes (for `onread.buffer`, which Node calls after each read). */
  readonly next = (): Buffer => this.target;

  /**
   * The read of `n` bytes that just went into `next()`: READ_HEADROOM + n
   * bytes, the headroom free, then the bytes read. Call once per read, then
   * `done()` on the result once it is handed on.
   */
  take(n: number): PooledRead {
    if (n >= this.size / 2) {
      const whole = this.current;
      if (n >= this.size) this.size = Math.min(this.size * 2, MAX_READ);
      this.replace();
      return new PooledRead(whole.subarray(0, READ_HEADROOM + n), whole);
    }
    const copy = Buffer.allocUnsafe(READ_HEADROOM + n);
    this.current.copy(copy, READ_HEADROOM, READ_HEADROOM, READ_HEADROOM + n);
    if (n < this.size / 4 && this.size > MIN_READ) {
      this.size = Math.max(this.size / 2, MIN_READ);
      pool.put(this.current);
      this.replace();
    }
    return new PooledRead(copy, null);
  }

  private replace(): void {
    this.current = pool.get(READ_HEADROOM + this.size);
    this.target = this.current.subarray(READ_HEADROOM);
  }
}
