import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { networkInterfaces } from "node:os";
import type { Duplex } from "node:stream";
import { STATUS_CODES } from "node:http";
import { formatHostPort, isLoopbackHost, isWildcardHost } from "./targets.js";

/** Who may open a WebSocket: the page's own origins (plus extras) and, when set, the token holders. */
export interface UpgradeGuard {
  readonly origins: ReadonlySet<string>;
  readonly token: string | undefined;
}

/**
 * The origins of the page as served from `host:port`: the bind address, and for
 * loopback or wildcard binds the loopback names (for wildcard binds also every
 * local interface address), plus `extra` origins as given.
 */
export function pageOrigins(host: string, port: number, extra: readonly string[]): Set<string> {
  const hosts = new Set<string>([host]);
  if (isLoopbackHost(host) || isWildcardHost(host)) {
    for (const h of ["localhost", "127.0.0.1", "::1"]) hosts.add(h);
  }
  if (isWildcardHost(host)) {
    for (const list of Object.values(networkInterfaces())) {
      for (const info of list ?? []) hosts.add(info.address);
    }
  }
  const origins = new Set<string>();
  for (const h of hosts) if (!isWildcardHost(h)) origins.add(`http://${formatHostPort(h, port)}`);
  for (const o of extra) origins.add(normalizeOrigin(o));
  return origins;
}

/** An origin as browsers send it (`scheme://host[:port]`, default port dropped); throws on a malformed one. */
export function normalizeOrigin(origin: string): string {
  const url = new URL(origin);
  if (url.origin === "null") throw new RangeError(`not an origin: ${origin}`);
  return url.origin;
}

/** The HTTP status refusing this upgrade (403 bad Origin, 401 bad token), or null to let it through. */
export function checkUpgrade(
  guard: UpgradeGuard,
  req: IncomingMessage,
  url: URL,
): 401 | 403 | null {
  const origin = req.headers.origin;
  if (origin !== undefined && !guard.origins.has(safeOrigin(origin))) return 403;
  if (guard.token !== undefined && !sameSecret(url.searchParams.get("token") ?? "", guard.token))
    return 401;
  return null;
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, detail?: string): void {
  const text = STATUS_CODES[status] ?? "Error";
  const body = detail ?? text;
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** An unparsable Origin (or "null") matches no allowed origin. */
function safeOrigin(origin: string): string {
  if (!URL.canParse(origin)) return "null";
  return new URL(origin).origin;
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
