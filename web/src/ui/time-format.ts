/**
 * Times in the frame list: seconds since the conversation opened and the delta
 * to the previous row, from µs timestamps; milliseconds with three decimals
 * below a second, so TCP reads microseconds apart stay distinguishable.
 */

/** Seconds with six decimals ("1.234567"); negative values (clock steps) keep their sign. */
export function formatSeconds(micros: number): string {
  const sign = micros < 0 ? "-" : "";
  const abs = Math.abs(Math.round(micros));
  const whole = Math.floor(abs / 1_000_000);
  const frac = String(abs % 1_000_000).padStart(6, "0");
  return `${sign}${whole}.${frac}`;
}

/** A delta for people: "+312 µs", "+4.210 ms", "+1.503 s". */
export function formatDelta(micros: number): string {
  const sign = micros < 0 ? "-" : "+";
  const abs = Math.abs(micros);
  if (abs < 1000) return `${sign}${Math.round(abs)} µs`;
  if (abs < 1_000_000) return `${sign}${(abs / 1000).toFixed(3)} ms`;
  return `${sign}${(abs / 1_000_000).toFixed(3)} s`;
}

/** A wall-clock time of day ("20:57:07.123") from µs since the Unix epoch, in UTC. */
export function formatClock(micros: number): string {
  const d = new Date(Math.floor(micros / 1000));
  const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}
