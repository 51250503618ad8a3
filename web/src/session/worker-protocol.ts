/**
 * Messages between the page and its decode worker (web/src/session/decode-worker.ts).
 * Both ways they are plain data that survives structured cloning; frame rows
 * travel as one flat Float64Array per batch (ROW_FIELDS numbers a row), so a
 * million frames stay cheap to send and to keep.
 */
import type { Direction } from "./bridge-protocol.js";
import type { DecodedMessage } from "../decode/proto-tree.js";
import type { Frame } from "../decode/frame.js";
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
  /** The field tree of one frame; answered by `detail`. */
  | {
      readonly type: "detail";
      readonly req: number;
      readonly conn: ConnKey;
      readonly dir: Direction;
      readonly index: number;
    }
  /** Drops connections and everything decoded from them. */
  | { readonly type: "forget"; readonly conns: readonly ConnKey[] };

/** Numbers of one row in a `rows` batch, in this order. */
export const ROW_KIND = 0;
export const ROW_DIR = 1;
/** Frame index in its stream, or the issue's ordinal among its stream's issues. */
export const ROW_INDEX = 2;
export const ROW_START = 3;
export const ROW_END = 4;
export const ROW_HEAD_START = 5;
export const ROW_HEAD_END = 6;
export const ROW_PAYLOAD_START = 7;
export const ROW_PAYLOAD_END = 8;
export const ROW_FIRST_CHUNK = 9;
export const ROW_END_CHUNK = 10;
/** When the row's last byte arrived: µs since the Unix epoch. */
export const ROW_TIME = 11;
/** ROW_FLAG_* bits. */
export const ROW_FLAGS = 12;
/** Numbers a row takes in a batch. */
export const ROW_FIELDS = 13;

/** ROW_KIND values: a frame, or an issue of the framing outside any frame's payload. */
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
}

/** Frames and issues of one connection, in the order their last byte arrived. */
export interface RowBatch {
  readonly conn: ConnKey;
  /** Rows of an older generation are stale: the connection was framed again since. */
  readonly generation: number;
  /** ROW_FIELDS numbers per row. */
  readonly rows: Float64Array;
  /** A one-line summary per row: message type and first fields, or the issue's text. */
  readonly summaries: readonly string[];
  /** Issue codes per row, space-separated ("" for none). */
  readonly notes: readonly string[];
  readonly c2s: StreamStatus;
  readonly s2c: StreamStatus;
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
  /** Something the worker could not do, said in words (a bad spec, an unknown type). */
  | { readonly type: "notice"; readonly text: string };
