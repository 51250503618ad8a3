import { makeIssue } from "./issue.js";
import type { FieldNode } from "./proto-tree.js";
import { parseFields } from "./raw-walk-fields.js";
import {
  BYTES_PRINTABLE,
  SCAN_CONTAINERS,
  SCAN_FAIL,
  firstTagFails,
  scanAscii,
  scanMessage,
  textKind,
} from "./raw-walk-guess.js";
import {
  BYTES_DEEP_FACTS,
  BYTES_FACTS,
  MESSAGE_FACTS,
  MESSAGE_TEXT_FACTS,
  STRING_FACTS,
  STRING_MESSAGE_FACTS,
  lenNode,
} from "./raw-walk-nodes.js";
import type { Walk } from "./raw-walk-state.js";
import type { Span } from "./span.js";

/**
 * The reading of a LEN field in the schemaless walk (see raw-walk.ts for the
 * rules): text, a message, or bytes, and whether a message or text reading is
 * plausible (the packed readings follow from the bytes: fieldAlternatives). The
 * message reading is tried at most once, after a tag scan for long values; a
 * failed try is dropped (inside one, problems fail it instead of making issues).
 */

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
  // Text goes on past a byte above 0x7f only when it leads a UTF-8 sequence (0xc2..0xf4).
  if (
    i === end
      ? i > valueStart
      : b >= 0xc2 && b <= 0xf4 && (textKind(bytes, i, end) & BYTES_PRINTABLE) !== 0
  ) {
    // Text; is it one message too? ASCII text has a smaller scan (every tag and length one byte).
    const budget = w.maxDepth - depth;
    const groupBudget = budget < 0 ? w.maxDepth : budget;
    let scan = SCAN_FAIL;
    if (!firstTagFails(bytes[valueStart] ?? 0)) {
      scan = i === end ? scanAscii(bytes, valueStart, end, groupBudget) : -1;
      if (scan < 0) scan = scanMessage(bytes, valueStart, end, groupBudget);
    }
    return readText(w, number, fieldStart, tagEnd, valueStart, end, depth, scan);
  }
  // Not text: a message when the bytes are exactly one, else bytes.
  const n = end - valueStart;
  let tooDeep = false;
  const budget = w.maxDepth - depth;
  if (n === 0) {
    // Empty: bytes (fieldAlternatives lists string and message).
  } else if (budget < 0) {
    // Too deep to read as a message: say so when it would have been one.
    if (scanMessage(bytes, valueStart, end, w.maxDepth) !== SCAN_FAIL) {
      tooDeep = true;
      const span: Span = [valueStart + base, end + base];
      const text = `field ${number}: a message nested deeper than ${w.maxDepth} levels, shown as bytes`;
      w.issues.push(makeIssue("DEPTH_LIMIT", text, span, false));
    }
  } else if (n <= ATTEMPT_UNSCANNED || scanMessage(bytes, valueStart, end, budget) !== SCAN_FAIL) {
    // Short values are read at once (a failed attempt wastes little); longer ones are scanned first.
    const mark = w.issues.length;
    const outerNested = w.nested;
    w.probing++;
    const fields = parseFields(w, valueStart, end, depth, 0);
    w.probing--;
    if (!w.failed) {
      w.nested = true;
      return lenNode(
        bytes,
        number,
        fieldStart,
        tagEnd,
        valueStart,
        end,
        base,
        MESSAGE_FACTS,
        fields,
      );
    }
    // The attempt failed: drop what it found.
    w.failed = false;
    w.nested = outerNested;
    if (w.issues.length !== mark) w.issues.length = mark;
  }
  const facts = tooDeep ? BYTES_DEEP_FACTS : BYTES_FACTS;
  return lenNode(bytes, number, fieldStart, tagEnd, valueStart, end, base, facts, undefined);
}

/**
 * A LEN field whose value is printable text (`scan`: what scanMessage says of
 * it): a string, unless its bytes are one message that nests (a group, or a
 * LEN field read as a message): short text often parses as a flat message.
 */
function readText(
  w: Walk,
  number: number,
  fieldStart: number,
  tagEnd: number,
  valueStart: number,
  end: number,
  depth: number,
  scan: number,
): FieldNode {
  const bytes = w.bytes;
  const budget = w.maxDepth - depth;
  if (scan === SCAN_CONTAINERS && budget >= 0) {
    const mark = w.issues.length;
    const outerNested = w.nested;
    w.nested = false;
    w.probing++;
    const fields = parseFields(w, valueStart, end, depth, 0);
    w.probing--;
    const nested = w.nested;
    w.nested = outerNested;
    if (!w.failed && nested) {
      w.nested = true;
      return lenNode(
        bytes,
        number,
        fieldStart,
        tagEnd,
        valueStart,
        end,
        w.base,
        MESSAGE_TEXT_FACTS,
        fields,
      );
    }
    // Flat (or failed, which the scan rules out): the text wins; drop what the attempt found.
    w.failed = false;
    if (w.issues.length !== mark) w.issues.length = mark;
  }
  const facts = scan === SCAN_FAIL ? STRING_FACTS : STRING_MESSAGE_FACTS;
  return lenNode(bytes, number, fieldStart, tagEnd, valueStart, end, w.base, facts, undefined);
}
