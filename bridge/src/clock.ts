/** Wall-clock time in whole microseconds since the Unix epoch, with sub-millisecond resolution from performance.now(). */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}
