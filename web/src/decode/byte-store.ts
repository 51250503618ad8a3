/**
 * The bytes of one stream, kept as the chunks that delivered them (never
 * merged or split), addressable by absolute stream offset. `discardBefore`
 * lets a reader that only looks forward keep memory bounded.
 */
export class ByteStore {
  private chunks: Uint8Array[] = [];
  private starts: number[] = [];
  private first = 0;
  /** Absolute offset of the first byte still held. */
  heldFrom = 0;
  /** Total bytes appended (the stream's length). */
  length = 0;

  append(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.starts.push(this.length);
    this.length += chunk.length;
  }

  /** The bytes [start, end); a view when they lie in one chunk, else a copy. */
  slice(start: number, end: number): Uint8Array {
    if (start < this.heldFrom || end > this.length || start > end) {
      throw new RangeError(
        `bytes [${start}, ${end}) are not held (held: [${this.heldFrom}, ${this.length}))`,
      );
    }
    if (start === end) return new Uint8Array(0);
    let k = this.indexOf(start);
    const c = this.chunks[k] ?? new Uint8Array(0);
    const cs = this.starts[k] ?? 0;
    if (end <= cs + c.length) return c.subarray(start - cs, end - cs);
    const out = new Uint8Array(end - start);
    let at = 0;
    let pos = start;
    while (pos < end) {
      const chunk = this.chunks[k] ?? new Uint8Array(0);
      const s = this.starts[k] ?? 0;
      const from = pos - s;
      const to = Math.min(chunk.length, end - s);
      out.set(chunk.subarray(from, to), at);
      at += to - from;
      pos += to - from;
      k++;
    }
    return out;
  }

  /** Forgets whole chunks that end at or before `offset`. */
  discardBefore(offset: number): void {
    while (this.first < this.chunks.length) {
      const c = this.chunks[this.first] ?? new Uint8Array(0);
      const s = this.starts[this.first] ?? 0;
      if (s + c.length > offset) break;
      this.chunks[this.first] = new Uint8Array(0);
      this.first++;
      this.heldFrom = s + c.length;
    }
    if (this.first > 1024 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.starts = this.starts.slice(this.first);
      this.first = 0;
    }
  }

  /** Index of the chunk holding `offset` (binary search over chunk starts). */
  private indexOf(offset: number): number {
    let lo = this.first;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
