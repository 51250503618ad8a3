import { makeIssue } from "./issue.js";
import type { FieldNode, FieldValue, Reading } from "./proto-tree.js";
import {
  BYTES_ASCII,
  BYTES_PRINTABLE,
  BYTES_VARINTS,
  READ_BYTES,
  READ_MESSAGE,
  READ_PACKED_FIXED32,
  READ_PACKED_FIXED64,
  READ_PACKED_VARINT,
  READ_STRING,
  SCAN_CONTAINERS,
  SCAN_FAIL,
  classifyBytes,
  readingList,
  scanMessage,
} from "./raw-walk-guess.js";
import { fixedNode, groupNode, lenNode, stringValue, varintNode } from "./raw-walk-nodes.js";
import { halt, type Walk } from "./raw-walk-state.js";
import type { Span } from "./span.js";
import {
  READ_TRUNCATED,
  WIRE_EGROUP,
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_SGROUP,
  WIRE_VARINT,
  newVarint,
  readVarint,
  varintToSafeNumber,
} from "./wire.js";

/**
 * The recursive readers of the schemaless walk (see raw-walk.ts for the rules):
 * parseFields reads a run of fields, readLen picks the reading of a LEN field,
 * attemptMessage tries the message reading once.
 */

const EMPTY_BYTES: FieldValue = Object.freeze({ kind: "bytes", value: new Uint8Array(0) });
const EMPTY_ALTERNATIVES: readonly Reading[] = Object.freeze(["string", "message"]);
const v = newVarint();

/**
 * Reads the fields of a message at nesting `depth` from bytes[start, end) into
 * `out`, until `end` or, inside group `group` (0 for none), its EGROUP tag.
 * Returns the position after the last byte read: after the EGROUP tag (and sets
 * w.endTagStart), `end`, or the start of the field where the walk stopped.
 */
export function parseFields(
  w: Walk,
  start: number,
  end: number,
  depth: number,
  group: number,
  out: FieldNode[],
): number {
  const { bytes, base } = w;
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    let tag = bytes[pos] ?? 0;
    if (tag < 0x80) pos++;
    else {
      readVarint(bytes, pos, end, v);
      if (v.next < 0) {
        const code = v.next === READ_TRUNCATED ? "TRUNCATED_VARINT" : "MALFORMED_VARINT";
        return halt(w, code, fieldStart, end);
      }
      if (v.hi !== 0) return halt(w, "INVALID_FIELD_NUMBER", fieldStart, end);
      tag = v.lo;
      pos = v.next;
    }
    const number = tag >>> 3;
    const wireType = tag & 7;
    const tagEnd = pos;
    if (number === 0) return halt(w, "FIELD_NUMBER_ZERO", fieldStart, end);
    switch (wireType) {
      case WIRE_VARINT: {
        const b = bytes[tagEnd] ?? 0x80;
        if (b < 0x80 && tagEnd < end) {
          pos = tagEnd + 1;
          out.push(varintNode(number, fieldStart, tagEnd, pos, b, 0, base));
          break;
        }
        readVarint(bytes, tagEnd, end, v);
        if (v.next < 0) {
          const code = v.next === READ_TRUNCATED ? "TRUNCATED_VARINT" : "MALFORMED_VARINT";
          return halt(w, code, fieldStart, end, number);
        }
        pos = v.next;
        out.push(varintNode(number, fieldStart, tagEnd, pos, v.lo, v.hi, base));
        break;
      }
      case WIRE_I64:
      case WIRE_I32: {
        const size = wireType === WIRE_I64 ? 8 : 4;
        if (size > end - tagEnd) return halt(w, "TRUNCATED_FIXED", fieldStart, end, number, size);
        out.push(fixedNode(bytes, number, wireType, fieldStart, tagEnd, base));
        pos = tagEnd + size;
        break;
      }
      case WIRE_LEN: {
        let n = bytes[tagEnd] ?? 0x80;
        let valueStart = tagEnd + 1;
        if (n >= 0x80 || tagEnd >= end) {
          readVarint(bytes, tagEnd, end, v);
          if (v.next < 0) {
            const code = v.next === READ_TRUNCATED ? "TRUNCATED_VARINT" : "MALFORMED_VARINT";
            return halt(w, code, fieldStart, end, number);
          }
          n = varintToSafeNumber(v);
          valueStart = v.next;
        }
        if (n < 0 || n > end - valueStart)
          return halt(w, "LENGTH_PAST_END", fieldStart, end, number, n);
        pos = valueStart + n;
        out.push(readLen(w, number, fieldStart, tagEnd, valueStart, pos, depth + 1));
        break;
      }
      case WIRE_SGROUP: {
        if (depth + 1 > w.maxDepth)
          return halt(w, "DEPTH_LIMIT", fieldStart, end, number, w.maxDepth);
        const fields: FieldNode[] = [];
        w.endTagStart = -1;
        const stop = parseFields(w, tagEnd, end, depth + 1, number, fields);
        if (w.failed) return stop;
        w.nested = true;
        if (w.endTagStart < 0) {
          if (w.probing > 0) {
            w.failed = true;
            return stop;
          }
          const tagSpan: Span = [fieldStart + base, tagEnd + base];
          const text = `group ${number} has no end tag`;
          w.issues.push(makeIssue("UNTERMINATED_GROUP", text, tagSpan, false));
          out.push(groupNode(number, fieldStart, tagEnd, undefined, stop, base, fields));
          return stop;
        }
        const endTag: Span = [w.endTagStart + base, stop + base];
        w.endTagStart = -1;
        out.push(groupNode(number, fieldStart, tagEnd, endTag, stop, base, fields));
        pos = stop;
        break;
      }
      case WIRE_EGROUP:
        if (number !== group) return halt(w, "END_GROUP_MISMATCH", fieldStart, end, number, group);
        w.endTagStart = fieldStart;
        return tagEnd;
      default:
        return halt(w, "INVALID_WIRE_TYPE", fieldStart, end, number, wireType);
    }
  }
  return pos;
}

/**
 * Chooses the reading of the LEN field whose value is bytes[valueStart, end)
 * (see the module comment); `depth` is the nesting a message reading would have.
 */
function readLen(
  w: Walk,
  number: number,
  fieldStart: number,
  tagEnd: number,
  valueStart: number,
  end: number,
  depth: number,
): FieldNode {
  const { bytes, base } = w;
  const n = end - valueStart;
  if (n === 0) {
    return lenNode(
      number,
      fieldStart,
      tagEnd,
      valueStart,
      end,
      base,
      EMPTY_BYTES,
      "bytes",
      EMPTY_ALTERNATIVES,
    );
  }
  const kind = classifyBytes(bytes, valueStart, end);
  const printable = (kind & BYTES_PRINTABLE) !== 0;
  let mask = READ_BYTES;
  if (printable) mask |= READ_STRING;
  if ((kind & BYTES_VARINTS) !== 0) mask |= READ_PACKED_VARINT;
  if ((n & 3) === 0) mask |= READ_PACKED_FIXED32;
  if ((n & 7) === 0) mask |= READ_PACKED_FIXED64;
  const budget = w.maxDepth - depth;
  if (budget < 0) {
    // Too deep to read as a message: say so when it would have been one.
    if (scanMessage(bytes, valueStart, end, w.maxDepth) !== SCAN_FAIL) {
      mask |= READ_MESSAGE;
      if (!printable) {
        const span: Span = [valueStart + base, end + base];
        const text = `field ${number}: a message nested deeper than ${w.maxDepth} levels, shown as bytes`;
        w.issues.push(makeIssue("DEPTH_LIMIT", text, span, false));
      }
    }
  } else {
    // Printable text is only worth reading as a message when it could nest: scan first.
    let attempt = true;
    if (printable) {
      const scan = scanMessage(bytes, valueStart, end, budget);
      if (scan !== SCAN_FAIL) mask |= READ_MESSAGE;
      attempt = scan === SCAN_CONTAINERS;
    }
    if (attempt) {
      const mark = w.issues.length;
      const fields = attemptMessage(w, valueStart, end, depth);
      if (fields !== undefined) {
        mask |= READ_MESSAGE;
        if (!printable || w.attemptNested) {
          w.nested = true;
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
      }
      // The attempt failed, or printable text without nesting wins: drop its issues.
      if (w.issues.length !== mark) w.issues.length = mark;
    }
  }
  if (printable) {
    const decoded = stringValue(bytes, valueStart, end, (kind & BYTES_ASCII) !== 0);
    return lenNode(
      number,
      fieldStart,
      tagEnd,
      valueStart,
      end,
      base,
      decoded,
      "string",
      readingList(mask & ~READ_STRING),
    );
  }
  const decoded: FieldValue = { kind: "bytes", value: bytes.subarray(valueStart, end) };
  return lenNode(
    number,
    fieldStart,
    tagEnd,
    valueStart,
    end,
    base,
    decoded,
    "bytes",
    readingList(mask & ~READ_BYTES),
  );
}

/**
 * Reads bytes[start, end) as one message at `depth`, or returns undefined when
 * they are not exactly one. Sets w.attemptNested to whether the message has
 * nested structure; w.nested is left as it was (the caller decides).
 */
function attemptMessage(
  w: Walk,
  start: number,
  end: number,
  depth: number,
): FieldNode[] | undefined {
  const outerNested = w.nested;
  const fields: FieldNode[] = [];
  w.nested = false;
  w.probing++;
  parseFields(w, start, end, depth, 0, fields);
  w.probing--;
  w.attemptNested = w.nested;
  w.nested = outerNested;
  if (!w.failed) return fields;
  w.failed = false;
  return undefined;
}
