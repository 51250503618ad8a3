import type { Type } from "protobufjs";
import type { DecodedMessage, FieldNode, FieldValue, MessageSource } from "./proto-tree.js";
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
import { fixedValue, readUtf8, toUint64, varintValue, view } from "./schema-walk-values.js";
import {
  readFixed32,
  readVarint,
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
    const out: FieldNode[] = [];
    const bytes = this.bytes;
    const v = this.v;
    let p = start;
    while (p < end) {
      const at = p;
      let tag = bytes[p] ?? 0;
      if (tag < 0x80) p++;
      else {
        const bad = tagProblem(readVarint(bytes, p, end, v));
        if (bad !== undefined) return this.badTag(out, bad, at, end);
        tag = v.lo;
        p = v.next;
      }
      const wt = tag & 7;
      const num = tag >>> 3;
      if (num === 0) return this.badTag(out, "FIELD_NUMBER_ZERO", at, end);
      if (wt > 5) return this.badTag(out, "INVALID_WIRE_TYPE", at, end);
      if (wt === WIRE_EGROUP) {
        if (num === group) {
          this.contentEnd = at;
          this.next = p;
          this.status = ENDED;
          return out;
        }
        const inside = group === 0 ? "outside any group" : `inside group ${group}`;
        const text = `end-group tag of field ${num} at ${this.base + at} ${inside}`;
        return this.stop(out, "END_GROUP_MISMATCH", text, at, end);
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
      if (node === undefined) return this.stopped(out, end);
      out.push(node);
      if (this.status === STOPPED) return this.stopped(out, end);
      p = this.next;
    }
    this.contentEnd = end;
    this.next = end;
    this.status = EXHAUSTED;
    return out;
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
      const b = bytes[p] ?? 0x80;
      let lo = b;
      let hi = 0;
      let q = p + 1;
      if (b >= 0x80 || p >= end) {
        q = this.varint(p, end);
        if (q < 0) return this.fatal(f.number, q, at, p, end);
        lo = this.v.lo;
        hi = this.v.hi;
      }
      this.next = q;
      return this.node(f, f.number, wt, at, p, p, q, q, varintValue(f, lo, hi));
    }
    if (wt === WIRE_I32 || wt === WIRE_I64) {
      const q = p + (wt === WIRE_I32 ? 4 : 8);
      if (q > end) return this.truncatedFixed(f.number, wt, at, p, end);
      this.next = q;
      return this.node(f, f.number, wt, at, p, p, q, q, fixedValue(f, bytes, p));
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
    let decoded: FieldValue;
    if (f.kind === K_STRING) {
      const s = readUtf8(bytes, vs, ve);
      if (typeof s === "string") decoded = { kind: "string", value: s };
      else {
        const text = `field ${f.number} (${f.name}): invalid UTF-8 at ${this.base + s}; kept as raw bytes`;
        this.issue("INVALID_UTF8", text, s, s + 1, false);
        decoded = { kind: "raw", value: view(bytes, vs, ve) };
      }
    } else if (f.kind === K_BYTES) {
      decoded = { kind: "bytes", value: view(bytes, vs, ve) };
    } else if (depth + 1 > this.maxDepth) {
      decoded = this.tooDeep(f.number, vs, ve);
    } else {
      const fields = this.walk(childInfo(f), vs, ve, depth + 1, 0);
      decoded = { kind: "message", fields };
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
    let decoded: FieldValue;
    if (wt === WIRE_VARINT) {
      q = this.varint(p, end);
      if (q < 0) return this.fatal(num, q, at, p, end);
      decoded = { kind: "int", value: toUint64(this.v.lo, this.v.hi) };
    } else if (wt === WIRE_I32 || wt === WIRE_I64) {
      q = p + (wt === WIRE_I32 ? 4 : 8);
      if (q > end) return this.truncatedFixed(num, wt, at, p, end);
      const lo = readFixed32(this.bytes, p);
      decoded = {
        kind: "int",
        value: wt === WIRE_I32 ? lo : toUint64(lo, readFixed32(this.bytes, p + 4)),
      };
    } else if (wt === WIRE_LEN) {
      const vs = this.length(num, at, p, end);
      if (vs < 0) return undefined;
      q = this.next;
      return this.node(undefined, num, wt, at, p, vs, q, q, {
        kind: "bytes",
        value: view(this.bytes, vs, q),
      });
    } else {
      return this.group(undefined, num, at, p, end, depth);
    }
    this.next = q;
    return this.node(undefined, num, wt, at, p, p, q, q, decoded);
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
    let decoded: FieldValue;
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
      const fields = this.walk(f === undefined ? undefined : childInfo(f), p, end, depth + 1, num);
      decoded = { kind: "message", fields };
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
      let decoded: FieldValue;
      if (ew === WIRE_VARINT) {
        q = this.varint(s, ve);
        if (q < 0) {
          const code = q === READ_TRUNCATED ? "TRUNCATED_VARINT" : "MALFORMED_VARINT";
          const text = `field ${f.number} (${f.name}): packed element at ${this.base + s} is ${varintProblem(code)}`;
          this.issue(code, text, s, ve, true);
          break;
        }
        decoded = varintValue(f, this.v.lo, this.v.hi);
      } else {
        if (s + width > ve) {
          const text = `field ${f.number} (${f.name}): packed element at ${this.base + s} needs ${width} bytes, ${ve - s} left`;
          this.issue("TRUNCATED_FIXED", text, s, ve, true);
          break;
        }
        q = s + width;
        decoded = fixedValue(f, this.bytes, s);
      }
      elements.push(this.element(f, ew, s, q, decoded));
    }
    this.next = ve;
    this.status = EXHAUSTED;
    return this.node(f, f.number, WIRE_LEN, at, p, vs, ve, ve, { kind: "packed", elements });
  }
}
