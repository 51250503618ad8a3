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

/**
 * Why the writes cannot go to the bridge, or undefined when they can: one write
 * travels as one WebSocket message, and the bridge closes the page's link on a
 * message over its limit (`max`: the most bytes a write may carry; undefined
 * while the bridge is not connected; `maxWrites`: the most writes a send may have).
 */
export function writeLimitError(
  writes: readonly Uint8Array[],
  max: number | undefined,
  maxWrites: number,
): string | undefined {
  if (max === undefined) return undefined;
  const largest = writes.reduce((n, w) => Math.max(n, w.length), 0);
  if (largest <= max) return undefined;
  const total = writes.reduce((n, w) => n + w.length, 0);
  const need = Math.ceil(total / max);
  const fix =
    need <= maxWrites
      ? `split it over ${need} writes or more`
      : `a send holds at most ${maxWrites * max} B`;
  return `a write of ${largest} B is over the bridge's limit of ${max} B per write (its --max-message): ${fix}`;
}
