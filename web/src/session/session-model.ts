/**
 * The page's state outside React: the bridge link, everything received (the
 * capture store), the frame rows the worker sent, the settings, the schemas
 * and the selection. Components read it (subscribe + version, for
 * useSyncExternalStore) and call its actions; it talks to the bridge client
 * and the decode worker, and notifies at most once per scheduled tick so a
 * fast stream re-renders in batches.
 */
import type { CaptureInfo, Direction } from "./bridge-protocol.js";
import type { BridgeClient, BridgeState } from "./bridge-client.js";
import { CHUNK_HEAD_SIZE } from "./bridge-protocol.js";
import { handleBridgeEvent } from "./bridge-input.js";
import { downloadCapture, type CaptureDownloader } from "./capture-download.js";
import { CaptureStore } from "./capture-store.js";
import { DEFAULT_CONFIG } from "./defaults.js";
import { FrameTable } from "./frame-table.js";
import type { ProtoFile } from "./schema-load.js";
import { Selection } from "./selection.js";
import { SendFlows } from "./send-flow.js";
import { SharedChunks, forWorker } from "./shared-chunks.js";
import type { ViewInfo } from "./server-messages.js";
import type {
  ChunkItem,
  ConnKey,
  ConnectionConfig,
  FrameRef,
  SchemaStatus,
  UiToWorker,
  WorkerToUi,
} from "./worker-protocol.js";

/** The members of a Worker the model uses (tests pass an in-process engine). */
export interface WorkerLike {
  /** `transfer`: buffers handed over to the worker (no longer usable here). */
  postMessage(message: UiToWorker, transfer?: ArrayBuffer[]): void;
  onmessage: ((event: { readonly data: WorkerToUi }) => void) | null;
}

/** A problem to show where it happened. */
export interface Notice {
  readonly id: number;
  readonly place: "bridge" | "connect" | "capture" | "schemas" | "framing" | "worker";
  readonly text: string;
}

/** The last `connect` the user asked for and how it went. */
export type ConnectStatus =
  | { readonly state: "pending"; readonly target: string; readonly req: number }
  | { readonly state: "open"; readonly target: string; readonly conn: ConnKey }
  | {
      readonly state: "failed";
      readonly target: string;
      readonly code: string;
      readonly text: string;
    };

export interface SessionModelOptions {
  readonly client: BridgeClient;
  readonly worker: WorkerLike;
  /** Runs `fn` soon, once per call (requestAnimationFrame in the page). */
  readonly schedule: (fn: () => void) => void;
  /** The .proto files offered from the start (proto/*.proto). */
  readonly protoFiles: readonly ProtoFile[];
  /**
   * Least time between two re-renders caused by traffic alone (ms; default 0).
   * A fast stream then re-renders a few times a second instead of every frame,
   * which leaves the main thread free to take in bytes; what the user does still
   * shows on the next frame.
   */
  readonly trafficRenderMs?: number;
  /** A clock in ms for `trafficRenderMs` (default performance.now). */
  readonly now?: () => number;
  /** Downloads a capture file from the bridge; without it, captures open through a view. */
  readonly download?: CaptureDownloader;
  /** Hold chunks in memory shared with the worker (default: when the page may share memory). */
  readonly shareChunks?: boolean;
}

/** Bytes of chunks queued for the worker that are sent without waiting for the next tick. */
export const OUTBOX_BYTES = 256 * 1024;

export class SessionModel {
  readonly store = new CaptureStore();
  readonly tables = new Map<ConnKey, FrameTable>();
  readonly selection: Selection;
  bridge: BridgeState;
  views = new Map<number, ViewInfo>();
  captures: readonly CaptureInfo[] | undefined;
  connect: ConnectStatus | undefined;
  notices: Notice[] = [];
  defaults: ConnectionConfig = DEFAULT_CONFIG;
  readonly overrides = new Map<ConnKey, ConnectionConfig>();
  protoFiles: ProtoFile[];
  schemas: SchemaStatus | undefined;
  /** Message types of the last schemas that loaded. */
  schemaTypes: readonly string[] = [];
  /** Tap names and capture names to (re)attach after every hello. */
  readonly wanted = { taps: new Set<string>(), captures: new Set<string>() };
  /** The capture the bridge is writing, as its last hello said (null: captures off or never connected). */
  liveCapture: string | null = null;
  /**
   * Connections this page opened (the bridge said so on its live view): the only
   * ones it may write to or close while they are open. A recorded or imported
   * conversation may share a connection number with a live one; the connections
   * of a lost link are closed (linkLost).
   */
  readonly opened = new Set<ConnKey>();
  /** Until the user picks something, the newest conversation is shown. */
  followNewest = true;
  /** Bumped on every change; components re-render when it moves. */
  version = 0;
  /** Bumped when settings, schemas or notices change (see useSessionSettings). */
  settingsVersion = 0;

  /** Chunks seen per view and stream, to skip the replay of chunks already held. */
  readonly seen = new Map<string, number>();
  readonly requests = new Map<number, { kind: "attach" | "open-capture"; name: string }>();
  /** Where received chunks are held: shared with the worker when the page may share memory. */
  readonly chunks: SharedChunks;
  /** How much of this page's sends the bridge has written to each target. */
  readonly flows = new SendFlows();
  private readonly outbox: ChunkItem[] = [];
  private outboxBytes = 0;

  /**
   * Queues a chunk for the worker; queued chunks go in one message per tick, or
   * at once when OUTBOX_BYTES are queued, so the worker never waits for a frame.
   */
  queueChunk(item: ChunkItem): void {
    this.outbox.push(item);
    this.outboxBytes += item.bytes.length;
    if (this.outboxBytes >= OUTBOX_BYTES) this.postChunks();
  }

  private postChunks(): void {
    if (this.outbox.length === 0) return;
    // Shared chunks go as they are; others as a copy of their own, transferred.
    const transfer: ArrayBuffer[] = [];
    const items = this.outbox
      .splice(0)
      .map((item) => ({ ...item, bytes: forWorker(item.bytes, transfer) }));
    this.options.worker.postMessage({ type: "chunks", items }, transfer);
    this.outboxBytes = 0;
  }
  private readonly listeners = new Set<() => void>();
  private scheduled = false;
  private urgent = false;
  private notifiedAt = -Infinity;
  private readonly now: () => number;
  private noticeId = 0;
  private schemaReq = 0;
  private summaryReq = 0;
  private started = false;
  /** The demo tap is attached by itself once per page load, not again after the user detached it. */
  demoOffered = false;

  constructor(private readonly options: SessionModelOptions) {
    this.now = options.now ?? (() => performance.now());
    this.chunks = new SharedChunks(options.shareChunks);
    this.bridge = options.client.state;
    this.protoFiles = [...options.protoFiles];
    this.selection = new Selection(this, (msg) => this.options.worker.postMessage(msg));
    options.worker.onmessage = (event) => this.fromWorker(event.data);
    options.client.listen((event) => handleBridgeEvent(this, event));
  }

  /** Loads the offered schemas, applies the default settings and opens the link to the bridge. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.postSchemas();
    this.options.worker.postMessage({
      type: "configure",
      scope: { kind: "all" },
      config: this.defaults,
    });
    this.options.client.start();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** Marks the state changed; listeners run once on the next tick. */
  changed(): void {
    this.urgent = true;
    this.tick();
  }

  /**
   * Marks the state changed by traffic (chunks, rows): queued chunks go to the
   * worker on the next tick, listeners run at most every `trafficRenderMs`.
   */
  trafficChanged(): void {
    this.tick();
  }

  private tick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.options.schedule(() => {
      this.scheduled = false;
      this.postChunks();
      const now = this.now();
      if (!this.urgent && now - this.notifiedAt < (this.options.trafficRenderMs ?? 0)) {
        this.tick();
        return;
      }
      this.urgent = false;
      this.notifiedAt = now;
      this.version++;
      for (const l of this.listeners) l();
    });
  }

  notice(place: Notice["place"], text: string): void {
    this.notices = [...this.notices.slice(-19), { id: ++this.noticeId, place, text }];
    this.settingsChanged();
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
    this.settingsChanged();
  }

  /** Settings, schemas or notices changed: what useSessionSettings components show. */
  settingsChanged(): void {
    this.settingsVersion++;
    this.changed();
  }

  /** The settings of one connection. */
  configOf(key: ConnKey | undefined): ConnectionConfig {
    return (key === undefined ? undefined : this.overrides.get(key)) ?? this.defaults;
  }

  table(key: ConnKey): FrameTable {
    let t = this.tables.get(key);
    if (t === undefined) {
      t = new FrameTable();
      this.tables.set(key, t);
    }
    return t;
  }

  /** Total frames cut per direction over all connections. */
  frameTotals(): Record<Direction, number> {
    const out = { c2s: 0, s2c: 0 };
    for (const t of this.tables.values()) {
      out.c2s += t.frameCount("c2s");
      out.s2c += t.frameCount("s2c");
    }
    return out;
  }

  /** Bytes the decode worker has framed, over every connection, per direction. */
  framedTotals(): Record<Direction, number> {
    const out = { c2s: 0, s2c: 0 };
    for (const t of this.tables.values()) {
      out.c2s += t.status.c2s.framed;
      out.s2c += t.status.s2c.framed;
    }
    return out;
  }

  // ---- actions -------------------------------------------------------------

  /** Opens a TCP connection through the bridge; the answer shows in `connect`. */
  connectTo(target: string): void {
    const req = this.options.client.nextReq();
    if (!this.options.client.send({ type: "connect", req, target, echo: true, written: true })) {
      this.connect = {
        state: "failed",
        target,
        code: "NO_BRIDGE",
        text: "the bridge is not connected",
      };
    } else this.connect = { state: "pending", target, req };
    this.changed();
  }

  /** True for an open connection this page opened (see `opened`). */
  canWrite(key: ConnKey | undefined): boolean {
    const c = key === undefined ? undefined : this.store.get(key);
    return key !== undefined && this.opened.has(key) && c !== undefined && c.closed === undefined;
  }

  /** Closes a connection this page opened. */
  disconnect(key: ConnKey): void {
    const c = this.store.get(key);
    if (c !== undefined && this.canWrite(key))
      this.options.client.send({ type: "close", conn: c.conn });
  }

  /** Sends bytes on a connection this page opened; false when it cannot be sent. */
  sendBytes(key: ConnKey, bytes: Uint8Array): boolean {
    const c = this.store.get(key);
    if (c === undefined || !this.canWrite(key)) return false;
    if (!this.options.client.sendChunk(c.conn, bytes)) return false;
    this.flows.sent(key, bytes.length);
    return true;
  }

  /**
   * True when the bridge holds at most `window` bytes of this page's sends on
   * `key` for its target (the rest it has written; always, with a bridge that
   * does not report), else a promise of true once it does, of false when the
   * connection ends first.
   */
  taken(key: ConnKey, window: number): true | Promise<boolean> {
    // Never more than half of what the bridge lets a connection hold.
    const most: unknown =
      this.bridge.kind === "open" ? this.bridge.hello.limits.maxLinkQueue : undefined;
    return this.flows.taken(
      key,
      typeof most === "number" ? Math.min(window, Math.floor(most / 2)) : window,
    );
  }

  /** The most bytes one write may carry: the bridge's message limit less a chunk's head. */
  maxWrite(): number | undefined {
    return this.bridge.kind === "open"
      ? this.bridge.hello.limits.maxPayload - CHUNK_HEAD_SIZE
      : undefined;
  }

  /**
   * The link to the bridge is gone, and with it (the bridge closes them) every
   * connection this page opened over it: they are marked closed for "session".
   */
  linkLost(time: number): void {
    for (const key of this.opened) {
      const c = this.store.get(key);
      if (c === undefined || c.closed !== undefined) continue;
      c.closed = { reason: "session", time };
      this.endStream(key, "c2s", time);
      this.endStream(key, "s2c", time);
    }
  }

  attach(tap: string): void {
    this.wanted.taps.add(tap);
    this.request("attach", tap);
  }

  /**
   * Opens a capture: a recorded one is downloaded (HTTP is much faster than the
   * WebSocket), the one being written is followed through a view.
   */
  openCapture(name: string): void {
    const download = this.options.download;
    if (download !== undefined && name !== this.liveCapture) {
      void downloadCapture(this, name, download);
      return;
    }
    this.wanted.captures.add(name);
    this.request("open-capture", name);
  }

  /** Stops a tap or capture view (its connections stay). */
  closeView(view: number): void {
    const v = this.views.get(view);
    if (v === undefined) return;
    if (v.kind === "tap") this.wanted.taps.delete(v.name);
    else this.wanted.captures.delete(v.name);
    this.options.client.send({ type: "close-view", view });
  }

  listCaptures(): void {
    this.options.client.send({ type: "list-captures", req: this.options.client.nextReq() });
  }

  /** New settings for every connection (`key` undefined) or for one. */
  configure(config: ConnectionConfig, key?: ConnKey): void {
    if (key === undefined) {
      this.defaults = config;
      this.overrides.clear();
    } else this.overrides.set(key, config);
    this.options.worker.postMessage({
      type: "configure",
      scope: key === undefined ? { kind: "all" } : { kind: "connection", conn: key },
      config,
    });
    this.selection.keepAcrossReframe(key);
    this.settingsChanged();
  }

  /** Adds .proto files (a file of the same name is replaced) and loads the whole set. */
  addProtoFiles(files: readonly ProtoFile[]): void {
    const names = new Set(files.map((f) => f.name));
    this.protoFiles = [...this.protoFiles.filter((f) => !names.has(f.name)), ...files];
    this.postSchemas();
  }

  removeProtoFile(name: string): void {
    this.protoFiles = this.protoFiles.filter((f) => f.name !== name);
    this.postSchemas();
  }

  /** Follow the newest conversation (or stop). */
  setFollowNewest(on: boolean): void {
    this.followNewest = on;
    const keys = this.store.keys();
    const newest = keys[keys.length - 1];
    if (on && newest !== undefined) this.selection.selectConversation(newest, true);
    this.changed();
  }

  /**
   * Asks the worker for the summaries of frame rows of a connection (those the
   * list shows or the filter reads) that are neither held nor asked for yet.
   */
  askSummaries(key: ConnKey, rows: Iterable<number>): void {
    const t = this.tables.get(key);
    if (t === undefined) return;
    const byDir: Record<Direction, FrameRef[]> = { c2s: [], s2c: [] };
    for (const row of t.toAsk(rows)) {
      const ref = t.frameRef(row);
      if (ref !== undefined) byDir[t.dirOf(row)].push(ref);
    }
    for (const dir of ["c2s", "s2c"] as const) {
      if (byDir[dir].length === 0) continue;
      this.options.worker.postMessage({
        type: "summaries",
        req: ++this.summaryReq,
        conn: key,
        generation: t.generation,
        dir,
        frames: byDir[dir],
      });
    }
  }

  /** Forgets every connection that has closed. */
  clearClosed(): void {
    const gone = this.store.keys().filter((k) => this.store.get(k)?.closed !== undefined);
    this.store.remove(gone);
    this.flows.forget(gone);
    for (const k of gone) {
      this.tables.delete(k);
      this.opened.delete(k);
    }
    this.options.worker.postMessage({ type: "forget", conns: gone });
    this.selection.forget(new Set(gone));
    this.changed();
  }

  // ---- inputs ----------------------------------------------------------------

  /** Asks the bridge for a tap or a capture; the answer (`view`) is matched by its request number. */
  request(kind: "attach" | "open-capture", name: string): void {
    const req = this.options.client.nextReq();
    this.requests.set(req, { kind, name });
    const sent =
      kind === "attach"
        ? this.options.client.send({ type: "attach", req, tap: name })
        : this.options.client.send({ type: "open-capture", req, name, follow: true });
    if (!sent) this.requests.delete(req);
  }

  private postSchemas(): void {
    this.settingsVersion++;
    this.options.worker.postMessage({
      type: "schemas",
      req: ++this.schemaReq,
      files: this.protoFiles,
    });
  }

  /** A direction ended (FIN or close): the worker reports a frame left open. */
  endStream(key: ConnKey, dir: Direction, time: number): void {
    const c = this.store.get(key);
    if (c === undefined || c[dir].endedAt !== null) return;
    c[dir].endedAt = time;
    this.postChunks();
    this.options.worker.postMessage({ type: "end", conn: key, dir });
  }

  private fromWorker(msg: WorkerToUi): void {
    switch (msg.type) {
      case "reset":
        this.table(msg.conn).reset(msg.generation);
        this.selection.reset(msg.conn);
        break;
      case "rows":
        for (const b of msg.batches) {
          if (this.store.get(b.conn) === undefined) continue;
          if (this.table(b.conn).append(b)) this.selection.rowsAdded(b.conn);
        }
        this.trafficChanged();
        return;
      case "schemas":
        if (msg.req !== this.schemaReq) return;
        this.schemas = msg.status;
        if (msg.status.ok) this.schemaTypes = msg.status.types;
        this.settingsVersion++;
        break;
      case "detail":
        this.selection.detailArrived(msg);
        break;
      case "checks": {
        const t = this.tables.get(msg.conn);
        if (t === undefined || t.generation !== msg.generation) return;
        t.putChecks(msg.dir, msg.checked, msg.found);
        this.trafficChanged();
        return;
      }
      case "summaries": {
        const t = this.tables.get(msg.conn);
        if (t === undefined || t.generation !== msg.generation) return;
        t.putSummaries(msg.dir, msg.indexes, msg.texts);
        // Rows in view ask for summaries on every render: under fast traffic this must not
        // turn into a render per answer.
        this.trafficChanged();
        return;
      }
      case "notice":
        this.notice("framing", msg.text);
        return;
    }
    this.changed();
  }
}
