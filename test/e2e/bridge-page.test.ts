import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePage } from "./fixture.js";
import {
  NO_LOCAL_NETWORK_CHECKS,
  REPO_ROOT,
  launchBrowser,
  openPage,
  screenshot,
  startBridge,
} from "./harness.js";
import { probeSocket } from "./in-page.js";

/** The page `npm run build` produces (npm test builds first). */
const BUILT_INDEX = join(REPO_ROOT, "dist/web/index.html");

/** A plain page on another 127.0.0.1 port: another origin than the bridge's. */
async function otherOrigin(title: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><html><head><title>${title}</title></head><body>${title}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("the page served by framescope serve, in Chromium", () => {
  let allowed: { server: Server; url: string };
  let stranger: { server: Server; url: string };

  beforeAll(async () => {
    allowed = await otherOrigin("allowed origin");
    stranger = await otherOrigin("stranger origin");
  });

  afterAll(async () => {
    if (allowed !== undefined) await closeServer(allowed.server);
    if (stranger !== undefined) await closeServer(stranger.server);
  });

  // Started after the servers above (its options need `allowed`) and, as after hooks run in
  // reverse order, stopped before they close.
  const fx = usePage(() => ({ args: ["--origin", new URL(allowed.url).origin] }));

  it("the built page loads and renders without console errors or page errors", async () => {
    expect(existsSync(BUILT_INDEX), `${BUILT_INDEX} is missing: run npm run build`).toBe(true);
    const p = await openPage(fx.browser, fx.bridge.url);
    try {
      expect(await p.page.title()).toMatch(/framescope/i);
      // The bridge serves dist/web/index.html as built, and the app renders into it.
      const served = await (await fetch(fx.bridge.url)).text();
      expect(served).toBe(readFileSync(BUILT_INDEX, "utf8"));
      await expect.poll(() => p.page.locator("#root").innerText()).not.toBe("");
      await screenshot(p.page, "bridge-page");
      expect(p.errors()).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it("without a built page the bridge serves the placeholder, which says what to do", async () => {
    const empty = mkdtempSync(join(tmpdir(), "framescope-e2e-web-"));
    const bare = await startBridge({ demo: false, args: ["--web", empty] });
    try {
      const p = await openPage(fx.browser, bare.url);
      expect(await p.page.locator("h1").innerText()).toBe("framescope");
      expect(await p.page.locator("body").innerText()).toMatch(
        /The bridge is running, but the page is not built\. Run npm run build/,
      );
      await screenshot(p.page, "bridge-placeholder");
      expect(p.errors()).toEqual([]);
      await p.close();
    } finally {
      expect(await bare.stop()).toBe(0);
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("the page's WebSocket to /session opens, says hello, and an attach to the demo tap brings live chunks", async () => {
    const p = await openPage(fx.browser, fx.bridge.url);
    try {
      const outcome = await p.page.evaluate(probeSocket, {
        url: fx.bridge.sessionUrl,
        attachTap: "demo",
        timeoutMs: 15_000,
      });
      expect(outcome.pageOrigin).toBe(fx.bridge.origin);
      expect(outcome.opened).toBe(true);
      expect(outcome.failed).toBe(false);
      expect(outcome.hello).toMatchObject({
        type: "hello",
        version: 1,
        demo: fx.bridge.demo,
        taps: [{ name: "demo", target: fx.bridge.demo }],
      });
      // A chunk head: kind 1, dir 0 (c2s) or 1 (s2c), a view above 0 (the attach's view).
      const head = outcome.firstChunkHead ?? [];
      expect(head).toHaveLength(16);
      expect(head[0]).toBe(1);
      expect([0, 1]).toContain(head[1]);
      expect(((head[2] ?? 0) << 8) | (head[3] ?? 0)).toBeGreaterThan(0);
      expect(p.errors()).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it("a page from another origin is refused with HTTP 403; an --origin origin is let through", async () => {
    const refused = await openPage(fx.browser, stranger.url);
    const letThrough = await openPage(fx.browser, allowed.url);
    try {
      const args = { url: fx.bridge.sessionUrl, attachTap: null, timeoutMs: 15_000 };
      const bad = await refused.page.evaluate(probeSocket, args);
      expect(bad.pageOrigin).toBe(new URL(stranger.url).origin);
      expect(bad).toMatchObject({ opened: false, failed: true, closeCode: 1006, hello: null });
      // Chromium reports the handshake's status in the console: the bridge's refusal, nothing else.
      expect(refused.consoleErrors).toHaveLength(1);
      expect(refused.consoleErrors[0]).toMatch(/Unexpected response code: 403/);
      expect(refused.pageErrors).toEqual([]);

      const good = await letThrough.page.evaluate(probeSocket, args);
      expect(good.pageOrigin).toBe(new URL(allowed.url).origin);
      expect(good).toMatchObject({ opened: true, failed: false, hello: { type: "hello" } });
      expect(letThrough.errors()).toEqual([]);
    } finally {
      await refused.close();
      await letThrough.close();
    }
  });

  it("a data: page (Origin null) is refused with HTTP 403", async () => {
    // Chromium's own local network access checks would block this request before
    // the bridge sees it; a browser without them shows the bridge's answer.
    const unchecked = await launchBrowser([NO_LOCAL_NETWORK_CHECKS]);
    const p = await openPage(unchecked, "data:text/html,<title>data page</title><p>data page</p>");
    try {
      const outcome = await p.page.evaluate(probeSocket, {
        url: fx.bridge.sessionUrl,
        attachTap: null,
        timeoutMs: 15_000,
      });
      expect(outcome.pageOrigin).toBe("null");
      expect(outcome).toMatchObject({ opened: false, failed: true, closeCode: 1006, hello: null });
      expect(p.consoleErrors).toHaveLength(1);
      expect(p.consoleErrors[0]).toMatch(/Unexpected response code: 403/);
    } finally {
      await unchecked.close();
    }
  });

  it("the bridge stops cleanly on SIGINT", async () => {
    expect(await fx.bridge.stop()).toBe(0);
    expect(fx.bridge.output()).toMatch(/framescope: stopping/);
  });
});
