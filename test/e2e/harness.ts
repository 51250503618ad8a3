import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { CHROMIUM_PATH, launchChromium } from "../../bench/chromium.js";

/** The repository root (test/e2e/../..). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The built CLI that `npm test` builds before running the tests. */
export const BUILT_CLI = join(REPO_ROOT, "dist/bridge/src/cli.js");

/** Where screenshots go; kept after the run as test artifacts (gitignored). */
export const SCREENSHOT_DIR = join(REPO_ROOT, "test-results/e2e");

/** Why the browser tests cannot run here, or null when Chromium and the built CLI are present. */
export function missingPrerequisite(): string | null {
  if (!isExecutable(CHROMIUM_PATH)) {
    return (
      `Chromium is missing at ${CHROMIUM_PATH}. Run 'bash scripts/ensure-chromium.sh' ` +
      `(npm test runs it first, as pretest) or set FRAMESCOPE_CHROMIUM to a Chromium binary.`
    );
  }
  if (!isExecutable(BUILT_CLI, constants.R_OK)) {
    return `The bridge is not built (${BUILT_CLI} is missing). Run 'npm run build' (npm test builds first).`;
  }
  return null;
}

function isExecutable(path: string, mode = constants.X_OK): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    if ((err as NodeJS.ErrnoException).code === "EACCES") return false;
    throw err;
  }
}

/** Options for {@link startBridge}. */
export interface StartBridgeOptions {
  /** Run the demo kv server, its tap and scripted client (default true). */
  readonly demo?: boolean;
  /** Whole seconds between scripted demo sessions (default 1, the shortest). */
  readonly demoIntervalSeconds?: number;
  /** More `framescope serve` arguments, e.g. `["--origin", "http://127.0.0.1:5000"]`. */
  readonly args?: readonly string[];
  /** How long to wait for the bridge to print its URL, in ms (default 20 000). */
  readonly startTimeoutMs?: number;
}

/** A `framescope serve` child process; `stop()` ends it and removes its captures folder. */
export interface RunningBridge {
  /** The page's URL as printed, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  /** The page's origin, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string;
  /** The page's WebSocket URL, e.g. `ws://127.0.0.1:41234/session`. */
  readonly sessionUrl: string;
  /** The demo kv server's HOST:PORT, or null with `demo: false`. */
  readonly demo: string | null;
  /** The temporary captures folder (removed by `stop()`). */
  readonly captures: string;
  /** Everything the bridge printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Sends SIGINT and resolves with the exit code (null when it had to be killed after 10 s). */
  stop(): Promise<number | null>;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/**
 * Starts the built bridge (`dist/bridge/src/cli.js serve`) on 127.0.0.1 port 0
 * with a temporary captures folder and, by default, the demo every second;
 * resolves once it printed its URL, rejects with its output if it exits first.
 */
export async function startBridge(options: StartBridgeOptions = {}): Promise<RunningBridge> {
  const captures = mkdtempSync(join(tmpdir(), "framescope-e2e-captures-"));
  const args = [BUILT_CLI, "serve", "--port", "0", "--captures", captures];
  if (options.demo === false) args.push("--no-demo");
  else args.push("--demo-interval", String(options.demoIntervalSeconds ?? 1));
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let out = "";
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      live.delete(child);
      exitCode = code;
      resolve(code);
    }),
  );
  child.stdout.on("data", (d: Buffer) => void (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => void (out += d.toString()));

  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const started = new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`framescope serve printed no URL within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = (): void => {
      const m = /framescope bridge: open (http:\/\/\S+)\n(?:\s+demo kv server\s+(\S+))?/.exec(out);
      if (m !== null && (options.demo === false || m[2] !== undefined)) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`framescope serve exited with ${code} before printing its URL:\n${out}`));
    });
  });

  let m: RegExpExecArray;
  try {
    m = await started;
  } catch (err) {
    child.kill("SIGKILL");
    rmSync(captures, { recursive: true, force: true });
    throw err;
  }
  const url = new URL(m[1] ?? "");
  const stop = async (): Promise<number | null> => {
    if (exitCode === undefined) {
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(captures, { recursive: true, force: true });
    return exitCode ?? null;
  };
  return {
    url: url.href,
    origin: url.origin,
    sessionUrl: `ws://${url.host}/session${url.search}`,
    demo: m[2] ?? null,
    captures,
    output: () => out,
    stop,
  };
}

/**
 * Chromium's flag that turns off its local network access checks, which
 * otherwise block a page with no address (data:, sandboxed) from reaching
 * 127.0.0.1 before any request is made; for tests of what the bridge refuses.
 */
export const NO_LOCAL_NETWORK_CHECKS = "--disable-features=LocalNetworkAccessChecks";

/** Launches headless Debian Chromium through playwright-core, with a fresh profile; `extraArgs` go after the flags of bench/chromium.ts. */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  const missing = missingPrerequisite();
  if (missing !== null) throw new Error(missing);
  return launchChromium(extraArgs);
}

/** A page in its own browser context, with the errors it reported so far. */
export interface OpenedPage {
  readonly page: Page;
  /** Console messages of type "error", as "text (url:line)". */
  readonly consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections in the page. */
  readonly pageErrors: string[];
  /** Both lists together, for `expect(p.errors()).toEqual([])`. */
  errors(): string[];
  /** Closes the page's context. */
  close(): Promise<void>;
}

/** Opens `url` in a new 1280x800 context and records console errors and page errors from the start. */
export async function openPage(browser: Browser, url: string): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const at = msg.location();
    consoleErrors.push(`${msg.text()} (${at.url}:${at.lineNumber})`);
  });
  page.on("pageerror", (err) => pageErrors.push(err.stack ?? err.message));
  await page.goto(url, { waitUntil: "load", timeout: 30_000 });
  return {
    page,
    consoleErrors,
    pageErrors,
    errors: () => [...consoleErrors, ...pageErrors],
    close: () => context.close(),
  };
}

/** Saves a full-page PNG as test-results/e2e/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, "-")}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
