/**
 * How many frames a stream has, in a few words for the conversation list and
 * the connection bar. While a large backlog (an opened capture, a reframe) is
 * still being cut, a count of 0 would read as "no frames"; the words say how far
 * framing got instead.
 */

/** Bytes the decode worker may be behind the bytes received before the words say "framing". */
export const FRAMING_LAG_SHOWN = 1024 * 1024;

/** "12 fr", or "framing 40%" while more than FRAMING_LAG_SHOWN bytes wait to be framed. */
export function framesText(frames: number, framed: number, received: number): string {
  if (received - framed <= FRAMING_LAG_SHOWN) return `${frames} fr`;
  return `framing ${Math.floor((Math.max(0, framed) / received) * 100)}%`;
}
