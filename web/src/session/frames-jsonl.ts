/**
 * Frames of the page's connections as JSON Lines, record for record the shape
 * `framescope decode` prints for a capture (records.ts): a "frame" line per
 * frame and an "issue" line per issue, each with conn and dir, in the order the
 * chunks arrived. Each stream uses its own settings (framing spec and message
 * type), where the command uses one for all.
 */
import type protobuf from "protobufjs";
import type { FramerPair } from "../decode/framers.js";
import { createFramerPair } from "../decode/framers.js";
import { messageToJson } from "../decode/proto-json.js";
import { eventRecords, rawMessageJson, type Json } from "../decode/records.js";
import { parseFramingSpec } from "../decode/spec.js";
import type { Issue } from "../decode/issue.js";
import {
  StreamDecoder,
  type DecodedFrame,
  type PayloadMode,
  type StreamEvent,
} from "../decode/stream-decoder.js";
import type { Direction } from "./bridge-protocol.js";
import type { CaptureStore } from "./capture-store.js";
import { findMessageType } from "./schema-load.js";
import type { ConnKey, ConnectionConfig } from "./worker-protocol.js";

/** One connection to export: its key, its number in the lines, and its settings. */
export interface JsonlConnection {
  readonly key: ConnKey;
  readonly conn: number;
  readonly config: ConnectionConfig;
}

/** The JSON Lines text (one record a line, ending in a newline), or why a stream cannot be framed. */
export function framesJsonLines(
  store: CaptureStore,
  conns: readonly JsonlConnection[],
  root: protobuf.Root | undefined,
  options: { readonly fields: boolean } = { fields: false },
): { ok: true; text: string } | { ok: false; error: string } {
  const lines: string[] = [];
  for (const c of conns) {
    const stored = store.get(c.key);
    if (stored === undefined) continue;
    const decoders = {} as Record<Direction, StreamDecoder>;
    const json = {} as Record<
      Direction,
      (frame: DecodedFrame, issues: Issue[]) => Json | undefined
    >;
    let pair: FramerPair | undefined;
    for (const dir of ["c2s", "s2c"] as const) {
      const cfg = c.config[dir];
      const spec = parseFramingSpec(cfg.framing);
      if (!spec.ok) return { ok: false, error: `${dir} framing: ${spec.error}` };
      // Both directions share a framer pair when the specs match (HTTP/1 responses learn request methods).
      if (pair === undefined || c.config.c2s.framing !== c.config.s2c.framing)
        pair = createFramerPair(spec.spec);
      const type =
        cfg.payload.kind === "schema" && root !== undefined
          ? findMessageType(root, cfg.payload.type)
          : undefined;
      const mode: PayloadMode =
        type !== undefined
          ? { kind: "schema", type }
          : cfg.payload.kind === "none"
            ? { kind: "none" }
            : { kind: "raw" };
      decoders[dir] = new StreamDecoder(spec.spec, mode, pair[dir]);
      json[dir] = (frame, issues) => {
        const m = frame.message;
        if (m === undefined) return undefined;
        return type === undefined ? rawMessageJson(m) : messageToJson(m, type, issues);
      };
    }
    const write = (dir: Direction, events: readonly StreamEvent[]): void => {
      const origin = { conn: c.conn, dir };
      for (const ev of events)
        for (const rec of eventRecords(ev, json[dir], { fields: options.fields, origin }))
          lines.push(JSON.stringify(rec));
    };
    // The chunks of both directions in the order they arrived.
    const chunks: { dir: Direction; time: number; bytes: Uint8Array }[] = [];
    for (const dir of ["c2s", "s2c"] as const) {
      const s = stored[dir];
      for (let i = 0; i < s.chunkCount; i++) {
        const ch = s.chunk(i);
        if (ch !== undefined) chunks.push({ dir, time: ch.time, bytes: ch.bytes });
      }
    }
    chunks.sort((a, b) => a.time - b.time);
    for (const ch of chunks) write(ch.dir, decoders[ch.dir].push(ch.bytes));
    for (const dir of ["c2s", "s2c"] as const) write(dir, decoders[dir].end());
  }
  return { ok: true, text: lines.length === 0 ? "" : lines.join("\n") + "\n" };
}
