/**
 * The page bench, in Debian's Chromium: a fast client writes 100-byte kv
 * frames through a tap at a fixed rate while a page is attached (ingest), then
 * the bridge starts again and a fresh page opens the capture that run wrote
 * (open: downloaded, framed, listed; payload checks follow) and scrolls its
 * frame list from top to bottom (scroll). Printed: frames/s, bytes lost, the longest
 * main-thread task, what the page and its worker hold after a garbage
 * collection (JS heaps with their array buffers) next to the budget
 * (twice the capture's bytes plus 100 bytes per frame), and the renderer
 * process's resident memory growth, which also counts what the allocators keep.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./chromium.js";
import { si, type Row } from "./measure.js";
import { FRAME_BYTES, kvFrames, pacedClient, startSink } from "./page-traffic.js";
import {
  attachFirstTap,
  hasView,
  installProbe,
  isOpen,
  openCapture,
  scrollFrameList,
  waitForChecks,
  waitForFrames,
  type PageFigures,
} from "./page-probe.js";

/** Frames the client writes (the capture then holds this many). */
const FRAMES = 1_000_000;
/** The ingest rate the issue names. */
const RATE = 200_000;
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(REPO, "dist/bridge/src/cli.js");
const SHOTS = join(REPO, "test-results/bench");

export async function benchPage(): Promise<Row[]> {
  const sink = await startSink();
  const captures = mkdtempSync(join(tmpdir(), "framescope-page-bench-"));
  let bridge = await startBridge(captures, sink.port);
  const browser = await launchChromium(["--enable-precise-memory-info", "--js-flags=--expose-gc"]);
  const rows: Row[] = [];
  try {
    const frames = kvFrames(FRAMES);
    const captureBytes = (): number => {
      const name = readdirCapture(captures);
      return name === undefined ? 0 : statSync(join(captures, name)).size;
    };

    // Ingest: a page attached to the tap while the client writes at RATE.
    const ingest = await openPage(browser, bridge.url);
    const rss0 = await rendererRss(browser);
    const tap = await ingest.evaluate(attachFirstTap);
    await ingest.waitForFunction(hasView);
    // The page watches from before the first write, so its rate spans the whole run.
    const watching = ingest.evaluate(waitForFrames, { frames: FRAMES, timeoutMs: 120_000 });
    const client = await pacedClient(bridge.tapPort, frames, RATE);
    const seen = await watching;
    await collectGarbage(ingest);
    const rss1 = await rendererRss(browser);
    const live1 = await liveMemory(browser, ingest);
    await screenshot(ingest, "page-ingest");
    await ingest.context().close();
    const sentRate = client.frames / (client.ms / 1000);
    const pageRate = seen.frames / ((seen.allFramesAt - seen.firstFrameAt) / 1000);
    const budget = 2 * captureBytes() + 100 * FRAMES;
    rows.push({
      name: `ingest: tap "${tap}", ${FRAME_BYTES} B frames`,
      figures: {
        "client frames/s": si(sentRate),
        "page frames/s": si(pageRate),
        ...pageFigures(seen, client.bytes, live1, rss1 - rss0, budget),
      },
    });

    // Open: the bridge starts again (the ingest run's capture is now a recording, as yesterday's
    // would be) and a fresh page opens it.
    await bridge.stop();
    bridge = await startBridge(captures, sink.port);
    const opened = await openPage(browser, bridge.url);
    const rss2 = await rendererRss(browser);
    const capture = readdirCapture(captures) ?? "";
    const t0 = Date.now();
    await opened.evaluate(openCapture, capture);
    const open = await opened.evaluate(waitForFrames, { frames: FRAMES, timeoutMs: 120_000 });
    const openMs = Date.now() - t0;
    const checkedAt = await opened.evaluate(waitForChecks, 120_000);
    const checkedMs = openMs + (checkedAt - open.allFramesAt);
    await collectGarbage(opened);
    const rss3 = await rendererRss(browser);
    const live3 = await liveMemory(browser, opened);
    await screenshot(opened, "page-capture");
    rows.push({
      name: `open: capture of ${si(FRAMES)}frames (${mb(captureBytes())})`,
      figures: {
        "open time": `${(openMs / 1000).toFixed(2)} s`,
        "payloads checked": `${(checkedMs / 1000).toFixed(2)} s`,
        ...pageFigures(open, client.bytes, live3, rss3 - rss2, budget),
      },
    });

    // Scroll: the frame list from top to bottom and back, one step per animation frame.
    const scroll = await opened.evaluate(scrollFrameList);
    rows.push({
      name: "scroll: frame list, 400 steps over all frames",
      figures: {
        "frame p50": `${scroll.p50.toFixed(1)} ms`,
        "frame p95": `${scroll.p95.toFixed(1)} ms`,
        "frame max": `${scroll.max.toFixed(1)} ms`,
        "rows shown": String(scroll.rows),
      },
    });
    await opened.context().close();
  } finally {
    await browser.close();
    await bridge.stop();
    sink.server.close();
    rmSync(captures, { recursive: true, force: true });
  }
  return rows;
}

async function openPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`  page error: ${err.message}`));
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(isOpen);
  await page.evaluate(installProbe);
  return page;
}

/** The figures ingest and open share: what the page holds, its longest task, its memory. */
function pageFigures(
  seen: PageFigures,
  sentBytes: number,
  live: number,
  growth: number,
  budget: number,
): Record<string, string> {
  return {
    frames: String(seen.frames),
    "bytes lost": String(sentBytes - seen.bytes),
    // The long-task observer sees tasks over 50 ms only.
    "longest task": seen.longest === 0 ? "< 50 ms" : `${seen.longest.toFixed(0)} ms`,
    "tasks > 100 ms": String(seen.over100),
    "held (page+worker)": mb(live),
    budget: mb(budget),
    "renderer RSS growth": mb(growth),
  };
}

/**
 * What the page holds after a garbage collection: the JS heaps of the page and
 * of its decode worker with their array buffers (Runtime.getHeapUsage), and the
 * shared memory the two hold chunks in (which getHeapUsage does not count), in bytes.
 */
async function liveMemory(browser: Browser, page: Page): Promise<number> {
  const usage = (u: HeapUsage): number =>
    u.usedSize + (u.backingStorageSize ?? 0) + (u.embedderHeapUsedSize ?? 0);
  const cdp = await page.context().newCDPSession(page);
  let total = usage((await cdp.send("Runtime.getHeapUsage")) as HeapUsage);
  await cdp.detach();
  total += await page.evaluate(sharedChunkBytes);
  // The worker through the browser's target list (playwright opens CDP sessions on pages only).
  const b = await browser.newBrowserCDPSession();
  const { targetInfos } = (await b.send("Target.getTargets")) as {
    targetInfos: { targetId: string; type: string }[];
  };
  for (const t of targetInfos.filter((x) => x.type === "worker")) {
    const { sessionId } = (await b.send("Target.attachToTarget", {
      targetId: t.targetId,
      flatten: false,
    })) as { sessionId: string };
    const answer = new Promise<HeapUsage>((resolve) =>
      b.on("Target.receivedMessageFromTarget", (e: { message: string }) => {
        const m = JSON.parse(e.message) as { id?: number; result?: HeapUsage };
        if (m.id === 1 && m.result !== undefined) resolve(m.result);
      }),
    );
    const message = JSON.stringify({ id: 1, method: "Runtime.getHeapUsage" });
    await b.send("Target.sendMessageToTarget", { sessionId, message });
    total += usage(await answer);
  }
  await b.detach();
  return total;
}

interface HeapUsage {
  usedSize: number;
  backingStorageSize?: number;
  embedderHeapUsedSize?: number;
}

/** A full garbage collection in the page and its workers (Chromium runs with --expose-gc), then a pause. */
async function collectGarbage(page: Page): Promise<void> {
  for (const worker of page.workers()) await worker.evaluate(callGc);
  await page.evaluate(callGc);
  await new Promise((r) => setTimeout(r, 1000));
}

/** Runs in the page: the bytes of shared memory its chunks are held in. */
function sharedChunkBytes(): number {
  return (globalThis as unknown as { framescope: { chunks: { allocated: number } } }).framescope
    .chunks.allocated;
}

/** Runs in the page or a worker: `gc()` where it is exposed. */
function callGc(): void {
  (globalThis as unknown as { gc?: () => void }).gc?.();
}

/** Resident memory of Chromium's renderer processes together, in bytes (Linux /proc). */
async function rendererRss(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  const info = (await cdp.send("SystemInfo.getProcessInfo")) as {
    processInfo: { type: string; id: number }[];
  };
  await cdp.detach();
  let total = 0;
  for (const p of info.processInfo) {
    if (p.type !== "renderer") continue;
    const status = readFileSync(`/proc/${p.id}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    total += Number(kb ?? 0) * 1024;
  }
  return total;
}

/** The one capture file the bridge wrote in `dir`. */
function readdirCapture(dir: string): string | undefined {
  return readdirSync(dir)
    .filter((n) => n.endsWith(".fscap"))
    .sort()[0];
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** A bridge child process with a tap in front of the sink. */
interface Bridge {
  readonly url: string;
  readonly tapPort: number;
  stop(): Promise<void>;
}

async function startBridge(captures: string, sinkPort: number): Promise<Bridge> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      CLI,
      "serve",
      "--port",
      "0",
      "--no-demo",
      "--captures",
      captures,
      "--tap",
      `127.0.0.1:0=127.0.0.1:${sinkPort}`,
    ],
    { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  const m = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const found = /open (http:\/\/\S+)[\s\S]*tap\s+127\.0\.0\.1:(\d+) ->/.exec(out);
      if (found !== null) resolve(found);
    });
    child.once("exit", (code) => reject(new Error(`framescope serve exited (${code}): ${out}`)));
  });
  return {
    url: m[1] ?? "",
    tapPort: Number(m[2]),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT");
      await exited;
    },
  };
}
