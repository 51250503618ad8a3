import { makeIssue } from "./issue.js";
import type { FieldNode } from "./proto-tree.js";
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
  varintToSafeNumber,
} from "./wire.js";

/**
 * The field loop of the schemaless walk (see raw-walk.ts for the rules):
 * parseFields reads a run of fields; readLen (raw-walk-len.ts) picks the
 * reading of each LEN field.
 */

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
  const bytes = w.bytes;
  const base = w.base;
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
          out.push(groupNode(number, fieldStart, tagEnd, stop, stop, base, fields));
          return stop;
        }
        const valueEnd = w.endTagStart;
        w.endTagStart = -1;
        out.push(groupNode(number, fieldStart, tagEnd, valueEnd, stop, base, fields));
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
