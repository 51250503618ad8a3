/**
 * Chunks held once for the page and its decode worker. When the page is
 * cross-origin isolated (the bridge serves it with COOP and COEP), each chunk
 * is copied into a SharedArrayBuffer block and the same bytes are posted to the
 * worker, which then shares them instead of holding a copy of its own: a
 * capture costs its bytes once, not twice. Without shared memory, chunks are
 * held as they came and the worker gets a copy (see {@link forWorker}).
 *
 * ```
 * block (4 MiB SharedArrayBuffer)
 * | chunk 1 | chunk 2 | chunk 3 | ...free...               |
 *                                ^ used
 * ```
 * A chunk larger than a quarter block gets a block of its own size, so a block
 * wastes at most a quarter of itself.
 */

/** Size of a shared block: 4 MiB. */
export const BLOCK_BYTES = 4 * 1024 * 1024;

/** Whether this context can share memory with its workers (SharedArrayBuffer and cross-origin isolation). */
export function canShareMemory(): boolean {
  return (
    typeof SharedArrayBuffer === "function" &&
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true
  );
}

/** Copies chunks into shared blocks (or, without shared memory, keeps them as they are). */
export class SharedChunks {
  private block: Uint8Array | undefined;
  private used = 0;
  /** Shared bytes allocated so far (blocks and own-size buffers). */
  allocated = 0;

  constructor(
    readonly shared = canShareMemory(),
    private readonly blockBytes = BLOCK_BYTES,
  ) {}

  /** The bytes to keep for `chunk`: a copy in shared memory, or `chunk` itself without it. */
  hold(chunk: Uint8Array): Uint8Array {
    if (!this.shared || chunk.length === 0) return chunk;
    if (chunk.length > this.blockBytes / 4) return this.copyInto(chunk.length, chunk);
    if (this.block === undefined || this.used + chunk.length > this.block.length) {
      this.block = this.allocate(this.blockBytes);
      this.used = 0;
    }
    const out = this.block.subarray(this.used, this.used + chunk.length);
    out.set(chunk);
    this.used += chunk.length;
    return out;
  }

  private copyInto(size: number, chunk: Uint8Array): Uint8Array {
    const out = this.allocate(size);
    out.set(chunk);
    return out;
  }

  private allocate(size: number): Uint8Array {
    this.allocated += size;
    return new Uint8Array(new SharedArrayBuffer(size));
  }
}

/**
 * A held chunk as it is posted to the worker: shared bytes as they are (both
 * sides then see the same memory), other bytes as a copy of their own whose
 * buffer goes in `transfer` (the page keeps its view, which may lie in a larger
 * buffer such as a WebSocket message).
 */
export function forWorker(bytes: Uint8Array, transfer: ArrayBuffer[]): Uint8Array {
  if (bytes.buffer instanceof ArrayBuffer) {
    const copy = bytes.slice();
    transfer.push(copy.buffer);
    return copy;
  }
  return bytes;
}
