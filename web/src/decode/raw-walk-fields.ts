import { makeIssue } from "./issue.js";
import { NO_NODE, fieldArray, type FieldNode } from "./proto-tree.js";
import { readLen } from "./raw-walk-len.js";
import { fixedNode, groupNode, varintNode } from "./raw-walk-nodes.js";
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
  skipVarint,
  varintToSafeNumber,
} from "./wire.js";

/**
 * The field loop of the schemaless walk (see raw-walk.ts for the rules):
 * parseFields reads a run of fields; readLen (raw-walk-len.ts) picks the
 * reading of each LEN field.
 */

const v = newVarint();

/**
 * Reads the fields of a message at nesting `depth` from bytes[start, end),
 * until `end` or, inside group `group` (0 for none), its EGROUP tag; returns
 * them, and sets w.next to the position after the last byte read: after the
 * EGROUP tag (and sets w.endTagStart), `end`, or the start of the field where
 * the walk stopped. The first four nodes are held in locals, so the array is
 * made at its size (see fieldArray).
 */
export function parseFields(
  w: Walk,
  start: number,
  end: number,
  depth: number,
  group: number,
): FieldNode[] {
  const bytes = w.bytes;
  const base = w.base;
  let pos = start;
  let count = 0;
  let n0 = NO_NODE;
  let n1 = NO_NODE;
  let n2 = NO_NODE;
  let n3 = NO_NODE;
  let more: FieldNode[] | undefined;
  let last = false;
  fields: while (pos < end) {
    const fieldStart = pos;
    let tag = bytes[pos] ?? 0;
    if (tag < 0x80) pos++;
    else {
      readVarint(bytes, pos, end, v);
      if (v.next < 0) {
        const code = v.next === READ_TRUNCATED ? "TRUNCATED_VARINT" : "MALFORMED_VARINT";
        pos = halt(w, code, fieldStart, end);
        break;
      }
      if (v.hi !== 0) {
        pos = halt(w, "INVALID_FIELD_NUMBER", fieldStart, end);
        break;
      }
      tag = v.lo;
      pos = v.next;
    }
    const number = tag >>> 3;
    const wireType = tag & 7;
    const tagEnd = pos;
    if (number === 0) {
      pos = halt(w, "FIELD_NUMBER_ZERO", fieldStart, end);
      break;
    }
    let node: FieldNode;
    switch (wireType) {
      case WIRE_VARINT: {
        const next = skipVarint(bytes, tagEnd, end);
        if (next < 0) {
          const code = next === READ_TRUNCATED ? "TRUNCATED_VARINT" : "MALFORMED_VARINT";
          pos = halt(w, code, fieldStart, end, number);
          break fields;
        }
        pos = next;
        node = varintNode(bytes, number, fieldStart, tagEnd, pos, base);
        break;
      }
      case WIRE_I64:
      case WIRE_I32: {
        const size = wireType === WIRE_I64 ? 8 : 4;
        if (size > end - tagEnd) {
          pos = halt(w, "TRUNCATED_FIXED", fieldStart, end, number, size);
          break fields;
        }
        node = fixedNode(bytes, number, wireType, fieldStart, tagEnd, base);
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
            pos = halt(w, code, fieldStart, end, number);
            break fields;
          }
          n = varintToSafeNumber(v);
          valueStart = v.next;
        }
        if (n < 0 || n > end - valueStart) {
          pos = halt(w, "LENGTH_PAST_END", fieldStart, end, number, n);
          break fields;
        }
        pos = valueStart + n;
        node = readLen(w, number, fieldStart, tagEnd, valueStart, pos, depth + 1);
        break;
      }
      case WIRE_SGROUP: {
        if (depth + 1 > w.maxDepth) {
          pos = halt(w, "DEPTH_LIMIT", fieldStart, end, number, w.maxDepth);
          break fields;
        }
        w.endTagStart = -1;
        const fields = parseFields(w, tagEnd, end, depth + 1, number);
        const stop = w.next;
        pos = stop;
        if (w.failed) break fields;
        w.nested = true;
        if (w.endTagStart < 0) {
          if (w.probing > 0) {
            w.failed = true;
            break fields;
          }
          const tagSpan: Span = [fieldStart + base, tagEnd + base];
          const text = `group ${number} has no end tag`;
          w.issues.push(makeIssue("UNTERMINATED_GROUP", text, tagSpan, false));
          node = groupNode(bytes, number, fieldStart, tagEnd, stop, stop, base, fields);
          last = true; // the walk stopped inside the group: keep it, and stop here too
          break;
        }
        const valueEnd = w.endTagStart;
        w.endTagStart = -1;
        node = groupNode(bytes, number, fieldStart, tagEnd, valueEnd, stop, base, fields);
        break;
      }
      case WIRE_EGROUP:
        if (number !== group) {
          pos = halt(w, "END_GROUP_MISMATCH", fieldStart, end, number, group);
          break fields;
        }
        w.endTagStart = fieldStart;
        pos = tagEnd;
        break fields;
      default:
        pos = halt(w, "INVALID_WIRE_TYPE", fieldStart, end, number, wireType);
        break fields;
    }
    if (count === 0) n0 = node;
    else if (count === 1) n1 = node;
    else if (count === 2) n2 = node;
    else if (count === 3) n3 = node;
    else if (more === undefined) more = [n0, n1, n2, n3, node];
    else more.push(node);
    count++;
    if (last) break;
  }
  w.next = pos;
  return fieldArray(count, n0, n1, n2, n3, more);
}
