/**
 * Messages between the page and its decode worker (web/src/session/decode-worker.ts).
 * Both ways they are plain data that survives structured cloning; frame rows
 * travel as one flat Float64Array per batch (ROW_FIELDS numbers a row), so a
 * million frames stay cheap to send and to keep.
 */
import type { Direction } from "./bridge-protocol.js";
import type { DecodedMessage } from "../decode/proto-tree.js";
import type { Frame, FrameSpans } from "../decode/frame.js";
import type { Issue } from "../decode/issue.js";
import type { ProtoFile, SchemaError } from "./schema-load.js";

/** Names one connection in the page: its capture (or session) and connection id, e.g. "capture-….fscap#12". */
export type ConnKey = string;

/** How a stream's payloads are decoded: not at all, schemaless, or as a message type of the loaded schemas. */
export type PayloadChoice =
  | { readonly kind: "none" }
  | { readonly kind: "raw" }
  | { readonly kind: "schema"; readonly type: string };

/** One stream's settings: a framing spec string (see spec.ts) and the payload decoding. */
export interface StreamConfig {
  readonly framing: string;
  readonly payload: PayloadChoice;
}

/** Both streams of a connection. */
export interface ConnectionConfig {
  readonly c2s: StreamConfig;
  readonly s2c: StreamConfig;
}

/** One chunk for the worker: which stream, when (µs since the Unix epoch), and its bytes. */
export interface ChunkItem {
  readonly conn: ConnKey;
  readonly dir: Direction;
  readonly time: number;
  readonly bytes: Uint8Array;
}

/** Page -> worker. */
export type UiToWorker =
  | { readonly type: "chunks"; readonly items: readonly ChunkItem[] }
  /** The stream ended (TCP FIN or close): a frame still open is reported as truncated. */
  | { readonly type: "end"; readonly conn: ConnKey; readonly dir: Direction }
  /**
   * New settings for every connection (and the default for new ones), or for one
   * connection only; every affected stream is framed again from its first byte.
   */
  | {
      readonly type: "configure";
      readonly scope:
        { readonly kind: "all" } | { readonly kind: "connection"; readonly conn: ConnKey };
      readonly config: ConnectionConfig;
    }
  /** Replaces the loaded .proto files; answered by `schemas`. */
  | { readonly type: "schemas"; readonly req: number; readonly files: readonly ProtoFile[] }
  /** The field tree of one frame (its row's spans in `frame`); answered by `detail`. */
  | ({ readonly type: "detail"; readonly frame: FrameRef } & StreamQuery)
  /**
   * One-line summaries of frames of one stream (the rows' spans in `frames`);
   * answered by `summaries`. Rows carry none: the page asks for the ones it shows or filters.
   */
  | ({ readonly type: "summaries"; readonly frames: readonly FrameRef[] } & StreamQuery)
  /** Drops connections and everything decoded from them. */
  | { readonly type: "forget"; readonly conns: readonly ConnKey[] };

/**
 * Numbers of one row in a `rows` batch, in this order (ROW_FIELDS of them):
 * META packs the kind (bit 0: KIND_*), the direction (bit 1: 0 c2s, 1 s2c) and
 * the ROW_FLAG_* bits (from bit 2); then the row's spans as stream offsets. An
 * issue row's spans are all its issue's span. Everything else about a row is
 * derived: a frame's index is its place among its stream's frame rows, its time
 * is that of the chunk holding its last byte, its summary is asked for.
 */
export const ROW_META = 0;
export const ROW_START = 1;
export const ROW_END = 2;
export const ROW_HEAD_START = 3;
export const ROW_HEAD_END = 4;
export const ROW_PAYLOAD_START = 5;
export const ROW_PAYLOAD_END = 6;
/** Numbers a row takes in a batch. */
export const ROW_FIELDS = 7;

/** ROW_META of a row: kind, direction (0 c2s, 1 s2c) and ROW_FLAG_* bits. */
export function rowMeta(kind: number, dir: 0 | 1, flags: number): number {
  return kind | (dir << 1) | (flags << 2);
}

/** KIND_* values (bit 0 of ROW_META): a frame, or an issue of the framing outside any frame's payload. */
export const KIND_FRAME = 0;
export const KIND_ISSUE = 1;

/** The payload was compressed (gzip flag of `length`, gRPC compressed flag). */
export const ROW_FLAG_COMPRESSED = 1;
/** The row has issues (a frame: in its payload or framing; an issue row: always). */
export const ROW_FLAG_ISSUES = 2;
/** One of them is fatal. */
export const ROW_FLAG_FATAL = 4;
/** The payload was decoded as a message (with or without a schema). */
export const ROW_FLAG_MESSAGE = 8;

/** Where framing stands in one stream. */
export interface StreamStatus {
  /** Offset from which the bytes stay unframed after a fatal issue, or null. */
  readonly stoppedAt: number | null;
  /** The spec string in force. */
  readonly framing: string;
  /** Bytes of the stream given to the framer so far (the page may hold more, on their way). */
  readonly framed: number;
}

/** Frames and issues of one connection, in the order their last byte arrived. */
export interface RowBatch {
  readonly conn: ConnKey;
  /** Rows of an older generation are stale: the connection was framed again since. */
  readonly generation: number;
  /** ROW_FIELDS numbers per row. */
  readonly rows: Float64Array;
  /** Words for the few rows that have issues (rows without are not listed), in row order. */
  readonly words: readonly RowWords[];
  readonly c2s: StreamStatus;
  readonly s2c: StreamStatus;
}

/** What a row with issues says: its issue's text (issue rows) and the issue codes. */
export interface RowWords {
  /** The row's place in its batch. */
  readonly row: number;
  /** An issue row's text ("" for a frame: its summary is asked for like any other). */
  readonly text: string;
  /** Issue codes, space-separated. */
  readonly codes: string;
}

/** A frame whose payload has issues: its index, the ROW_FLAG_* bits to add and the issue codes. */
export interface PayloadCheck {
  readonly index: number;
  readonly flags: number;
  readonly codes: string;
}

/** A frame as the page knows it from its row: its index in its stream and its spans. */
export type FrameRef = FrameSpans;

/** One stream of a connection as framed in `generation`: what a request is about and its answer names. */
export interface StreamQuery {
  readonly req: number;
  readonly conn: ConnKey;
  readonly generation: number;
  readonly dir: Direction;
}

/** Everything the field tree and hex view need about one frame. */
export interface FrameDetail {
  readonly frame: Frame;
  /** The decoded message, or undefined when the stream's payload choice is "none". */
  readonly message: DecodedMessage | undefined;
  /** The decompressed payload when the frame was gzip-compressed: the message's spans index it. */
  readonly decompressed: Uint8Array | undefined;
  /** The message as JSON text (canonical proto3 JSON with a schema, by field number without). */
  readonly json: string | undefined;
  /** Framing issues whose spans touch the frame. */
  readonly framingIssues: readonly Issue[];
}

/** The loaded schemas: their files and message types, or where they failed. */
export type SchemaStatus =
  | { readonly ok: true; readonly files: readonly string[]; readonly types: readonly string[] }
  | { readonly ok: false; readonly files: readonly string[]; readonly error: SchemaError };

/** Worker -> page. */
export type WorkerToUi =
  /** The connection is framed again from its start: drop its rows; rows of `generation` follow. */
  | { readonly type: "reset"; readonly conn: ConnKey; readonly generation: number }
  | { readonly type: "rows"; readonly batches: readonly RowBatch[] }
  | { readonly type: "schemas"; readonly req: number; readonly status: SchemaStatus }
  | {
      readonly type: "detail";
      readonly req: number;
      readonly conn: ConnKey;
      readonly dir: Direction;
      readonly index: number;
      /** Undefined when the frame is gone (the stream was framed again). */
      readonly detail: FrameDetail | undefined;
    }
  /**
   * Payloads checked since the last `checks` of this stream: frames are listed
   * as soon as they are cut, their payloads decoded for issues afterwards.
   * `checked` frames of the stream are checked now; `found` lists those with issues.
   */
  | {
      readonly type: "checks";
      readonly conn: ConnKey;
      readonly generation: number;
      readonly dir: Direction;
      readonly checked: number;
      readonly found: readonly PayloadCheck[];
    }
  /** Summaries in the order asked; none when the connection was framed again since. */
  | ({
      readonly type: "summaries";
      readonly indexes: readonly number[];
      readonly texts: readonly string[];
    } & StreamQuery)
  /** Something the worker could not do, said in words (a bad spec, an unknown type). */
  | { readonly type: "notice"; readonly text: string };
