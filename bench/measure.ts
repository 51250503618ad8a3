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

/**
 * Rates of several contenders compared side by side: after a warm-up of each,
 * they take turns in `rounds` rounds of `ms` milliseconds, and each keeps its
 * best round. Other load on the machine only ever slows a round, and taking
 * turns spreads it over all contenders, so their ratios hold when a run is noisy.
 */
export function rates(fns: readonly (() => number)[], rounds = 6, ms = 400): number[] {
  for (const fn of fns) rate(fn, ms);
  const best = fns.map(() => 0);
  for (let r = 0; r < rounds; r++)
    fns.forEach((fn, k) => (best[k] = Math.max(best[k] ?? 0, rate(fn, ms))));
  return best;
}

/** 12345678 -> "12.35 M". */
export function si(n: number): string {
  if (n >= 1e9) return (n / 1e9).toFixed(2) + " G";
  if (n >= 1e6) return (n / 1e6).toFixed(2) + " M";
  if (n >= 1e3) return (n / 1e3).toFixed(2) + " k";
  return n.toFixed(2) + " ";
}
