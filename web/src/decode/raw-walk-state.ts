import { makeIssue, type Issue, type IssueCode } from "./issue.js";

/** The state of one schemaless walk, shared by its recursive readers. */
export interface Walk {
  readonly bytes: Uint8Array;
  readonly base: number;
  readonly maxDepth: number;
  readonly issues: Issue[];
  /** How many message readings are being tried: inside one, a problem fails the attempt instead of making an issue. */
  probing: number;
  /** Set when an attempted message reading failed. */
  failed: boolean;
  /** Set when a field read as a message or a group was produced (saved and reset around each attempt). */
  nested: boolean;
  /** Where the EGROUP tag that ended the last group starts; -1 when it ended without one. */
  endTagStart: number;
  /** Where the last parseFields stopped (see there). */
  next: number;
}

/** A fresh walk over `bytes` (absolute offset of bytes[0] = `base`). */
export function newWalk(bytes: Uint8Array, base: number, maxDepth: number): Walk {
  return {
    bytes,
    base,
    maxDepth,
    issues: [],
    probing: 0,
    failed: false,
    nested: false,
    endTagStart: -1,
    next: 0,
  };
}

/**
 * Stops at `at`: while probing, fails the attempt; else records the fatal issue
 * [at, end) (its text from `issueText`). Returns `at`.
 */
export function halt(w: Walk, code: IssueCode, at: number, end: number, number = 0, x = 0): number {
  if (w.probing > 0) w.failed = true;
  else
    w.issues.push(makeIssue(code, issueText(code, number, x), [at + w.base, end + w.base], true));
  return at;
}

/** The text of a fatal issue; `x` is the detail the code needs (a size, a length, a wire type, a group). */
function issueText(code: IssueCode, number: number, x: number): string {
  const field = number === 0 ? "tag" : `field ${number}`;
  switch (code) {
    case "TRUNCATED_VARINT":
      return `${field}: the input ends inside a varint`;
    case "MALFORMED_VARINT":
      return `${field}: a varint longer than 10 bytes`;
    case "INVALID_FIELD_NUMBER":
      return "a tag above 32 bits (field number above 2^29 - 1)";
    case "FIELD_NUMBER_ZERO":
      return "field number 0 is not valid";
    case "TRUNCATED_FIXED":
      return `${field}: a ${x}-byte value runs past the end`;
    case "LENGTH_PAST_END":
      return `${field}: the length ${x < 0 ? "(2^53 or more)" : x} runs past the end`;
    case "INVALID_WIRE_TYPE":
      return `${field}: wire type ${x} does not exist`;
    case "END_GROUP_MISMATCH":
      return x === 0
        ? `end of group ${number}, but no group is open`
        : `end of group ${number} inside group ${x}`;
    case "DEPTH_LIMIT":
      return `group ${number} nests deeper than ${x} levels`;
    default:
      return code;
  }
}
