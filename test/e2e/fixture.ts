import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import {
  launchBrowser,
  openPage,
  startBridge,
  type OpenedPage,
  type RunningBridge,
  type StartBridgeOptions,
} from "./harness.js";
import { listedRows, type ListedRow } from "./in-page.js";

/** How long a test polls for live traffic to show, in ms (the demo runs every second by default). */
export const LIVE_MS = 20_000;

/** The bridge and browser that {@link usePage} starts for one describe block, and a way to open pages on them. */
export interface PageFixture {
  /** The running `framescope serve`; throws outside the tests (before `beforeAll` or when it failed). */
  readonly bridge: RunningBridge;
  /** The headless Chromium; throws outside the tests, like `bridge`. */
  readonly browser: Browser;
  /** Opens `url` (default: the bridge's page) with {@link openPage}; every page it opened is closed after all tests. */
  open(url?: string): Promise<OpenedPage>;
  /** Opens the bridge's page, like `open()`, and waits until it says "bridge connected". */
  openInspector(): Promise<OpenedPage>;
}

/**
 * In a describe block: starts the bridge with `options` (a function is called in
 * `beforeAll`, for options known only then) and Chromium before all tests, and
 * closes the pages, the browser and the bridge after them.
 */
export function usePage(
  options: StartBridgeOptions | (() => StartBridgeOptions) = {},
): PageFixture {
  let bridge: RunningBridge | undefined;
  let browser: Browser | undefined;
  const pages: OpenedPage[] = [];

  beforeAll(async () => {
    bridge = await startBridge(typeof options === "function" ? options() : options);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const p of pages) await p.close();
    await browser?.close();
    await bridge?.stop();
  });

  const fixture: PageFixture = {
    get bridge(): RunningBridge {
      if (bridge === undefined)
        throw new Error("usePage: the bridge is not running (see beforeAll)");
      return bridge;
    },
    get browser(): Browser {
      if (browser === undefined)
        throw new Error("usePage: the browser is not running (see beforeAll)");
      return browser;
    },
    async open(url?: string): Promise<OpenedPage> {
      const p = await openPage(fixture.browser, url ?? fixture.bridge.url);
      pages.push(p);
      return p;
    },
    async openInspector(): Promise<OpenedPage> {
      const p = await fixture.open();
      await expect
        .poll(() => p.page.getByTestId("bridge-state").innerText())
        .toBe("bridge connected");
      return p;
    },
  };
  return fixture;
}

/**
 * Selects a finished conversation of the demo's scripted client (13 requests:
 * hset … hmdel), so live traffic no longer changes what the test looks at, and
 * waits until its 26 frames are listed.
 */
export async function selectFinishedConversation(page: Page): Promise<void> {
  const conv = page
    .locator(".conv", { hasText: /closed/ })
    .filter({ hasText: /C→S [\d.]+ B · 13 fr/ });
  await expect.poll(() => conv.count(), { timeout: LIVE_MS }).toBeGreaterThan(0);
  // By its key: the list is live, so "the first" may be another row by the time of the click.
  const key = (await conv.first().getAttribute("data-conn")) ?? "";
  // A new conversation may arrive between finding the row and the click, moving the rows
  // (their elements are reused): click again until the page has selected this one.
  await expect
    .poll(
      async () => {
        await page.locator(`.conv[data-conn="${key}"]`).click();
        return page.evaluate("window.framescope.selection.conn");
      },
      { timeout: LIVE_MS },
    )
    .toBe(key);
  await expect.poll(() => page.getByTestId("frame-count").innerText()).toBe("26 rows");
}

/** Connects the page to `target` (HOST:PORT) from the connection bar and waits until it says so. */
export async function connectTo(page: Page, target: string): Promise<void> {
  await page.getByTestId("target").fill(target);
  await page.getByTestId("connect").click();
  await expect
    .poll(() => page.getByTestId("connect-status").innerText())
    .toBe(`connected to ${target}`);
}

/**
 * The size column of the listed rows: every frame row says `size`; an issue row (bytes
 * left when a stream ends, say) gives its stream offset instead. At least `least` frame rows.
 * The rows are read in one go and the assertions look at that one reading: on a followed
 * live conversation the list empties when a newer one starts, and an element that was a
 * frame row may show an issue row by the time a second read reaches it.
 */
export async function expectFrameSizes(page: Page, size: string, least = 1): Promise<void> {
  let rows: ListedRow[] = [];
  await expect
    .poll(
      async () => {
        rows = await page.evaluate(listedRows);
        return rows.filter((r) => !r.issue).length;
      },
      { timeout: LIVE_MS },
    )
    .toBeGreaterThanOrEqual(least);
  expect(new Set(rows.filter((r) => !r.issue).map((r) => r.size))).toEqual(new Set([size]));
  const where = rows.filter((r) => r.issue).map((r) => r.size);
  expect(where.filter((s) => !/^@\d+$/.test(s))).toEqual([]);
}
