import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import {
  BRIDGE_PROTOCOL_VERSION,
  type ServerMessage,
  type TapInfo,
} from "../../web/src/session/bridge-protocol.js";
import { NO_RECORDER, type BridgeContext } from "./bridge-context.js";
import { BridgeCaptures } from "./bridge-captures.js";
import { CAPTURES_PATH, serveCaptureDownload } from "./capture-download.js";
import { DEFAULT_HOST, DEFAULT_PORT, resolveLimits, type BridgeOptions } from "./bridge-options.js";
import { packageRoot } from "./package-root.js";
import { RAW_SUBPROTOCOL, startRaw } from "./raw-endpoint.js";
import { Session } from "./session.js";
import { startTaps } from "./tap.js";
import { serveStatic } from "./static-files.js";
import {
  formatHostPort,
  isAllowed,
  isLoopbackHost,
  parseAllowRule,
  parseHostPort,
  type AllowRule,
} from "./targets.js";
import { checkUpgrade, pageOrigins, refuseUpgrade, type UpgradeGuard } from "./upgrade-guard.js";

/** A running bridge. */
export interface Bridge {
  /** The page's URL, with `?token=` when a token is required. */
  readonly url: string;
  readonly port: number;
  /** The token WebSocket upgrades must carry, if any. */
  readonly token: string | undefined;
  readonly taps: readonly TapInfo[];
  /** Path of the capture file being written, or null when captures are off. */
  readonly capturePath: string | null;
  /** Stops listening, closes every session, connection and tap, and finishes the capture file. */
  close(): Promise<void>;
}

/** Interval of WebSocket pings; a page that misses one is dropped. */
export const PING_INTERVAL_MS = 30_000;

/**
 * Starts the bridge: the page at `/`, `/session` and `/raw` WebSockets behind
 * the Origin, token and limit checks, taps, and the capture file.
 */
export async function createBridge(options: BridgeOptions = {}): Promise<Bridge> {
  const limits = resolveLimits(options.limits);
  const host = options.host ?? DEFAULT_HOST;
  const token =
    options.token ?? (isLoopbackHost(host) ? undefined : randomBytes(18).toString("base64url"));
  const log = options.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const allowTexts = [
    ...new Set([
      ...(options.allow ?? []),
      ...(options.demo ? [options.demo] : []),
      ...(options.taps ?? []).map((t) => t.target),
    ]),
  ];
  const allow = allowTexts.map((text): AllowRule => {
    const rule = parseAllowRule(text);
    if (rule === null) throw new RangeError(`not host:port or host:*: ${text}`);
    return rule;
  });
  const tapInfos: TapInfo[] = [];
  const captures =
    options.captures === null
      ? null
      : await BridgeCaptures.start(options.captures ?? "captures", () => tapInfos, log);
  let nextConn = 1;
  const ctx: BridgeContext = {
    limits,
    allow,
    lookup: options.lookup,
    recorder: captures?.writer ?? NO_RECORDER,
    log,
    nextConnId: () => nextConn++,
    openConnections: 0,
  };
  const webRoot = options.webRoot ?? join(packageRoot(), "dist", "web");
  const sessions = new Set<Session>();
  const sockets = new Map<WebSocket, { alive: boolean }>();
  const wssOptions = {
    noServer: true,
    maxPayload: limits.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
  };
  const sessionWss = new WebSocketServer(wssOptions);
  const rawWss = new WebSocketServer({
    ...wssOptions,
    handleProtocols: (offered: Set<string>) =>
      offered.has(RAW_SUBPROTOCOL) ? RAW_SUBPROTOCOL : false,
  });

  // Set once the port is known (the page's origins name it); requests wait for listen anyway.
  let guard: UpgradeGuard = { origins: new Set(), token };
  const server = createServer((req, res) => {
    const target = req.url ?? "/";
    const served = target.startsWith(CAPTURES_PATH)
      ? serveCaptureDownload(req, res, new URL(target, "http://bridge.invalid"), guard, captures)
      : serveStatic(req, res, webRoot);
    served.catch((err: unknown) => {
      log(`framescope: http ${target}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.on("clientError", (_err, socket) => socket.destroy());
  await listen(server, options.port ?? DEFAULT_PORT, host);
  server.on("error", (err) => log(`framescope: http server: ${err.message}`));
  const port = (server.address() as AddressInfo).port;
  guard = { origins: pageOrigins(host, port, options.origins ?? []), token };
  let taps: Awaited<ReturnType<typeof startTaps>>;
  try {
    taps = await startTaps(ctx, options.taps ?? []);
  } catch (err) {
    server.close();
    await captures?.close();
    throw err;
  }
  tapInfos.push(...taps.map((t) => t.info));
  const hello = (): ServerMessage => ({
    type: "hello",
    version: BRIDGE_PROTOCOL_VERSION,
    limits: {
      maxPayload: limits.maxPayload,
      maxSessionConnections: limits.maxSessionConnections,
      maxConnections: limits.maxConnections,
      idleTimeoutMs: limits.idleTimeoutMs,
      maxLinkQueue: limits.maxLinkQueue,
      maxSessionQueue: limits.maxSessionQueue,
    },
    taps: tapInfos,
    demo: options.demo ?? null,
    allow: allowTexts,
    capture: captures?.currentName ?? null,
  });

  const track = (ws: WebSocket): void => {
    const state = { alive: true };
    sockets.set(ws, state);
    ws.on("pong", () => (state.alive = true));
    ws.on("error", (err) => log(`framescope: websocket: ${err.message}`));
    ws.on("close", () => sockets.delete(ws));
  };
  const pinger = setInterval(() => {
    for (const [ws, state] of sockets) {
      if (!state.alive) ws.terminate();
      state.alive = false;
      ws.ping();
    }
  }, PING_INTERVAL_MS);
  pinger.unref();

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", (err) => log(`framescope: upgrade socket: ${err.message}`));
    // A request target like "//a:b" is no URL: refuse it, never throw (an uncaught
    // throw here would stop the bridge).
    const target = req.url ?? "/";
    if (
      !target.startsWith("/") ||
      target.startsWith("//") ||
      !URL.canParse(target, "http://bridge.invalid")
    ) {
      return refuseUpgrade(socket, 400, "bad request target");
    }
    const url = new URL(target, "http://bridge.invalid");
    const refused = checkUpgrade(guard, req, url);
    if (refused !== null) return refuseUpgrade(socket, refused);
    if (sockets.size >= limits.maxSessions) return refuseUpgrade(socket, 503, "too many sessions");
    if (url.pathname === "/session") {
      sessionWss.handleUpgrade(req, socket, head, (ws) => {
        track(ws);
        const session = new Session(ws, { ctx, hello, views: captures });
        sessions.add(session);
        ws.on("close", () => sessions.delete(session));
      });
      return;
    }
    if (url.pathname === "/raw") {
      const target = parseHostPort(url.searchParams.get("target") ?? "");
      if (target === null) return refuseUpgrade(socket, 400, "target=HOST:PORT required");
      if (!isAllowed(allow, target)) return refuseUpgrade(socket, 403, "target not allowed");
      if (ctx.openConnections >= limits.maxConnections)
        return refuseUpgrade(socket, 503, "too many connections");
      rawWss.handleUpgrade(req, socket, head, (ws) => {
        track(ws);
        startRaw(ws, ctx, target);
      });
      return;
    }
    refuseUpgrade(socket, 404);
  });

  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const url = `http://${formatHostPort(shownHost, port)}/${token === undefined ? "" : `?token=${token}`}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    token,
    taps: tapInfos,
    capturePath: captures?.writer.path ?? null,
    close: () =>
      (closing ??= (async () => {
        clearInterval(pinger);
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        for (const s of sessions) s.shutdown("shutdown");
        await Promise.all([
          ...taps.map((t) => t.close()),
          ...[...sockets.keys()].map((ws) => closeSocket(ws)),
        ]);
        await stopped;
        await connectionsClosed(ctx);
        await captures?.close();
      })()),
  };
}

/** Closes a WebSocket politely (1001), terminating it if the peer does not answer within a second. */
function closeSocket(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve();
    ws.once("close", () => resolve());
    ws.close(1001, "bridge shutting down");
    setTimeout(() => ws.terminate(), 1000).unref();
  });
}

/** Waits (at most two seconds) until every TCP connection has reported its close. */
async function connectionsClosed(ctx: BridgeContext): Promise<void> {
  for (let i = 0; i < 200 && ctx.openConnections > 0; i++)
    await new Promise((r) => setTimeout(r, 10));
}

function listen(
  server: ReturnType<typeof createServer>,
  port: number,
  host: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
