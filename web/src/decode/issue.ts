import type { Span } from "./span.js";

/**
 * Stable codes for every problem the decode core finds in the bytes. Tests and
 * tools match on the code, never on the wording of `text`.
 */
export type IssueCode =
  // framing
  | "FRAME_TOO_LARGE"
  | "ADJUSTMENT_OVERFLOW"
  | "BYTES_REMAINING"
  | "TRUNCATED_FRAME"
  | "NO_PROGRESS"
  | "CORRUPT_FRAME"
  | "MALFORMED_VARINT"
  | "INVALID_COMPRESSED_FLAG"
  | "DISCARDED_BYTES"
  // framing: netty, fixed, varint, grpc, delim (add codes here)
  | "RESP_PROTOCOL_ERROR"
  | "HTTP_PROTOCOL_ERROR"
  // framing: resp, http1 (add codes here)
  // protobuf
  | "TRUNCATED_VARINT"
  | "TRUNCATED_FIXED"
  | "LENGTH_PAST_END"
  | "INVALID_WIRE_TYPE"
  | "FIELD_NUMBER_ZERO"
  | "INVALID_UTF8"
  | "END_GROUP_MISMATCH"
  | "UNTERMINATED_GROUP"
  | "DEPTH_LIMIT"
  | "WIRE_TYPE_MISMATCH"
  | "INVALID_FIELD_NUMBER"
  | "INVALID_WELL_KNOWN_VALUE"
  // protobuf (add codes here)
  // payload transforms
  | "DECOMPRESS_FAILED";

/**
 * A problem found in the bytes: where it is (a span of stream offsets), what it
 * is (a stable code and a readable `text`), and whether it stopped decoding.
 */
export interface Issue {
  readonly code: IssueCode;
  readonly text: string;
  readonly span: Span;
  readonly fatal: boolean;
}

/** Builds an issue; a small helper so every site spells the shape the same way. */
export function makeIssue(code: IssueCode, text: string, span: Span, fatal: boolean): Issue {
  return { code, text, span, fatal };
}
