/**
 * The reads lane of a stream cut into very many reads (1-byte reads on 4 KiB):
 * read boundaries merged into equal slices of the stream, each drawn as one
 * tick whose density says how many reads start there. Pure.
 */

/** Above this many reads the lane always merges read boundaries into ticks instead of one box per read. */
export const READ_BOXES_MAX = 2000;

/** Width of one merged tick in px. */
export const TICK_PX = 2;

/**
 * True when `reads` boxes on a lane `trackPx` wide would average less than one
 * tick ({@link TICK_PX}) each, or there are more than {@link READ_BOXES_MAX}:
 * then the lane draws merged ticks.
 */
export function mergesReads(reads: number, trackPx: number): boolean {
  return reads > Math.min(READ_BOXES_MAX, trackPx / TICK_PX);
}

/**
 * One slice of the stream [start, end) with `count` read starts; `density` is
 * its reads per byte over the busiest slice's (1 for the busiest; equal slices
 * of 1-byte reads are all 1).
 */
export interface ReadTick {
  readonly start: number;
  readonly end: number;
  readonly count: number;
  readonly density: number;
}

/**
 * Merges the read starts `starts` (stream offsets) of a `total`-byte stream into
 * `slices` equal slices (at most one per byte) and returns the slices that hold
 * at least one, in stream order.
 */
export function mergeReadStarts(
  starts: readonly number[],
  total: number,
  slices: number,
): ReadTick[] {
  const n = Math.max(1, Math.min(Math.floor(slices), total));
  const counts = new Array<number>(n).fill(0);
  // Slice i holds the offsets s with floor(s * n / total) === i.
  const sliceEnd = (i: number): number => Math.ceil(((i + 1) * total) / n);
  for (const s of starts) {
    if (s < 0 || s >= total) continue;
    const i = Math.min(n - 1, Math.floor((s * n) / total));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const perByte = counts.map((count, i) => count / Math.max(1, sliceEnd(i) - sliceEnd(i - 1)));
  const busiest = perByte.reduce((m, d) => Math.max(m, d), 0);
  const out: ReadTick[] = [];
  counts.forEach((count, i) => {
    if (count > 0)
      out.push({
        start: sliceEnd(i - 1),
        end: sliceEnd(i),
        count,
        density: (perByte[i] ?? 0) / busiest,
      });
  });
  return out;
}
