import { makeIssue } from "./issue.js";
import type { FieldNode, FieldValue, Reading } from "./proto-tree.js";
import { parseFields } from "./raw-walk-fields.js";
import {
  BYTES_ASCII,
  BYTES_PRINTABLE,
  READ_BYTES,
  READ_MESSAGE,
  READ_PACKED_FIXED32,
  READ_PACKED_FIXED64,
  READ_PACKED_VARINT,
  READ_STRING,
  SCAN_CONTAINERS,
  SCAN_FAIL,
  firstTagFails,
  isPackedVarints,
  readingList,
  scanMessage,
  textKind,
} from "./raw-walk-guess.js";
import { lenNode, stringValue } from "./raw-walk-nodes.js";
import type { Walk } from "./raw-walk-state.js";
import type { Span } from "./span.js";

/**
 * The reading of a LEN field in the schemaless walk (see raw-walk.ts for the
 * rules): text, a message, or bytes, with the other plausible readings. The
 * message reading is tried at most once, after a tag scan for long values; a
 * failed try is dropped (inside one, problems fail it instead of making issues).
 */

const EMPTY_BYTES: FieldValue = Object.freeze({ kind: "bytes", value: new Uint8Array(0) });
const EMPTY_ALTERNATIVES: readonly Reading[] = Object.freeze(["string", "message"]);
/** Non-printable LEN values up to this many bytes are read as a message without a scan first. */
const ATTEMPT_UNSCANNED = 64;

/**
 * Chooses the reading of the LEN field whose value is bytes[valueStart, end)
 * (see raw-walk.ts); `depth` is the nesting a message reading would have. The
 * message attempt is made here, not in a helper, so that each level of
 * nesting costs two stack frames (this and parseFields).
 */
export function readLen(
  w: Walk,
  number: number,
  fieldStart: number,
  tagEnd: number,
  valueStart: number,
  end: number,
  depth: number,
): FieldNode {
  const bytes = w.bytes;
  const base = w.base;
  // Printable ASCII is checked inline; textKind takes over at the first byte above 0x7f.
  let i = valueStart;
  let b = 0;
  while (i < end) {
    b = bytes[i] ?? 0;
    if (b >= 0x20 ? b >= 0x7f : b !== 0x0a && b !== 0x0d && b !== 0x09) break;
    i++;
  }
  if (i === end && i > valueStart) {
    const kind = BYTES_PRINTABLE | BYTES_ASCII;
    return readText(w, number, fieldStart, tagEnd, valueStart, end, depth, kind);
  }
  const kind = b >= 0x80 && i < end ? textKind(bytes, i, end) : 0;
  if (kind !== 0) return readText(w, number, fieldStart, tagEnd, valueStart, end, depth, kind);
  // Not text: a message when the bytes are exactly one, else bytes.
  const n = end - valueStart;
  if (n === 0) {
    const alternatives = EMPTY_ALTERNATIVES;
    return lenNode(
      number,
      fieldStart,
      tagEnd,
      valueStart,
      end,
      base,
      EMPTY_BYTES,
      "bytes",
      alternatives,
    );
  }
  let mask = otherReadings(bytes, valueStart, end);
  const budget = w.maxDepth - depth;
  if (budget < 0) {
    // Too deep to read as a message: say so when it would have been one.
    if (scanMessage(bytes, valueStart, end, w.maxDepth) !== SCAN_FAIL) {
      mask |= READ_MESSAGE;
      const span: Span = [valueStart + base, end + base];
      const text = `field ${number}: a message nested deeper than ${w.maxDepth} levels, shown as bytes`;
      w.issues.push(makeIssue("DEPTH_LIMIT", text, span, false));
    }
  } else if (n <= ATTEMPT_UNSCANNED || scanMessage(bytes, valueStart, end, budget) !== SCAN_FAIL) {
    // Short values are read at once (a failed attempt wastes little); longer ones are scanned first.
    const mark = w.issues.length;
    const outerNested = w.nested;
    const fields: FieldNode[] = [];
    w.probing++;
    parseFields(w, valueStart, end, depth, 0, fields);
    w.probing--;
    if (!w.failed) {
      w.nested = true;
      return messageNode(number, fieldStart, tagEnd, valueStart, end, base, fields, mask);
    }
    // The attempt failed: drop what it found.
    w.failed = false;
    w.nested = outerNested;
    if (w.issues.length !== mark) w.issues.length = mark;
  }
  const decoded: FieldValue = { kind: "bytes", value: bytes.subarray(valueStart, end) };
  const alternatives = readingList(mask & ~READ_BYTES);
  return lenNode(number, fieldStart, tagEnd, valueStart, end, base, decoded, "bytes", alternatives);
}

/** The readings every non-empty LEN value allows besides text and message: bytes and the packed ones. */
function otherReadings(bytes: Uint8Array, start: number, end: number): number {
  const n = end - start;
  let mask = READ_BYTES;
  // A run of varints: for fewer than ten bytes, the last byte must end one.
  if (n < 10 ? ((bytes[end - 1] ?? 0) & 0x80) === 0 : isPackedVarints(bytes, start, end))
    mask |= READ_PACKED_VARINT;
  if ((n & 3) === 0) mask |= READ_PACKED_FIXED32;
  if ((n & 7) === 0) mask |= READ_PACKED_FIXED64;
  return mask;
}

/**
 * A LEN field whose value is printable text (`kind`: its BYTES_* bits): a
 * string, unless its bytes are one message that nests (a group, or a LEN field
 * read as a message): short text often parses as a flat message.
 */
function readText(
  w: Walk,
  number: number,
  fieldStart: number,
  tagEnd: number,
  valueStart: number,
  end: number,
  depth: number,
  kind: number,
): FieldNode {
  const bytes = w.bytes;
  let mask = otherReadings(bytes, valueStart, end) | READ_STRING;
  const budget = w.maxDepth - depth;
  const scan = firstTagFails(bytes[valueStart] ?? 0)
    ? SCAN_FAIL
    : scanMessage(bytes, valueStart, end, budget < 0 ? w.maxDepth : budget);
  if (scan !== SCAN_FAIL) mask |= READ_MESSAGE;
  if (scan === SCAN_CONTAINERS && budget >= 0) {
    const mark = w.issues.length;
    const outerNested = w.nested;
    const fields: FieldNode[] = [];
    w.nested = false;
    w.probing++;
    parseFields(w, valueStart, end, depth, 0, fields);
    w.probing--;
    const nested = w.nested;
    w.nested = outerNested;
    if (!w.failed && nested) {
      w.nested = true;
      return messageNode(number, fieldStart, tagEnd, valueStart, end, w.base, fields, mask);
    }
    // Flat (or failed, which the scan rules out): the text wins; drop what the attempt found.
    w.failed = false;
    if (w.issues.length !== mark) w.issues.length = mark;
  }
  const decoded = stringValue(bytes, valueStart, end, (kind & BYTES_ASCII) !== 0);
  const alternatives = readingList(mask & ~READ_STRING);
  return lenNode(
    number,
    fieldStart,
    tagEnd,
    valueStart,
    end,
    w.base,
    decoded,
    "string",
    alternatives,
  );
}

/** A LEN field read as a message (`mask`: its other plausible readings). */
function messageNode(
  number: number,
  fieldStart: number,
  tagEnd: number,
  valueStart: number,
  end: number,
  base: number,
  fields: FieldNode[],
  mask: number,
): FieldNode {
  const decoded: FieldValue = { kind: "message", fields };
  const alternatives = readingList(mask & ~READ_MESSAGE);
  return lenNode(
    number,
    fieldStart,
    tagEnd,
    valueStart,
    end,
    base,
    decoded,
    "message",
    alternatives,
  );
}
