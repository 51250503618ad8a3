/** performance.timeOrigin, read once (it never changes within a process). */
const ORIGIN = performance.timeOrigin;

/** Wall-clock time in whole microseconds since the Unix epoch, with sub-millisecond resolution from performance.now(). */
export function nowMicros(): number {
  return Math.round((ORIGIN + performance.now()) * 1000);
}
