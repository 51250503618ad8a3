/**
 * The bridge bench: bulk MB/s both ways and 100-byte message rates with
 * round-trip percentiles, for direct TCP, a plain Node proxy hop, framescope's
 * /raw and /session (capture on and off) and websockify, all driven by the
 * same client code against one echo/sink/source target. The target and every
 * relay run as child processes, so none shares the client's event loop.
 */
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { rawOpener, sessionOpener, tcpOpener, type PipeOpener } from "./bridge-client.js";
import { findWebsockify, forkChild, startWebsockify, type Child } from "./bridge-children.js";
import { bufferutilStatus } from "./bridge-native.js";
import { download, messages, upload } from "./bridge-workloads.js";
import { si, type Row } from "./measure.js";

/** Timed part of each bulk and message run, after its warm-up. */
const RUN_MS = 600;
/** Timed part of the one-in-flight round-trip run. */
const PING_MS = 500;
/** Small messages in flight in the messages/s run. */
const WINDOW = 64;
/**
 * Rounds over all rows; within a round each workload runs on every row in turn,
 * so load from elsewhere on the machine hits the rows alike. Each figure is the best round's.
 */
const ROUNDS = 3;

interface Figures {
  up: number;
  down: number;
  msgs: number;
  p50: number;
  p99: number;
}

type Kind = "direct" | "proxy" | "raw" | "capture-on" | "capture-off" | "websockify";

interface Subject {
  readonly kind: Kind;
  readonly name: string;
  readonly open: PipeOpener | null;
  readonly skipped?: string;
}

/** Runs the bridge bench; prints notes (bufferutil, websockify, captures) as it goes. */
export async function benchBridge(): Promise<Row[]> {
  const started = performance.now();
  const load0 = loadText();
  const children: Child[] = [];
  console.log("Bridge bench notes:");
  const captureDir = await mkdtemp(join(tmpdir(), "framescope-bench-"));
  try {
    const target = await forkChild("bridge-target", []);
    children.push(target);
    const targetText = `127.0.0.1:${target.port}`;
    const proxy = await forkChild("bridge-proxy", [String(target.port)]);
    children.push(proxy);
    const on = await forkChild("bridge-serve", [targetText, captureDir]);
    children.push(on);
    const off = await forkChild("bridge-serve", [targetText, "off"]);
    children.push(off);
    console.log(`  client ws: bufferutil ${bufferutilStatus()}`);
    console.log(`  bridge ws (child process): bufferutil ${String(on.info["bufferutil"])}`);
    const websockify = await websockifySubject(target.port, children);
    const bridgeUrl = (port: number, path: string): string => `ws://127.0.0.1:${port}${path}`;
    const subjects: Subject[] = [
      { kind: "direct", name: "direct TCP", open: tcpOpener(target.port) },
      { kind: "proxy", name: "Node proxy hop", open: tcpOpener(proxy.port) },
      {
        kind: "raw",
        name: "framescope /raw",
        open: rawOpener(bridgeUrl(off.port, `/raw?target=${targetText}`)),
      },
      {
        kind: "capture-on",
        name: "framescope /session, capture on",
        open: sessionOpener(bridgeUrl(on.port, "/session"), targetText),
      },
      {
        kind: "capture-off",
        name: "framescope /session, capture off",
        open: sessionOpener(bridgeUrl(off.port, "/session"), targetText),
      },
      websockify,
    ];
    const best = new Map<Kind, Figures>();
    const failures = new Map<Kind, string>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const workload of WORKLOADS) {
        for (const s of subjects) {
          if (s.open === null) continue;
          const f = { ...(best.get(s.kind) ?? NO_FIGURES) };
          try {
            await workload(s.open, f);
          } catch (err) {
            failures.set(s.kind, err instanceof Error ? err.message : String(err));
          }
          best.set(s.kind, f);
        }
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    for (const [kind, why] of failures) console.log(`  ${kind}: a run failed: ${why}`);
    console.log(`  capture file: ${await folderMegabytes(captureDir)} MB written during the run`);
    console.log(
      `  bulk: 64 KiB sends; msg/s: 100-byte messages, ${WINDOW} in flight, the sends of one turn in one write (as a browser's); rtt: one in flight`,
    );
    console.log(`  best of ${ROUNDS} rounds, ${seconds} s; relays run as child processes`);
    const loadAfter = loadText();
    const busy = Math.max(Number(load0), Number(loadAfter)) > availableParallelism();
    console.log(
      `  load average before / after: ${load0} / ${loadAfter} on ${availableParallelism()} cores` +
        (busy ? " (above the core count: other processes took CPU from the bench)" : ""),
    );
    console.log(
      "  targets: up >= 2x websockify, msg/s >= 8x websockify, down >= 0.9x proxy hop, " +
        "capture on vs off <= 10%",
    );
    return subjects.map((s) => row(s, best));
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await rm(captureDir, { recursive: true, force: true });
  }
}

const NO_FIGURES: Figures = { up: NaN, down: NaN, msgs: NaN, p50: NaN, p99: NaN };

/** Each workload measures one pipe and keeps the better of its figure and the one in `f`. */
const WORKLOADS: readonly ((open: PipeOpener, f: Figures) => Promise<void>)[] = [
  async (open, f) => void (f.up = max(f.up, await upload(open, RUN_MS))),
  async (open, f) => void (f.down = max(f.down, await download(open, RUN_MS))),
  async (open, f) => void (f.msgs = max(f.msgs, (await messages(open, RUN_MS, WINDOW)).perSecond)),
  async (open, f) => {
    const ping = await messages(open, PING_MS, 1);
    f.p50 = min(f.p50, ping.p50);
    f.p99 = min(f.p99, ping.p99);
  },
];

function max(x: number, y: number): number {
  return Number.isNaN(x) ? y : Number.isNaN(y) ? x : Math.max(x, y);
}

function min(x: number, y: number): number {
  return Number.isNaN(x) ? y : Number.isNaN(y) ? x : Math.min(x, y);
}

function row(s: Subject, best: ReadonlyMap<Kind, Figures>): Row {
  const f = best.get(s.kind);
  if (f === undefined) return { name: s.name, figures: { targets: `skipped: ${s.skipped ?? ""}` } };
  return {
    name: s.name,
    figures: {
      "up MB/s": f.up.toFixed(0),
      "down MB/s": f.down.toFixed(0),
      "msg/s": si(f.msgs),
      "rtt p50 µs": f.p50.toFixed(0),
      "rtt p99 µs": f.p99.toFixed(0),
      targets: targets(s.kind, best),
    },
  };
}

/**
 * The targets column: up >= 2x websockify, msg/s >= 8x websockify, down >= 0.9x
 * the proxy hop, capture cost (worst of up, down, msg/s; /session on vs off) <= 10%.
 */
function targets(kind: Kind, best: ReadonlyMap<Kind, Figures>): string {
  const f = best.get(kind);
  const ws = best.get("websockify");
  const proxy = best.get("proxy");
  const off = best.get("capture-off");
  if (f === undefined) return "";
  if (kind === "websockify") return "baseline: up, msg/s";
  if (kind === "proxy") return "baseline: down";
  if (kind === "direct" || kind === "capture-off") return "";
  const check = (label: string, ratio: number | undefined, goal: number): string =>
    ratio === undefined || Number.isNaN(ratio)
      ? `${label} n/a`
      : `${label} ${ratio.toFixed(2)}x ${ratio >= goal ? "ok" : `< ${goal}x`}`;
  const parts = [
    check("up", ws && f.up / ws.up, 2),
    check("msg", ws && f.msgs / ws.msgs, 8),
    check("down", proxy && f.down / proxy.down, 0.9),
  ];
  if (kind === "capture-on" && off !== undefined) {
    const costs: [string, number][] = [
      ["up", 1 - f.up / off.up],
      ["down", 1 - f.down / off.down],
      ["msg", 1 - f.msgs / off.msgs],
    ];
    const [what, cost] = costs.reduce((a, b) => (b[1] > a[1] ? b : a));
    parts.push(`capture ${(cost * 100).toFixed(0)}% (${what}) ${cost <= 0.1 ? "ok" : "> 10%"}`);
  }
  return parts.join(", ");
}

/** The websockify row: Debian's websockify in front of the target, or why it is skipped. */
async function websockifySubject(targetPort: number, children: Child[]): Promise<Subject> {
  const subject = { kind: "websockify", name: "websockify" } as const;
  const found = findWebsockify();
  let skipped = "skip" in found ? found.skip : "";
  if ("path" in found) {
    try {
      const ws = await startWebsockify(found.path, targetPort);
      children.push(ws);
      console.log(`  websockify: ${found.path}${found.note === "" ? "" : ` (${found.note})`}`);
      return { ...subject, open: rawOpener(`ws://127.0.0.1:${ws.port}/`) };
    } catch (err) {
      skipped = err instanceof Error ? err.message : String(err);
    }
  }
  console.log(`  websockify row skipped: ${skipped}`);
  return { ...subject, open: null, skipped };
}

function loadText(): string {
  return (loadavg()[0] ?? 0).toFixed(1);
}

async function folderMegabytes(dir: string): Promise<string> {
  let bytes = 0;
  for (const name of await readdir(dir)) bytes += (await stat(join(dir, name))).size;
  return (bytes / 1e6).toFixed(0);
}
