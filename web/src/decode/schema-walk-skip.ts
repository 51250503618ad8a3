import type { IssueCode } from "./issue.js";
import {
  readVarint,
  READ_TRUNCATED,
  WIRE_EGROUP,
  WIRE_I32,
  WIRE_LEN,
  WIRE_SGROUP,
  WIRE_VARINT,
  type Varint,
} from "./wire.js";

/**
 * Tag checks and their wording for the schema walk, and the iterative skip of
 * a group nested too deep to walk (no recursion, so no input can exhaust the
 * call stack).
 */

/** Why a tag read by readVarint is unusable, or undefined if it is fine. */
export function tagProblem(t: Varint): IssueCode | undefined {
  if (t.next < 0) return t.next === READ_TRUNCATED ? "TRUNCATED_VARINT" : "MALFORMED_VARINT";
  if (t.hi !== 0) return "INVALID_FIELD_NUMBER";
  if (t.lo >>> 3 === 0) return "FIELD_NUMBER_ZERO";
  if ((t.lo & 7) > 5) return "INVALID_WIRE_TYPE";
  return undefined;
}

/** "cut off by the end" or "longer than 10 bytes", for a varint that readVarint refused. */
export function varintProblem(code: IssueCode): string {
  return code === "TRUNCATED_VARINT" ? "cut off by the end" : "longer than 10 bytes";
}

/** The text of an issue about the tag (or field) at stream offset `at`. */
export function badTagText(code: IssueCode, at: number): string {
  switch (code) {
    case "TRUNCATED_VARINT":
    case "MALFORMED_VARINT":
      return `varint at ${at} is ${varintProblem(code)}`;
    case "INVALID_FIELD_NUMBER":
      return `tag at ${at} exceeds 32 bits`;
    case "FIELD_NUMBER_ZERO":
      return `tag at ${at} has field number 0`;
    case "INVALID_WIRE_TYPE":
      return `tag at ${at} has wire type 6 or 7`;
    case "LENGTH_PAST_END":
      return `length at ${at} runs past the end`;
    case "TRUNCATED_FIXED":
      return `fixed-width value at ${at} runs past the end`;
    case "END_GROUP_MISMATCH":
      return `end-group tag at ${at} does not match`;
    default:
      return `${code} at ${at}`;
  }
}

/** Where a skipped group ended: after its end-group tag, at the region's end, or at a problem. */
export interface SkipResult {
  readonly ended: boolean;
  /** The end-group tag's start, or the region's end. */
  readonly contentEnd: number;
  /** After the end-group tag, or the region's end. */
  readonly next: number;
  /** What stopped the skip (the bytes from problemAt to the region's end are undecodable). */
  readonly problem: IssueCode | undefined;
  readonly problemAt: number;
}

/** Skips the contents of group `num` starting at p (after its start tag), within [p, end). */
export function skipGroup(
  bytes: Uint8Array,
  num: number,
  p: number,
  end: number,
  v: Varint,
): SkipResult {
  const stack = [num];
  const stop = (problem: IssueCode, at: number): SkipResult => ({
    ended: false,
    contentEnd: end,
    next: end,
    problem,
    problemAt: at,
  });
  while (p < end) {
    const at = p;
    const bad = tagProblem(readVarint(bytes, p, end, v));
    if (bad !== undefined) return stop(bad, at);
    p = v.next;
    const wt = v.lo & 7;
    const n = v.lo >>> 3;
    if (wt === WIRE_SGROUP) stack.push(n);
    else if (wt === WIRE_EGROUP) {
      if (stack.pop() !== n) return stop("END_GROUP_MISMATCH", at);
      if (stack.length === 0) {
        return { ended: true, contentEnd: at, next: p, problem: undefined, problemAt: at };
      }
    } else if (wt === WIRE_VARINT || wt === WIRE_LEN) {
      readVarint(bytes, p, end, v);
      if (v.next < 0)
        return stop(v.next === READ_TRUNCATED ? "TRUNCATED_VARINT" : "MALFORMED_VARINT", at);
      p = v.next;
      if (wt === WIRE_LEN) {
        if (v.hi !== 0 || v.lo > end - p) return stop("LENGTH_PAST_END", at);
        p += v.lo;
      }
    } else {
      const width = wt === WIRE_I32 ? 4 : 8;
      if (p + width > end) return stop("TRUNCATED_FIXED", at);
      p += width;
    }
  }
  return { ended: false, contentEnd: end, next: end, problem: undefined, problemAt: end };
}
