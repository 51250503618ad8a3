import { makeIssue, type Issue, type IssueCode } from "./issue.js";
import { VALUE_UNKNOWN } from "./field-decode.js";
import { newFieldFacts, newFieldNode, type FieldNode, type FieldValue } from "./proto-tree.js";
import type { FieldInfo } from "./schema-walk-info.js";
import { badTagText, varintProblem } from "./schema-walk-skip.js";
import { view } from "./schema-walk-values.js";
import { newVarint, readVarint, READ_TRUNCATED, WIRE_I32, type WireType } from "./wire.js";

/** The facts of a field the schema lacks (or whose wire type does not match it). */
const UNKNOWN_FACTS = newFieldFacts({ type: "unknown", decode: VALUE_UNKNOWN });

/** How a walk of fields ended. */
export const ENDED = 0; // at the matching end-group tag
export const EXHAUSTED = 1; // at the end of the region
export const STOPPED = 2; // at a fatal issue (whose span covers the rest of the region)

/**
 * The schema walk's state and plumbing: the bytes, the base offset, the issues
 * found, the reused Varint scratch, how the last walk ended, node builders and
 * the helpers that turn bad bytes into fatal issues. Positions are indexes
 * into `bytes`; spans and issue spans add `base`.
 */
export abstract class WalkState {
  readonly issues: Issue[] = [];
  protected readonly v = newVarint();
  /** After a walk: the position after what it consumed (after the end-group tag for a group). */
  protected next = 0;
  /** After a walk: where the walked fields end (the end-group tag's start for a group). */
  protected contentEnd = 0;
  protected status = EXHAUSTED;

  constructor(
    protected readonly bytes: Uint8Array,
    protected readonly base: number,
    protected readonly maxDepth: number,
  ) {}

  /**
   * Builds a field node (one object shape for every node, packed elements
   * included); `decoded` is the value when the walk has it (nested fields, raw
   * bytes), else undefined: fieldDecoded reads it from the bytes on first use.
   */
  protected node(
    f: FieldInfo | undefined,
    num: number,
    wt: WireType,
    at: number,
    tagEnd: number,
    valueStart: number,
    valueEnd: number,
    end: number,
    decoded: FieldValue | readonly FieldNode[] | undefined,
  ): FieldNode {
    const b = this.base;
    return newFieldNode(
      num,
      wt,
      b + at,
      b + tagEnd,
      b + valueStart,
      b + valueEnd,
      b + end,
      f === undefined ? UNKNOWN_FACTS : f.facts,
      this.bytes,
      b,
      decoded,
    );
  }

  /** A packed element: no tag (empty at its start), no length; its span is its value. */
  protected element(f: FieldInfo, wt: WireType, s: number, e: number): FieldNode {
    const start = this.base + s;
    const end = this.base + e;
    const facts = f.elementFacts;
    return newFieldNode(
      f.number,
      wt,
      start,
      start,
      start,
      end,
      end,
      facts,
      this.bytes,
      this.base,
      undefined,
    );
  }

  /** Reads a varint into this.v; returns the position after it or a READ_* failure. */
  protected varint(p: number, end: number): number {
    return readVarint(this.bytes, p, end, this.v).next;
  }

  /** Reads a LEN field's length at p; returns the value start (this.next = value end) or -1 after a fatal issue. */
  protected length(num: number, at: number, p: number, end: number): number {
    const b = this.bytes[p] ?? 0x80;
    let vs = p + 1;
    let len = b;
    if (b >= 0x80 || p >= end) {
      vs = this.varint(p, end);
      if (vs < 0) {
        this.fatal(num, vs, at, p, end);
        return -1;
      }
      len = this.v.hi === 0 ? this.v.lo : Infinity;
    }
    if (len > end - vs) {
      const text = `field ${num} at ${this.base + at}: length ${Number.isFinite(len) ? len : "over 2^32"} at ${this.base + p} runs past the end at ${this.base + end} (${end - vs} bytes left)`;
      this.issue("LENGTH_PAST_END", text, at, end, true);
      this.status = STOPPED;
      return -1;
    }
    this.next = vs + len;
    return vs;
  }

  protected tooDeep(num: number, vs: number, ve: number): FieldValue {
    const text = `field ${num} at ${this.base + vs}: nesting deeper than ${this.maxDepth}; kept as raw bytes`;
    this.issue("DEPTH_LIMIT", text, vs, ve, true);
    return { kind: "raw", value: view(this.bytes, vs, ve) };
  }

  protected fatal(num: number, code: number, at: number, p: number, end: number): undefined {
    const c = code === READ_TRUNCATED ? "TRUNCATED_VARINT" : "MALFORMED_VARINT";
    this.stop(c, `field ${num}: varint at ${this.base + p} is ${varintProblem(c)}`, at, end);
    return undefined;
  }

  protected truncatedFixed(num: number, wt: number, at: number, p: number, end: number): undefined {
    const width = wt === WIRE_I32 ? 4 : 8;
    const text = `field ${num}: ${width}-byte value at ${this.base + p} runs past the end (${Math.max(0, end - p)} bytes left)`;
    this.stop("TRUNCATED_FIXED", text, at, end);
    return undefined;
  }

  /** A tag that cannot be read: a fatal issue over the rest of the region. */
  protected badTag(code: IssueCode, at: number, end: number): void {
    this.stop(code, badTagText(code, this.base + at), at, end);
  }

  /** Records a fatal issue over [at, end) and ends the walk of this region. */
  protected stop(code: IssueCode, text: string, at: number, end: number): void {
    this.issue(code, text, at, end, true);
    this.stopped(end);
  }

  /** Ends the walk of this region at a fatal issue (whose span covers the rest of it). */
  protected stopped(end: number): void {
    this.contentEnd = end;
    this.next = end;
    this.status = STOPPED;
  }

  protected issue(code: IssueCode, text: string, start: number, end: number, fatal: boolean): void {
    this.issues.push(makeIssue(code, text, [this.base + start, this.base + end], fatal));
  }
}
