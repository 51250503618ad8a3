/**
 * What the page bench runs inside the page (passed to `page.evaluate`).
 * playwright-core sends each function's source text, so none may use anything
 * from outside its own body. The build has no DOM library: the few browser
 * globals used are declared here, for this file only.
 */

/** The members of the page's model (window.framescope) the bench uses. */
interface PageModel {
  tables: Map<
    string,
    { checked: { c2s: number; s2c: number }; frameCount(dir: "c2s" | "s2c"): number }
  >;
  bridge: { kind: string; hello?: { taps: { name: string }[] } };
  views: Map<number, unknown>;
  store: { totals: { c2s: number; s2c: number } };
  frameTotals(): { c2s: number; s2c: number };
  attach(tap: string): void;
  openCapture(name: string): void;
}

interface ListElement {
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  querySelectorAll(selector: string): { readonly length: number };
}

interface PageGlobals {
  framescope: PageModel;
  probe: Probe;
  gc?: () => void;
  performance: { now(): number; memory?: { usedJSHeapSize: number } };
  requestAnimationFrame(fn: () => void): number;
  document: { querySelector(selector: string): ListElement | null };
  PerformanceObserver: new (fn: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: { type: string; buffered: boolean }): void;
  };
}

/** What the page measured about itself (see installProbe). */
export interface Probe {
  /** The longest main-thread task seen (ms; long tasks are those over 50 ms). */
  longest: number;
  over50: number;
  over100: number;
  /** performance.now() when the first frame and when the last expected frame were listed. */
  firstFrameAt: number;
  allFramesAt: number;
}

/** The page's view of one run. */
export interface PageFigures extends Probe {
  frames: number;
  bytes: number;
  /** The page's JS heap after a garbage collection (bytes; not the worker's). */
  heap: number;
}

/** True once the page's link to the bridge is open. */
export function isOpen(): boolean {
  return (globalThis as unknown as PageGlobals).framescope.bridge.kind === "open";
}

/** True once the bridge answered an attach or open request with a view. */
export function hasView(): boolean {
  return (globalThis as unknown as PageGlobals).framescope.views.size > 0;
}

/** Attaches the page to the bridge's first tap; returns its name. */
export function attachFirstTap(): string {
  const m = (globalThis as unknown as PageGlobals).framescope;
  const name = (m.bridge.kind === "open" ? m.bridge.hello?.taps[0]?.name : undefined) ?? "";
  m.attach(name);
  return name;
}

/** Asks the bridge for a capture file. */
export function openCapture(name: string): void {
  (globalThis as unknown as PageGlobals).framescope.openCapture(name);
}

/** Starts recording long tasks (PerformanceObserver "longtask") into `window.probe`. */
export function installProbe(): void {
  const g = globalThis as unknown as PageGlobals;
  const probe: Probe = { longest: 0, over50: 0, over100: 0, firstFrameAt: 0, allFramesAt: 0 };
  g.probe = probe;
  new g.PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      probe.longest = Math.max(probe.longest, e.duration);
      probe.over50++;
      if (e.duration > 100) probe.over100++;
    }
  }).observe({ type: "longtask", buffered: false });
}

/** Checks every animation frame until `frames` client-to-server frames are listed (or time is up). */
export function waitForFrames(args: { frames: number; timeoutMs: number }): Promise<PageFigures> {
  const g = globalThis as unknown as PageGlobals;
  return new Promise<PageFigures>((resolve) => {
    const m = g.framescope;
    const start = g.performance.now();
    const check = (): void => {
      const now = g.performance.now();
      const n = m.frameTotals().c2s;
      if (n > 0 && g.probe.firstFrameAt === 0) g.probe.firstFrameAt = now;
      if (n >= args.frames || now - start > args.timeoutMs) {
        g.probe.allFramesAt = now;
        g.gc?.();
        resolve({
          ...g.probe,
          frames: n,
          bytes: m.store.totals.c2s,
          heap: g.performance.memory?.usedJSHeapSize ?? NaN,
        });
      } else g.requestAnimationFrame(check);
    };
    check();
  });
}

/** Waits (every animation frame) until every listed frame's payload was checked; resolves with performance.now(). */
export function waitForChecks(timeoutMs: number): Promise<number> {
  const g = globalThis as unknown as PageGlobals;
  return new Promise((resolve) => {
    const start = g.performance.now();
    const check = (): void => {
      let done = true;
      for (const t of g.framescope.tables.values())
        if (t.checked.c2s < t.frameCount("c2s") || t.checked.s2c < t.frameCount("s2c"))
          done = false;
      const now = g.performance.now();
      if (done || now - start > timeoutMs) resolve(now);
      else g.requestAnimationFrame(check);
    };
    check();
  });
}

/** Scrolls the frame list down and back up in 400 steps, one per animation frame; frame times in ms. */
export function scrollFrameList(): Promise<{
  p50: number;
  p95: number;
  max: number;
  rows: number;
}> {
  const g = globalThis as unknown as PageGlobals;
  return new Promise((resolve) => {
    const list = g.document.querySelector('[data-testid="frame-list"]');
    if (list === null) {
      resolve({ p50: NaN, p95: NaN, max: NaN, rows: 0 });
      return;
    }
    const steps = 400;
    const times: number[] = [];
    let last = g.performance.now();
    let k = 0;
    const step = (): void => {
      const now = g.performance.now();
      if (k > 0) times.push(now - last);
      last = now;
      if (k > steps) {
        times.sort((a, b) => a - b);
        const at = (q: number): number => times[Math.floor(q * (times.length - 1))] ?? NaN;
        resolve({
          p50: at(0.5),
          p95: at(0.95),
          max: at(1),
          rows: list.querySelectorAll(".vlist-rows > *").length,
        });
        return;
      }
      const f = k <= steps / 2 ? (2 * k) / steps : 2 - (2 * k) / steps;
      list.scrollTop = f * (list.scrollHeight - list.clientHeight);
      k++;
      g.requestAnimationFrame(step);
    };
    g.requestAnimationFrame(step);
  });
}
