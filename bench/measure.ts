/** Measuring helpers shared by the benchmarks. */

export interface Row {
  readonly name: string;
  readonly figures: Record<string, string>;
}

/** Runs `fn` repeatedly for about `ms` milliseconds after a warm-up; returns operations per second. */
export function rate(fn: () => number, ms = 1500): number {
  const warmEnd = performance.now() + ms / 3;
  while (performance.now() < warmEnd) fn();
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    ops += fn();
    t = performance.now();
  }
  return ops / ((t - t0) / 1000);
}

/** 12345678 -> "12.35 M". */
export function si(n: number): string {
  if (n >= 1e9) return (n / 1e9).toFixed(2) + " G";
  if (n >= 1e6) return (n / 1e6).toFixed(2) + " M";
  if (n >= 1e3) return (n / 1e3).toFixed(2) + " k";
  return n.toFixed(2) + " ";
}
