/**
 * `npm run bench`: throughput figures of the decode core, printed side by side.
 * Nothing here is asserted: the figures are for people to compare.
 */
import { benchBridge } from "./bridge.js";
import { benchFraming } from "./framing.js";
import { benchPage } from "./page.js";
import type { Row } from "./measure.js";
import { benchProtobuf } from "./protobuf.js";

async function main(): Promise<void> {
  console.log(`framescope bench (node ${process.version}, ${process.arch})\n`);
  printTable("Framing: length (tokio default, 4-byte BE), 64 KiB chunks", benchFraming());
  printTable("Protobuf: kv-server messages", await benchProtobuf());
  printTable("Bridge: loopback, one client, relays in child processes", await benchBridge());
  printTable(
    "Page: Chromium, kv frames through a tap, then the capture reopened",
    await benchPage(),
  );
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

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
