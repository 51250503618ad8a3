import type { DecodedMessage, MessageSource } from "./proto-tree.js";
import { parseFields } from "./raw-walk-fields.js";
import { newWalk } from "./raw-walk-state.js";
import { MAX_DEPTH, MAX_DEPTH_CEILING } from "./schema-walk.js";

/**
 * The schemaless protobuf walk, like `protoc --decode_raw` but with a span for
 * every tag, length and value, and without ever throwing or losing a byte.
 *
 * How a LEN field is read (facts.reading; the other plausible readings are
 * listed by fieldAlternatives, in the order message, string, packed-varint,
 * packed-fixed32, packed-fixed64, bytes):
 * - empty: "bytes" (alternatives string, message);
 * - "message" when the bytes parse as exactly one message (field numbers
 *   1..2^29-1, wire types 0..5, lengths inside, groups matched) and either are
 *   not printable text or the message has nested structure (a group, or a LEN
 *   field read as a message): short text often parses as a flat message ("hi"
 *   is field 13 = 105), so printable text without nesting stays a string;
 * - "string" when the bytes are printable UTF-8 (see BYTES_PRINTABLE); only
 *   then is "string" a plausible reading at all;
 * - "bytes" otherwise. Packed readings (a whole run of varints, a multiple of 4
 *   or 8 bytes) are only ever offered as alternatives: see readAs.
 *
 * The walk stops at the first field it cannot read (bad tag, truncated value,
 * length past the end, unmatched end-group): one fatal issue spans from that
 * field's start to the end, so the top-level field spans and that issue tile
 * the input. Groups left open by the stop or by the end get an UNTERMINATED_GROUP
 * issue (on their start tag) and end where the walk ended.
 *
 * Messages nest at most `maxDepth` deep (top level = 0): a group deeper than
 * that stops the walk (DEPTH_LIMIT, fatal); a LEN field deeper than that is not
 * read as a message, and gets a non-fatal DEPTH_LIMIT issue when its bytes would
 * have been one (checked one level deep) and are not printable text.
 *
 * Cost: each LEN field's bytes are classified in one pass, then read as a
 * message at most once (a failed attempt is dropped, never retried), so the work
 * is linear in the bytes times the nesting depth. A value longer than 64 bytes
 * is first scanned (tags only, no nodes) and read only when it is one message,
 * so a wrong guess on a large value costs one scan; issue texts are only built
 * for issues that are kept. Nodes keep spans and nested fields only: integers,
 * strings, bytes, the zigzag and float readings and the packed alternatives are
 * read from the bytes when asked for (field-decode.ts).
 */

/** Options of walkRaw. */
export interface RawWalkOptions {
  /** Deepest nesting read as a message (the top level is 0); default MAX_DEPTH (100), clamped to 0..MAX_DEPTH_CEILING. */
  readonly maxDepth?: number;
}

const STREAM: MessageSource = Object.freeze({ kind: "stream" });

/**
 * Walks `bytes` as a protobuf message without a schema; `base` is the absolute
 * offset of bytes[0], so every span is index + base.
 */
export function walkRaw(bytes: Uint8Array, base: number, options?: RawWalkOptions): DecodedMessage {
  const asked = options?.maxDepth;
  const maxDepth = asked === undefined ? MAX_DEPTH : clampDepth(asked);
  const w = newWalk(bytes, base, maxDepth);
  const fields = parseFields(w, 0, bytes.length, 0, 0);
  return {
    typeName: undefined,
    span: [base, base + bytes.length],
    fields,
    issues: w.issues,
    source: STREAM,
  };
}

/** maxDepth as asked, floored and clamped to 0..MAX_DEPTH_CEILING (NaN: MAX_DEPTH). */
function clampDepth(asked: number): number {
  const d = Math.floor(asked);
  return Number.isNaN(d) ? MAX_DEPTH : Math.max(0, Math.min(d, MAX_DEPTH_CEILING));
}
