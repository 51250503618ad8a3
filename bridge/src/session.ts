import type { RawData, WebSocket } from "ws";
import {
  CHUNK_HEAD_SIZE,
  readChunkHead,
  type BridgeErrorCode,
  type ClientMessage,
  type ServerMessage,
} from "../../web/src/session/bridge-protocol.js";
import type { BridgeContext } from "./bridge-context.js";
import { nowMicros } from "./clock.js";
import { PageSocket, rawToBuffer } from "./page-socket.js";
import { parseClientMessage } from "./session-control.js";
import { isAllowed, parseHostPort } from "./targets.js";
import { TcpLink } from "./tcp-link.js";
import type { ViewService } from "./view-service.js";
import { ViewIds } from "./view-ids.js";

/** Everything a session needs from its bridge. */
export interface SessionHost {
  readonly ctx: BridgeContext;
  /** The `hello` sent first. */
  hello(): ServerMessage;
  /** Captures and taps for views; null when captures are off. */
  readonly views: ViewService | null;
}

/** Views (opened captures, attached taps) one page may have open at once: each reads a file. */
export const MAX_VIEWS_PER_SESSION = 16;

/**
 * One page on `/session`: turns control messages into TCP connections (connect
 * mode) and views (captures, taps), streams every read back as a chunk, and
 * applies backpressure both ways. Never throws on what the page sends.
 */
export class Session {
  readonly page: PageSocket;
  private readonly links = new Map<number, TcpLink>();
  private readonly echo = new Set<number>();
  private readonly views = new Map<number, { close(): void }>();
  /** Ids of views open or being opened; an id is freed once its view has ended. */
  private readonly viewIds: ViewIds;
  private closed = false;
  private readonly unwatchRecorder: () => void;

  constructor(
    ws: WebSocket,
    private readonly host: SessionHost,
  ) {
    this.viewIds = new ViewIds(host.ctx.limits.maxViewId);
    this.page = new PageSocket(
      ws,
      host.ctx.limits.highWaterMark,
      () => {
        // The page is behind: stop reading from the targets and from the page too
        // (its sends with echo, and any error replies, would queue up otherwise).
        this.links.forEach((l) => l.pause());
        this.readPage();
      },
      () => {
        this.links.forEach((l) => l.resume());
        this.readPage();
      },
    );
    // The page's sends are recorded too: while the capture is full they wait as well.
    this.unwatchRecorder = host.ctx.recorder.watch(() => this.readPage());
    if (host.ctx.recorder.full) this.readPage();
    ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    ws.on("close", () => this.shutdown("session"));
    this.page.sendControl(host.hello());
  }

  /** Closes every connection and view of the session (the WebSocket is closed by the caller). */
  shutdown(reason: "session" | "shutdown"): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatchRecorder();
    for (const link of this.links.values()) link.close(reason, false);
    for (const view of this.views.values()) view.close();
    this.views.clear();
  }

  /**
   * Reads from the page while it keeps up with what it is sent and the capture
   * is not full: either reason alone pauses the WebSocket. A target that does
   * not read never does: its link holds the page's sends up to a bound (see
   * onSend), so control messages and other connections go on.
   */
  private readPage(): void {
    if (this.page.behind || this.host.ctx.recorder.full) this.page.ws.pause();
    else this.page.ws.resume();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const bytes = rawToBuffer(data);
    if (isBinary) {
      this.onSend(bytes);
      return;
    }
    const parsed = parseClientMessage(bytes.toString("utf8"));
    if (!parsed.ok) {
      this.error("BAD_MESSAGE", parsed.error, parsed.req === undefined ? {} : { req: parsed.req });
      return;
    }
    this.onControl(parsed.message);
  }

  private onControl(m: ClientMessage): void {
    switch (m.type) {
      case "connect":
        this.connect(m.req, m.target, m.echo === true, m.written === true);
        return;
      case "fin":
      case "close": {
        const link = this.links.get(m.conn);
        if (link === undefined) {
          this.error("UNKNOWN_CONNECTION", `no connection ${m.conn} in this session`, {
            conn: m.conn,
          });
        } else if (m.type === "fin") {
          link.end();
        } else {
          link.close("page", true);
        }
        return;
      }
      case "list-captures":
      case "open-capture":
      case "attach":
        this.onViewRequest(m).catch((err: unknown) => {
          const text = err instanceof Error ? err.message : String(err);
          this.host.ctx.log(`framescope: ${m.type}: ${text}`);
          this.error("CAPTURE_UNREADABLE", text, { req: m.req });
        });
        return;
      case "close-view": {
        const view = this.views.get(m.view);
        if (view === undefined) this.error("UNKNOWN_VIEW", `no view ${m.view} in this session`, {});
        else view.close();
        return;
      }
    }
  }

  private async onViewRequest(
    m: Extract<ClientMessage, { type: "list-captures" | "open-capture" | "attach" }>,
  ): Promise<void> {
    const views = this.host.views;
    if (views === null) {
      this.error("CAPTURES_OFF", "this bridge runs without captures", { req: m.req });
      return;
    }
    if (m.type === "list-captures") {
      this.page.sendControl({ type: "captures", req: m.req, captures: await views.list() });
      return;
    }
    // Views being opened count too: their ids are taken until they end.
    if (this.viewIds.size >= MAX_VIEWS_PER_SESSION) {
      this.error("TOO_MANY_VIEWS", `a page may have ${MAX_VIEWS_PER_SESSION} views open at once`, {
        req: m.req,
      });
      return;
    }
    const id = this.viewIds.take();
    if (id === null) {
      this.error("TOO_MANY_VIEWS", "every view id is in use", { req: m.req });
      return;
    }
    const what =
      m.type === "attach" ? { tap: m.tap } : { capture: m.name, follow: m.follow ?? true };
    let r: Awaited<ReturnType<ViewService["open"]>>;
    try {
      r = await views.open(this.page, id, what, () => {
        // The view has sent its view-end: no message of it follows, so its id may be reused.
        this.views.delete(id);
        this.viewIds.release(id);
      });
    } catch (err) {
      this.viewIds.release(id);
      throw err;
    }
    if (!r.ok) {
      this.viewIds.release(id);
      this.error(r.code, r.message, { req: m.req });
      return;
    }
    if (this.closed) {
      r.view.close();
      return;
    }
    this.views.set(id, r.view);
    this.page.sendControl({
      type: "view",
      req: m.req,
      view: id,
      capture: r.view.capture,
      follow: r.view.follow,
      ...(m.type === "attach" ? { tap: m.tap } : {}),
    });
    r.view.start();
  }

  private connect(req: number, targetText: string, echo: boolean, written: boolean): void {
    const { limits, allow } = this.host.ctx;
    const target = parseHostPort(targetText);
    if (target === null) return this.error("BAD_TARGET", `not host:port: ${targetText}`, { req });
    if (!isAllowed(allow, target)) {
      return this.error("TARGET_NOT_ALLOWED", `${targetText} is not in the allow-list`, { req });
    }
    if (
      this.links.size >= limits.maxSessionConnections ||
      this.host.ctx.openConnections >= limits.maxConnections
    ) {
      const max = Math.min(limits.maxSessionConnections, limits.maxConnections);
      return this.error("TOO_MANY_CONNECTIONS", `connection limit reached (${max})`, { req });
    }
    const link = new TcpLink(this.host.ctx, target, {
      opened: (l, local, remote, time) =>
        this.page.sendControl({
          type: "opened",
          view: 0,
          conn: l.id,
          req,
          source: "session",
          target: l.target,
          local,
          remote,
          time,
          ...(written ? { written: 0 } : {}),
        }),
      data: (l, read, time, owner) =>
        this.page.sendFramedChunk({ dir: "s2c", view: 0, conn: l.id, time }, read, owner),
      fin: (l, dir, time) => this.page.sendControl({ type: "fin", view: 0, conn: l.id, dir, time }),
      error: (l, code, message, time, opened) => {
        if (!opened) this.forget(l);
        this.page.sendControl({
          type: "error",
          view: 0,
          conn: l.id,
          ...(opened ? {} : { req }),
          code,
          message,
          time,
        });
      },
      closed: (l, reason, time) => {
        this.forget(l);
        this.page.sendControl({ type: "closed", view: 0, conn: l.id, reason, time });
      },
      // The session keeps reading the page while a target is full: the link holds the sends.
      writable: () => undefined,
      ...(written
        ? {
            written: (l: TcpLink, bytes: number) =>
              this.page.sendControl({ type: "written", view: 0, conn: l.id, bytes }),
          }
        : {}),
    });
    this.links.set(link.id, link);
    if (echo) this.echo.add(link.id);
    if (this.page.behind) link.pause();
  }

  /** A page send: the chunk head names the connection; the rest is written as one write. */
  private onSend(message: Buffer): void {
    const r = readChunkHead(message);
    if (!r.ok) return this.error("BAD_MESSAGE", `bad chunk head: ${r.error}`, {});
    const { conn, dir, view } = r.head;
    if (dir !== "c2s" || view !== 0)
      return this.error("BAD_MESSAGE", "a send has dir c2s and view 0", { conn });
    const link = this.links.get(conn);
    if (link === undefined)
      return this.error("UNKNOWN_CONNECTION", `no connection ${conn} in this session`, { conn });
    if (!link.writable)
      return this.error("BAD_MESSAGE", `connection ${conn} is shut down for writing`, { conn });
    const bytes = message.subarray(CHUNK_HEAD_SIZE);
    if (bytes.length === 0) return;
    if (!this.roomFor(link, bytes.length)) return;
    const time = link.write(bytes);
    if (time === undefined) return;
    // The echo reuses the message: its head is rewritten in place (the bytes after it are untouched).
    if (this.echo.has(conn))
      this.page.sendFramedChunk({ dir: "c2s", view: 0, conn, time }, message);
  }

  /**
   * Keeps the bytes all of the session's links hold for their targets within
   * `limits.maxSessionQueue`: when a send would pass it, the connection holding
   * the most is ended with TARGET_NOT_READING (the one sent to, on a tie).
   * False when that is the connection sent to: its send is dropped with it.
   */
  private roomFor(link: TcpLink, size: number): boolean {
    const max = this.host.ctx.limits.maxSessionQueue;
    let total = size;
    for (const l of this.links.values()) total += l.queued;
    while (total > max) {
      let worst = link;
      for (const l of this.links.values()) if (l.queued > worst.queued) worst = l;
      const q = worst.queued;
      const lost = worst === link ? q + size : q;
      worst.abort(
        "TARGET_NOT_READING",
        `the target is not reading: ${lost} bytes could not be written (this page's ` +
          `connections hold at most ${max} for their targets, and this one held the most)`,
      );
      if (worst === link) return false;
      total -= q;
    }
    return true;
  }

  private forget(link: TcpLink): void {
    this.links.delete(link.id);
    this.echo.delete(link.id);
  }

  private error(
    code: BridgeErrorCode,
    message: string,
    about: { req?: number; conn?: number },
  ): void {
    this.page.sendControl({ type: "error", view: 0, ...about, code, message, time: nowMicros() });
  }
}
