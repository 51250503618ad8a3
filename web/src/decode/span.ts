/**
 * A half-open range [start, end) of absolute stream offsets. Offsets are plain
 * numbers: 2^53 bytes is more than any capture holds.
 */
export type Span = readonly [start: number, end: number];

/** The number of bytes a span covers. */
export function spanLength(span: Span): number {
  return span[1] - span[0];
}

/** True when `inner` lies wholly inside `outer` (an empty span at an edge counts). */
export function spanContains(outer: Span, inner: Span): boolean {
  return inner[0] >= outer[0] && inner[1] <= outer[1] && inner[0] <= inner[1];
}

/** True when the span covers the stream offset `at`. */
export function spanCovers(span: Span, at: number): boolean {
  return at >= span[0] && at < span[1];
}
