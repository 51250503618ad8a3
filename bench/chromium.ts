/**
 * Debian's Chromium as the benchmarks and the browser tests launch it: headless
 * through playwright-core, a fresh profile per launch, no GPU, nothing that
 * reaches the network on its own.
 */
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (scripts/ensure-chromium.sh installs it), or $FRAMESCOPE_CHROMIUM. */
export const CHROMIUM_PATH = process.env["FRAMESCOPE_CHROMIUM"] ?? "/usr/bin/chromium";

/** Chromium's flags: no sandbox (runs as root here), no GPU, no network of its own. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

/** Launches headless Chromium with {@link CHROMIUM_ARGS} and then `extraArgs`. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: 30_000,
  });
}
