import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";

/** The page's Content-Security-Policy: its own scripts, styles, workers and WebSocket only. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".proto": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>framescope</title><link rel="icon" href="data:,"></head>
<body><h1>framescope</h1>
<p>The bridge is running, but the page is not built. Run <code>npm run build</code>
(or start the bridge with <code>--web DIR</code>) and reload.</p>
</body></html>
`;

const SECURITY_HEADERS = {
  "Content-Security-Policy": PAGE_CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  // With the embedder policy, the page is cross-origin isolated: it may share memory with its
  // decode worker (SharedArrayBuffer), so received bytes are held once, not once per side.
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
} as const;

/**
 * Serves GET/HEAD requests from `root`: files only (a folder serves its
 * index.html, never a listing), never outside `root` (`..`, encoded variants
 * and symbolic links leading out are 404). Without root/index.html, `/` gets a
 * placeholder page saying the page is not built.
 */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n", {
      Allow: "GET, HEAD",
    });
  }
  const file = await resolveFile(root, (req.url ?? "/").split("?")[0] ?? "/");
  if (file === null) {
    const path = (req.url ?? "/").split("?")[0];
    if (
      (path === "/" || path === "/index.html") &&
      (await resolveFile(root, "/index.html")) === null
    ) {
      return send(
        res,
        200,
        TYPES[".html"] ?? "text/html",
        req.method === "HEAD" ? "" : PLACEHOLDER,
      );
    }
    return send(res, 404, "text/plain; charset=utf-8", "not found\n");
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": TYPES[extname(file.path).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": file.size,
    "Cache-Control": "no-cache",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const stream = createReadStream(file.path);
  stream.on("error", (err) => res.destroy(err));
  stream.pipe(res);
}

/** The real path and size of the file a URL path names inside root, or null. */
async function resolveFile(
  root: string,
  urlPath: string,
): Promise<{ path: string; size: number } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch (err) {
    if (err instanceof URIError) return null;
    throw err;
  }
  if (decoded.includes("\0") || decoded.includes("\\") || !decoded.startsWith("/")) return null;
  let base: string;
  try {
    base = await realpath(resolve(root));
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
  const wanted = resolve(base, "." + decoded);
  if (!inside(base, wanted)) return null;
  try {
    let real = await realpath(wanted);
    let info = await stat(real);
    if (info.isDirectory()) {
      real = await realpath(join(real, "index.html"));
      info = await stat(real);
    }
    if (!info.isFile() || !inside(base, real)) return null;
    return { path: real, size: info.size };
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

function inside(base: string, path: string): boolean {
  return path === base || path.startsWith(base.endsWith(sep) ? base : base + sep);
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return (
    code === "ENOENT" ||
    code === "ENOTDIR" ||
    code === "ELOOP" ||
    code === "EACCES" ||
    code === "ENAMETOOLONG"
  );
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extra,
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}
