/**
 * GET /captures/NAME: a capture file as one HTTP response, for the page to
 * open a recorded capture at download speed (a browser takes bytes over HTTP
 * several times faster than over a WebSocket). The same rules as the
 * WebSocket endpoints apply (Origin, token), and more, since a plain GET needs
 * no Origin: the Host must be the bridge's own (no DNS rebinding), and a
 * request from another site (Sec-Fetch-Site) is refused. The file being
 * written is sent up to its last complete record.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { isCaptureName } from "./capture-files.js";
import type { CaptureWriter } from "./capture-writer.js";
import { checkUpgrade, type UpgradeGuard } from "./upgrade-guard.js";

/** The path prefix of capture downloads. */
export const CAPTURES_PATH = "/captures/";

/** Where captures are and which one is being written. */
export interface CaptureDownloads {
  readonly dir: string;
  readonly writer: CaptureWriter | null;
}

/**
 * Answers GET/HEAD /captures/NAME: 200 with the bytes, 401 (token), 403
 * (origin, host, another site), 404 (no such capture), 405 (other methods).
 */
export async function serveCaptureDownload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  guard: UpgradeGuard,
  captures: CaptureDownloads | null,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { Allow: "GET, HEAD" }).end();
    return;
  }
  const refused = checkDownload(guard, req, url);
  if (refused !== null) {
    res.writeHead(refused, { "Content-Type": "text/plain; charset=utf-8" }).end(String(refused));
    return;
  }
  const name = decodeName(url.pathname.slice(CAPTURES_PATH.length));
  if (captures === null || name === null || !isCaptureName(name)) {
    res.writeHead(404).end();
    return;
  }
  const path = join(captures.dir, name);
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error("not a file"), { code: "ENOENT" });
    // The file being written: every record queued so far (written first), never a record half written.
    size = captures.writer?.name === name ? await captures.writer.sync() : info.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    "Content-Type": "application/octet-stream",
    "Content-Length": size,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition": `attachment; filename="${name}"`,
  });
  if (req.method === "HEAD" || size === 0) {
    res.end();
    return;
  }
  const file = createReadStream(path, { start: 0, end: size - 1, highWaterMark: 1 << 20 });
  file.on("error", () => res.destroy());
  file.pipe(res);
}

/** 401 or 403 when the request may not have the file, else null. */
function checkDownload(guard: UpgradeGuard, req: IncomingMessage, url: URL): 401 | 403 | null {
  const host = req.headers.host?.toLowerCase();
  if (host === undefined || !allowedHost(guard, host)) return 403;
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return 403;
  return checkUpgrade(guard, req, url);
}

/**
 * Whether `host` (the Host header, lower case) names the bridge as one of the
 * page's allowed origins does: its own address, or an `--origin` in front of it.
 */
function allowedHost(guard: UpgradeGuard, host: string): boolean {
  for (const origin of guard.origins) if (new URL(origin).host === host) return true;
  return false;
}

/** The percent-decoded name, or null when it does not decode. */
function decodeName(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch (err) {
    if (err instanceof URIError) return null;
    throw err;
  }
}
