import type protobuf from "protobufjs";
import { ByteStore } from "../decode/byte-store.js";
import type { Framer, FrameSink } from "../decode/framer.js";
import { createFramer, createFramerPair } from "../decode/framers.js";
import { parseFramingSpec, type FramingSpec } from "../decode/spec.js";
import type { PayloadMode } from "../decode/stream-decoder.js";
import type { Direction } from "./bridge-protocol.js";
import {
  checkPayload,
  CheckQueue,
  frameDetail,
  frameOf,
  frameRow,
  frameSummary,
  issueRow,
  PendingRows,
  type EngineStream,
} from "./engine-stream.js";
import { findMessageType, listMessageTypes, loadSchemas } from "./schema-load.js";
import {
  type ChunkItem,
  type ConnKey,
  type ConnectionConfig,
  type FrameDetail,
  type FrameRef,
  type PayloadCheck,
  type RowBatch,
  type StreamConfig,
  type StreamStatus,
  type UiToWorker,
  type WorkerToUi,
} from "./worker-protocol.js";

/** Rows gathered for one connection before they are posted even within one message. */
export const ROWS_PER_POST = 4096;

/** What the engine sends: a message and the buffers to transfer with it. */
export type EnginePost = (message: WorkerToUi, transfer: ArrayBuffer[]) => void;

/** Until the page says otherwise: tokio's default framing, schemaless payloads. */
export const INITIAL_CONFIG: ConnectionConfig = {
  c2s: { framing: "length", payload: { kind: "raw" } },
  s2c: { framing: "length", payload: { kind: "raw" } },
};

interface Connection {
  readonly key: ConnKey;
  /** Every chunk of both directions in arrival order, to frame the connection again. */
  readonly chunks: ChunkItem[];
  readonly c2s: EngineStream;
  readonly s2c: EngineStream;
  generation: number;
}

/**
 * The decode worker's state, without the worker: every connection's chunks,
 * a StreamDecoder per stream, the frames cut so far, and the settings. It
 * answers UiToWorker messages through `post`; rows are gathered and sent by
 * `flush` (the worker calls it after each message). Pure: no DOM, no timers.
 */
/** The payload checks of one stream done since the last flush: what the page is told next. */
interface StreamChecks {
  readonly conn: ConnKey;
  readonly generation: number;
  readonly dir: Direction;
  readonly found: PayloadCheck[];
}

export class DecodeEngine {
  private readonly conns = new Map<ConnKey, Connection>();
  private readonly overrides = new Map<ConnKey, ConnectionConfig>();
  private defaults: ConnectionConfig = INITIAL_CONFIG;
  private root: protobuf.Root | undefined;
  private readonly pending = new Map<ConnKey, PendingRows>();
  /** Payload checks done since the last flush, per stream. */
  private readonly checked = new Map<string, StreamChecks>();

  constructor(private readonly post: EnginePost) {}

  handle(msg: UiToWorker): void {
    switch (msg.type) {
      case "chunks":
        for (const item of msg.items) this.addChunk(item);
        return;
      case "end": {
        const stream = this.conns.get(msg.conn)?.[msg.dir];
        if (stream === undefined || stream.ended) return;
        stream.ended = true;
        stream.framer.endTo(this.sinkFor(this.connection(msg.conn), msg.dir));
        return;
      }
      case "configure":
        return this.configure(msg.scope, msg.config);
      case "schemas":
        return this.loadSchemas(msg.req, msg.files);
      case "detail":
        this.post(
          {
            type: "detail",
            req: msg.req,
            conn: msg.conn,
            dir: msg.dir,
            index: msg.frame.index,
            detail: this.detail(msg.conn, msg.generation, msg.dir, msg.frame),
          },
          [],
        );
        return;
      case "summaries":
        return this.summaries(msg);
      case "forget":
        for (const key of msg.conns) {
          this.conns.delete(key);
          this.overrides.delete(key);
          this.pending.delete(key);
        }
        return;
    }
  }

  /** Posts the rows gathered since the last flush (one batch per connection), then the payload checks. */
  flush(): void {
    this.flushRows();
    for (const c of this.checked.values()) {
      const s = this.conns.get(c.conn)?.[c.dir];
      const conn = this.conns.get(c.conn);
      if (s === undefined || conn === undefined || conn.generation !== c.generation) continue;
      const checked = s.checks.size === 0 ? s.infos.length : s.checks.next;
      s.checks.told = checked;
      this.post({ type: "checks", ...c, checked }, []);
    }
    this.checked.clear();
  }

  private flushRows(): void {
    if (this.pending.size === 0) return;
    const batches: RowBatch[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const [key, p] of this.pending) {
      const conn = this.conns.get(key);
      // A batch without rows still says how far framing got (a large frame still arriving).
      if (conn === undefined) continue;
      const rows = p.take();
      transfer.push(rows.buffer);
      batches.push({
        conn: key,
        generation: p.generation,
        rows,
        words: p.words,
        c2s: streamStatus(conn.c2s),
        s2c: streamStatus(conn.s2c),
      });
      // Frames with nothing to check (bytes only, empty payloads) are checked as they are cut.
      for (const dir of ["c2s", "s2c"] as const) {
        const s = conn[dir];
        if (s.checks.size === 0 && s.infos.length > s.checks.told) this.checkedOf(conn, dir);
      }
    }
    this.pending.clear();
    if (batches.length > 0) this.post({ type: "rows", batches }, transfer);
  }

  private addChunk(item: ChunkItem): void {
    const conn = this.connection(item.conn);
    conn.chunks.push(item);
    this.push(conn, item);
  }

  private push(conn: Connection, item: ChunkItem): void {
    const s = conn[item.dir];
    s.chunkStarts.push(s.store.length);
    s.chunkTimes.push(item.time);
    s.store.append(item.bytes);
    s.framer.pushTo(item.bytes, this.sinkFor(conn, item.dir));
    // The page is told how far framing got, with rows or without.
    if (!this.pending.has(conn.key)) this.pending.set(conn.key, new PendingRows(conn.generation));
  }

  private connection(key: ConnKey): Connection {
    let conn = this.conns.get(key);
    if (conn === undefined) {
      const config = this.overrides.get(key) ?? this.defaults;
      const framers = this.framers(config);
      conn = {
        key,
        chunks: [],
        c2s: this.newStream(config.c2s, framers.c2s),
        s2c: this.newStream(config.s2c, framers.s2c),
        generation: 0,
      };
      this.conns.set(key, conn);
    }
    return conn;
  }

  private newStream(
    config: StreamConfig,
    framer: { spec: FramingSpec; framer: Framer },
  ): EngineStream {
    const { mode, type } = this.payloadMode(config);
    return {
      store: new ByteStore(),
      chunkStarts: [],
      chunkTimes: [],
      // Framing only: payloads are checked afterwards (checkPayloads), so frames list at once.
      framer: framer.framer,
      checks: new CheckQueue(),
      infos: [],
      issues: [],
      ended: false,
      spec: config.framing,
      type,
      mode,
    };
  }

  /** The framers of a connection: a linked pair when both directions speak HTTP/1 (responses to HEAD). */
  private framers(
    config: ConnectionConfig,
  ): Record<Direction, { spec: FramingSpec; framer: Framer }> {
    const c2s = specOf(config.c2s.framing);
    const s2c = specOf(config.s2c.framing);
    if (c2s.kind === "http1" && s2c.kind === "http1") {
      const pair = createFramerPair(c2s);
      return { c2s: { spec: c2s, framer: pair.c2s }, s2c: { spec: s2c, framer: pair.s2c } };
    }
    return {
      c2s: { spec: c2s, framer: createFramer(c2s) },
      s2c: { spec: s2c, framer: createFramer(s2c) },
    };
  }

  private payloadMode(config: StreamConfig): {
    mode: PayloadMode;
    type: protobuf.Type | undefined;
  } {
    const p = config.payload;
    if (p.kind === "none") return { mode: { kind: "none" }, type: undefined };
    if (p.kind === "raw") return { mode: { kind: "raw" }, type: undefined };
    const type = this.root === undefined ? undefined : findMessageType(this.root, p.type);
    // Without the type (schemas not loaded yet, or a typo) the payload is still shown, schemaless.
    return type === undefined
      ? { mode: { kind: "raw" }, type: undefined }
      : { mode: { kind: "schema", type }, type };
  }

  private configure(
    scope: { readonly kind: "all" } | { readonly kind: "connection"; readonly conn: ConnKey },
    config: ConnectionConfig,
  ): void {
    for (const dir of ["c2s", "s2c"] as const) {
      const parsed = parseFramingSpec(config[dir].framing);
      if (!parsed.ok) {
        this.post({ type: "notice", text: `${dir} framing not applied: ${parsed.error}` }, []);
        return;
      }
    }
    if (scope.kind === "all") {
      this.defaults = config;
      this.overrides.clear();
      for (const conn of [...this.conns.values()]) this.reframe(conn);
    } else {
      this.overrides.set(scope.conn, config);
      const conn = this.conns.get(scope.conn);
      if (conn !== undefined) this.reframe(conn);
    }
  }

  /** Frames a connection again from its first byte with its current settings. */
  private reframe(old: Connection): void {
    this.flush();
    this.pending.delete(old.key);
    this.conns.delete(old.key);
    const conn = this.connection(old.key);
    conn.generation = old.generation + 1;
    this.post({ type: "reset", conn: conn.key, generation: conn.generation }, []);
    for (const item of old.chunks) {
      conn.chunks.push(item);
      this.push(conn, item);
    }
    for (const dir of ["c2s", "s2c"] as const) {
      if (!old[dir].ended) continue;
      conn[dir].ended = true;
      conn[dir].framer.endTo(this.sinkFor(conn, dir));
    }
  }

  private loadSchemas(req: number, files: readonly { name: string; text: string }[]): void {
    const names = files.map((f) => f.name);
    const result = files.length === 0 ? undefined : loadSchemas(files);
    if (result !== undefined && !result.ok) {
      this.post(
        { type: "schemas", req, status: { ok: false, files: names, error: result.error } },
        [],
      );
      return;
    }
    this.root = result?.root;
    const types = this.root === undefined ? [] : listMessageTypes(this.root);
    this.post({ type: "schemas", req, status: { ok: true, files: names, types } }, []);
    // Streams decoded with a type (or waiting for one) are decoded again with the new schemas.
    for (const conn of [...this.conns.values()]) {
      const config = this.overrides.get(conn.key) ?? this.defaults;
      if (config.c2s.payload.kind === "schema" || config.s2c.payload.kind === "schema")
        this.reframe(conn);
    }
  }

  /** Where the framer of `conn`'s `dir` stream puts frames and issues: rows, posted every ROWS_PER_POST. */
  private sinkFor(conn: Connection, dir: Direction): FrameSink {
    const s = conn[dir];
    const d = dir === "c2s" ? 0 : 1;
    let p: PendingRows | undefined;
    const rows = (): PendingRows => {
      p ??= this.pending.get(conn.key);
      if (p === undefined) {
        p = new PendingRows(conn.generation);
        this.pending.set(conn.key, p);
      }
      return p;
    };
    const posted = (): void => {
      if ((p?.count ?? 0) < ROWS_PER_POST) return;
      this.flush();
      p = undefined;
    };
    return {
      frame: (index, start, end, headStart, headEnd, payloadStart, payloadEnd, _fc, _ec, info) => {
        frameRow(
          rows(),
          d,
          s,
          index,
          start,
          end,
          headStart,
          headEnd,
          payloadStart,
          payloadEnd,
          info,
        );
        posted();
      },
      issue: (issue) => {
        issueRow(rows(), d, s, issue);
        posted();
      },
    };
  }

  /** True while frames wait for their payloads to be checked. */
  hasChecks(): boolean {
    for (const conn of this.conns.values())
      if (conn.c2s.checks.size > 0 || conn.s2c.checks.size > 0) return true;
    return false;
  }

  /**
   * Checks up to `max` waiting payloads (oldest connection first); what was
   * found goes out with the next `flush`, one `checks` per stream. Returns true
   * while more wait. The worker calls it between messages, so framing and
   * requests go first.
   */
  checkPayloads(max: number): boolean {
    let budget = max;
    for (const conn of this.conns.values()) {
      for (const dir of ["c2s", "s2c"] as const) {
        const s = conn[dir];
        if (s.checks.size === 0 || budget <= 0) continue;
        const done = this.checkedOf(conn, dir);
        for (; budget > 0; budget--) {
          const r = checkPayload(s);
          if (r === undefined) break;
          if (r !== null) done.found.push(r);
        }
      }
    }
    return this.hasChecks();
  }

  /** What the next `flush` tells the page of the checks of `dir` (made when there is none yet). */
  private checkedOf(conn: Connection, dir: Direction): StreamChecks {
    const key = `${dir}|${conn.key}`;
    let done = this.checked.get(key);
    if (done === undefined || done.generation !== conn.generation) {
      done = { conn: conn.key, generation: conn.generation, dir, found: [] };
      this.checked.set(key, done);
    }
    return done;
  }

  /** The stream of a connection as of `generation`, or undefined once it was framed again. */
  private stream(key: ConnKey, generation: number, dir: Direction): EngineStream | undefined {
    const conn = this.conns.get(key);
    return conn === undefined || conn.generation !== generation ? undefined : conn[dir];
  }

  private detail(
    key: ConnKey,
    generation: number,
    dir: Direction,
    ref: FrameRef,
  ): FrameDetail | undefined {
    const s = this.stream(key, generation, dir);
    const frame = s === undefined ? undefined : frameOf(s, ref);
    return s === undefined || frame === undefined ? undefined : frameDetail(s, frame);
  }

  private summaries(msg: Extract<UiToWorker, { type: "summaries" }>): void {
    const s = this.stream(msg.conn, msg.generation, msg.dir);
    const indexes: number[] = [];
    const texts: string[] = [];
    if (s !== undefined) {
      for (const ref of msg.frames) {
        const frame = frameOf(s, ref);
        if (frame === undefined) continue;
        indexes.push(frame.index);
        texts.push(frameSummary(s, frame));
      }
    }
    const { req, conn, generation, dir } = msg;
    this.post({ type: "summaries", req, conn, generation, dir, indexes, texts }, []);
  }
}

/** A spec string the page checked already; an invalid one (a programmer error) falls back to `length`. */
function specOf(text: string): FramingSpec {
  const parsed = parseFramingSpec(text);
  if (parsed.ok) return parsed.spec;
  const fallback = parseFramingSpec("length");
  if (!fallback.ok) throw new Error("the default framing spec does not parse");
  return fallback.spec;
}

/** What the page is told of a stream with each batch of rows. */
function streamStatus(s: EngineStream): StreamStatus {
  return { stoppedAt: s.framer.stoppedAt ?? null, framing: s.spec, framed: s.store.length };
}
