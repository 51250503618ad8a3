import type { Type } from "protobufjs";
import {
  fieldArray,
  type DecodedMessage,
  type FieldNode,
  type FieldValue,
  type MessageSource,
  NO_NODE,
} from "./proto-tree.js";
import {
  childInfo,
  getTypeInfo,
  K_BYTES,
  K_STRING,
  lookupField,
  type FieldInfo,
  type TypeInfo,
} from "./schema-walk-info.js";
import { badTagText, skipGroup, tagProblem, varintProblem } from "./schema-walk-skip.js";
import { ENDED, EXHAUSTED, STOPPED, WalkState } from "./schema-walk-state.js";
import { view } from "./schema-walk-values.js";
import { firstBadUtf8 } from "./utf8.js";
import {
  readVarint,
  skipVarint,
  READ_TRUNCATED,
  WIRE_EGROUP,
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_SGROUP,
  WIRE_VARINT,
  type WireType,
} from "./wire.js";

/** Default limit on message nesting: deeper submessages are kept as raw bytes (as protobuf's recursion limit of 100). */
export const MAX_DEPTH = 100;
/** maxDepth is clamped to this, so no input can exhaust the call stack. */
export const MAX_DEPTH_CEILING = 1000;

const STREAM: MessageSource = { kind: "stream" };
const WIRE_NAMES = ["VARINT", "I64", "LEN", "SGROUP", "EGROUP", "I32", "6", "7"];

/**
 * Walks bytes[0, length) as a message of `type` with our own wire reader (not
 * Type.decode): every field gets its number, names, wire type, schema type,
 * spans (absolute: base + index) for tag, length, value and the whole field,
 * and its decoded value. A packed field's elements are its children (each with
 * an empty tag span at its start); a group's value is its contents and
 * its end-group tag follows (fieldGroupEnd). Unknown fields, wire types that do not match
 * the schema, invalid UTF-8 and submessages nested deeper than `maxDepth`
 * (default MAX_DEPTH) are kept raw, with an issue. A fatal issue marks bytes
 * left undecoded: its span runs from the field where decoding stopped to the
 * end of the enclosing message (or packed value), so fields and fatal issues
 * together cover every byte; the outer message goes on when a length bounded
 * the failure. Never throws on any bytes; throws only when the schema cannot
 * be resolved.
 */
export function walkMessage(
  type: Type,
  bytes: Uint8Array,
  base: number,
  options: { maxDepth?: number } = {},
): DecodedMessage {
  const info = getTypeInfo(type);
  const maxDepth = Math.max(0, Math.min(options.maxDepth ?? MAX_DEPTH, MAX_DEPTH_CEILING));
  const walker = new Walker(bytes, base, maxDepth);
  const fields = walker.walk(info, 0, bytes.length, 0, 0);
  return {
    typeName: info.fullName,
    span: [base, base + bytes.length],
    fields,
    issues: walker.issues,
    source: STREAM,
  };
}

class Walker extends WalkState {
  /** Walks the fields in [start, end); `group` is the field number of the enclosing group, or 0. */
  walk(
    info: TypeInfo | undefined,
    start: number,
    end: number,
    depth: number,
    group: number,
  ): FieldNode[] {
    // The first four fields are held in locals, so the array is made at its size (see fieldArray).
    let count = 0;
    let n0 = NO_NODE;
    let n1 = NO_NODE;
    let n2 = NO_NODE;
    let n3 = NO_NODE;
    let more: FieldNode[] | undefined;
    const bytes = this.bytes;
    const v = this.v;
    // Cleared where the walk ends before `end` (this.status and this.next are set there).
    let exhausted = true;
    let p = start;
    while (p < end) {
      const at = p;
      let tag = bytes[p] ?? 0;
      if (tag < 0x80) p++;
      else {
        const bad = tagProblem(readVarint(bytes, p, end, v));
        if (bad !== undefined) {
          this.badTag(bad, at, end);
          exhausted = false;
          break;
        }
        tag = v.lo;
        p = v.next;
      }
      const wt = tag & 7;
      const num = tag >>> 3;
      if (num === 0 || wt > 5) {
        this.badTag(num === 0 ? "FIELD_NUMBER_ZERO" : "INVALID_WIRE_TYPE", at, end);
        exhausted = false;
        break;
      }
      if (wt === WIRE_EGROUP) {
        exhausted = false;
        if (num === group) {
          this.contentEnd = at;
          this.next = p;
          this.status = ENDED;
          break;
        }
        const inside = group === 0 ? "outside any group" : `inside group ${group}`;
        const text = `end-group tag of field ${num} at ${this.base + at} ${inside}`;
        this.stop("END_GROUP_MISMATCH", text, at, end);
        break;
      }
      const f =
        info === undefined
          ? undefined
          : num < info.dense.length
            ? info.dense[num]
            : lookupField(info, num);
      let node: FieldNode | undefined;
      if (f !== undefined && (wt === f.wire || (wt === WIRE_LEN && f.packable))) {
        node = this.known(f, wt, at, p, end, depth);
      } else {
        if (f !== undefined) {
          const text = `field ${num} (${f.name}) at ${this.base + at}: ${f.typeName} expects wire type ${WIRE_NAMES[f.wire]}, got ${WIRE_NAMES[wt]}; kept as unknown`;
          this.issue("WIRE_TYPE_MISMATCH", text, at, p, false);
        }
        node = this.unknown(num, wt as WireType, at, p, end, depth);
      }
      if (node === undefined) {
        this.stopped(end);
        exhausted = false;
        break;
      }
      if (count === 0) n0 = node;
      else if (count === 1) n1 = node;
      else if (count === 2) n2 = node;
      else if (count === 3) n3 = node;
      else if (more === undefined) more = [n0, n1, n2, n3, node];
      else more.push(node);
      count++;
      if (this.status === STOPPED) {
        this.stopped(end);
        exhausted = false;
        break;
      }
      p = this.next;
    }
    if (exhausted) {
      this.contentEnd = end;
      this.next = end;
      this.status = EXHAUSTED;
    }
    return fieldArray(count, n0, n1, n2, n3, more);
  }

  /** A field the schema knows, with a wire type it accepts. Returns undefined after a fatal issue. */
  private known(
    f: FieldInfo,
    wt: number,
    at: number,
    p: number,
    end: number,
    depth: number,
  ): FieldNode | undefined {
    const bytes = this.bytes;
    this.status = EXHAUSTED;
    if (wt === WIRE_VARINT) {
      let q = p + 1;
      if ((bytes[p] ?? 0x80) >= 0x80 || p >= end) {
        q = skipVarint(bytes, p, end);
        if (q < 0) return this.fatal(f.number, q, at, p, end);
      }
      this.next = q;
      return this.node(f, f.number, wt, at, p, p, q, q, undefined);
    }
    if (wt === WIRE_I32 || wt === WIRE_I64) {
      const q = p + (wt === WIRE_I32 ? 4 : 8);
      if (q > end) return this.truncatedFixed(f.number, wt, at, p, end);
      this.next = q;
      return this.node(f, f.number, wt, at, p, p, q, q, undefined);
    }
    if (wt === WIRE_SGROUP) return this.group(f, f.number, at, p, end, depth);
    // LEN
    // LEN: a one-byte length is read inline (the common case), longer ones by length().
    let vs = p + 1;
    let ve = vs + (bytes[p] ?? 0x80);
    if (ve - vs >= 0x80 || p >= end || ve > end) {
      vs = this.length(f.number, at, p, end);
      if (vs < 0) return undefined;
      ve = this.next;
    }
    if (f.packable) return this.packed(f, at, p, vs, ve);
    // Strings are checked now (an issue says where they are bad) and decoded on first use.
    let decoded: FieldValue | readonly FieldNode[] | undefined;
    if (f.kind === K_STRING) {
      const bad = firstBadUtf8(bytes, vs, ve);
      if (bad >= 0) {
        const text = `field ${f.number} (${f.name}): invalid UTF-8 at ${this.base + bad}; kept as raw bytes`;
        this.issue("INVALID_UTF8", text, bad, bad + 1, false);
        decoded = { kind: "raw", value: view(bytes, vs, ve) };
      }
    } else if (f.kind === K_BYTES) {
      decoded = undefined;
    } else if (depth + 1 > this.maxDepth) {
      decoded = this.tooDeep(f.number, vs, ve);
    } else {
      decoded = this.walk(childInfo(f), vs, ve, depth + 1, 0);
    }
    this.status = EXHAUSTED;
    this.next = ve;
    return this.node(f, f.number, WIRE_LEN, at, p, vs, ve, ve, decoded);
  }

  /** A field the schema lacks (or whose wire type does not match it): kept raw per wire type. */
  private unknown(
    num: number,
    wt: WireType,
    at: number,
    p: number,
    end: number,
    depth: number,
  ): FieldNode | undefined {
    this.status = EXHAUSTED;
    let q: number;
    if (wt === WIRE_VARINT) {
      q = skipVarint(this.bytes, p, end);
      if (q < 0) return this.fatal(num, q, at, p, end);
    } else if (wt === WIRE_I32 || wt === WIRE_I64) {
      q = p + (wt === WIRE_I32 ? 4 : 8);
      if (q > end) return this.truncatedFixed(num, wt, at, p, end);
    } else if (wt === WIRE_LEN) {
      const vs = this.length(num, at, p, end);
      if (vs < 0) return undefined;
      q = this.next;
      return this.node(undefined, num, wt, at, p, vs, q, q, undefined);
    } else {
      return this.group(undefined, num, at, p, end, depth);
    }
    this.next = q;
    return this.node(undefined, num, wt, at, p, p, q, q, undefined);
  }

  /** A group (wire types 3/4): its contents are walked until the matching end-group tag. */
  private group(
    f: FieldInfo | undefined,
    num: number,
    at: number,
    p: number,
    end: number,
    depth: number,
  ): FieldNode {
    let decoded: FieldValue | readonly FieldNode[];
    if (depth + 1 > this.maxDepth) {
      const r = skipGroup(this.bytes, num, p, end, this.v);
      if (r.problem !== undefined) {
        const text = `${badTagText(r.problem, this.base + r.problemAt)}, in group ${num} (too deep to decode)`;
        this.issue(r.problem, text, r.problemAt, end, true);
      }
      this.contentEnd = r.contentEnd;
      this.next = r.next;
      this.status = r.problem !== undefined ? STOPPED : r.ended ? ENDED : EXHAUSTED;
      decoded = this.tooDeep(num, p, r.contentEnd);
    } else {
      decoded = this.walk(f === undefined ? undefined : childInfo(f), p, end, depth + 1, num);
    }
    if (this.status === EXHAUSTED) {
      const text = `group ${num} starting at ${this.base + at} has no end-group tag`;
      this.issue("UNTERMINATED_GROUP", text, at, p, false);
    }
    return this.node(f, num, WIRE_SGROUP, at, p, p, this.contentEnd, this.next, decoded);
  }

  /** A packed repeated field: elements until the end of the value; a bad tail is a fatal issue over it. */
  private packed(f: FieldInfo, at: number, p: number, vs: number, ve: number): FieldNode {
    const elements: FieldNode[] = [];
    const ew = f.wire;
    const width = ew === WIRE_I32 ? 4 : 8;
    let q = vs;
    while (q < ve) {
      const s = q;
      if (ew === WIRE_VARINT) {
        q = skipVarint(this.bytes, s, ve);
        if (q < 0) {
          const code = q === READ_TRUNCATED ? "TRUNCATED_VARINT" : "MALFORMED_VARINT";
          const text = `field ${f.number} (${f.name}): packed element at ${this.base + s} is ${varintProblem(code)}`;
          this.issue(code, text, s, ve, true);
          break;
        }
      } else {
        if (s + width > ve) {
          const text = `field ${f.number} (${f.name}): packed element at ${this.base + s} needs ${width} bytes, ${ve - s} left`;
          this.issue("TRUNCATED_FIXED", text, s, ve, true);
          break;
        }
        q = s + width;
      }
      elements.push(this.element(f, ew, s, q));
    }
    this.next = ve;
    this.status = EXHAUSTED;
    return this.node(f, f.number, WIRE_LEN, at, p, vs, ve, ve, { kind: "packed", elements });
  }
}
