/**
 * `npm run bench`: throughput figures of the decode core, printed side by side.
 * Nothing here is asserted: the figures are for people to compare.
 */
import { benchFraming } from "./framing.js";
import { benchProtobuf } from "./protobuf.js";

async function main(): Promise<void> {
  console.log(`framescope bench (node ${process.version}, ${process.arch})\n`);
  printTable("Framing: length (tokio default, 4-byte BE), 64 KiB chunks", benchFraming());
  printTable("Protobuf: kv-server messages", await benchProtobuf());
}

export interface Row {
  readonly name: string;
  readonly figures: Record<string, string>;
}

function printTable(title: string, rows: readonly Row[]): void {
  console.log(title);
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r.figures)))];
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  const colWidth = cols.map((c) =>
    Math.max(c.length, ...rows.map((r) => (r.figures[c] ?? "").length)),
  );
  console.log(
    "  " + "".padEnd(width) + cols.map((c, k) => "  " + c.padStart(colWidth[k] ?? 0)).join(""),
  );
  for (const r of rows) {
    console.log(
      "  " +
        r.name.padEnd(width) +
        cols.map((c, k) => "  " + (r.figures[c] ?? "").padStart(colWidth[k] ?? 0)).join(""),
    );
  }
  console.log("");
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

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
