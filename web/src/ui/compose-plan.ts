/**
 * How the composer writes what it built: the frame repeated `copies` times
 * back to back (coalesced in one write), then cut into `writes` pieces of
 * nearly equal size, each sent as its own write, so partial and coalesced
 * reads can be provoked on purpose.
 */

/** Sizes of `parts` nearly equal pieces of `total` bytes (larger pieces first); parts is clamped to 1..total. */
export function splitSizes(total: number, parts: number): number[] {
  if (total <= 0) return [];
  const n = Math.max(1, Math.min(Math.floor(parts), total));
  const base = Math.floor(total / n);
  const extra = total % n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

/** The writes to send: `frame` repeated `copies` times (at least 1), cut into `writes` pieces. */
export function planWrites(frame: Uint8Array, copies: number, writes: number): Uint8Array[] {
  const k = Math.max(1, Math.floor(copies));
  const all = new Uint8Array(frame.length * k);
  for (let i = 0; i < k; i++) all.set(frame, i * frame.length);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const size of splitSizes(all.length, writes)) {
    out.push(all.subarray(at, at + size));
    at += size;
  }
  return out;
}
