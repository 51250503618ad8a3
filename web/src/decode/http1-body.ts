import type { FrameInfo } from "./frame.js";
import {
  contentLengthOf,
  fieldColon,
  isOws,
  nameIs,
  transferCodings,
  trimmedValue,
} from "./http1-head.js";
import { makeIssue, type Issue } from "./issue.js";
import type { Span } from "./span.js";

/** How a message body's end is found: by length, chunked, at the stream's end, or no body. */
export type Http1Body = Extract<FrameInfo, { kind: "http1" }>["body"];

/** What a message head says about its body. */
export interface HeadFacts {
  readonly isRequest: boolean;
  /** The status code of a response (0 for a request). */
  readonly status: number;
  /** Content-Length field values, one per field line, and the spans of those lines. */
  readonly lengths: readonly string[];
  readonly lengthSpans: readonly Span[];
  /** Transfer-Encoding values joined with ", " (undefined without the field), and the first line's span. */
  readonly codings: string | undefined;
  readonly codingSpan: Span;
}

// The last field line, which an obs-fold line continues.
const F_NONE = 0;
const F_OTHER = 1;
const F_LENGTH = 2;
const F_CODING = 3;

/** The head facts of one message, collected from its start line and field lines as they arrive. */
export class HeadFields implements HeadFacts {
  isRequest = false;
  status = 0;
  lengths: string[] = [];
  lengthSpans: Span[] = [];
  codings: string | undefined = undefined;
  codingSpan: Span = [0, 0];
  private last = F_NONE;

  /**
   * Adds the field line [start, end) held in line[0, len) (its ending removed).
   * Returns the issue text when it is malformed. Trailer fields are only checked.
   */
  add(
    line: Uint8Array,
    len: number,
    start: number,
    end: number,
    inHead: boolean,
  ): string | undefined {
    if (isOws(line[0])) {
      // obs-fold (RFC 9112 5.2): a recipient may replace it with SP, joining the previous field.
      if (this.last === F_NONE) return "whitespace before the first field line";
      const more = trimmedValue(line, 0, len);
      const k = this.lengths.length - 1;
      if (this.last === F_LENGTH && k >= 0) {
        this.lengths[k] += " " + more;
        this.lengthSpans[k] = [this.lengthSpans[k]?.[0] ?? start, end];
      } else if (this.last === F_CODING) {
        this.codings += " " + more;
        this.codingSpan = [this.codingSpan[0], end];
      }
      return undefined;
    }
    const colon = fieldColon(line, len);
    if (colon < 0) return "malformed field line (expected name: value)";
    this.last = F_OTHER;
    if (!inHead) return undefined;
    if (nameIs(line, colon, "content-length")) {
      this.lengths.push(trimmedValue(line, colon + 1, len));
      this.lengthSpans.push([start, end]);
      this.last = F_LENGTH;
    } else if (nameIs(line, colon, "transfer-encoding")) {
      const value = trimmedValue(line, colon + 1, len);
      this.codings = this.codings === undefined ? value : `${this.codings}, ${value}`;
      if (this.codingSpan[1] === 0) this.codingSpan = [start, end];
      this.last = F_CODING;
    }
    return undefined;
  }

  /** The trailer section begins: no field line to continue yet. */
  startTrailers(): void {
    this.last = F_NONE;
  }
}

/** The body decision: `body` undefined means `issue` is fatal; else `issue` is a warning or undefined. */
export interface BodyDecision {
  readonly body: Http1Body | undefined;
  /** The Content-Length for body "length". */
  readonly length: number;
  readonly issue: Issue | undefined;
}

const fatal = (text: string, span: Span): BodyDecision => ({
  body: undefined,
  length: 0,
  issue: makeIssue("HTTP_PROTOCOL_ERROR", text, span, true),
});

const plain = (body: Http1Body, length = 0): BodyDecision => ({ body, length, issue: undefined });

/**
 * RFC 9112 6.3, in order: bodiless responses (1xx, 204, 304, and HEAD when
 * `requestMethods` says so), tunnels (101, 2xx to CONNECT: the rest of the
 * stream), Transfer-Encoding (chunked last, else until close for responses and
 * an error for requests), Content-Length (invalid or conflicting values are
 * errors), then none for requests and until close for responses.
 */
export function decideBody(
  head: HeadFacts,
  requestMethods: (() => string | undefined) | undefined,
): BodyDecision {
  if (!head.isRequest) {
    const s = head.status;
    if (s < 200 && s !== 101) return plain("none"); // interim: the real response follows
    const method = requestMethods?.();
    if (s === 101) return plain("close"); // the rest of the stream speaks the new protocol
    if (s === 204 || s === 304 || method === "HEAD") return plain("none");
    if (method === "CONNECT" && s < 300) return plain("close"); // a tunnel
  }
  if (head.codings !== undefined) {
    const c = transferCodings(head.codings);
    if (c.chunked > 1) return fatal("chunked applied more than once", head.codingSpan);
    if (!c.finalChunked) {
      if (!head.isRequest) return plain("close");
      return fatal("Transfer-Encoding in a request without chunked last", head.codingSpan);
    }
    const first = head.lengthSpans[0];
    if (first === undefined) return plain("chunked");
    const text = "Transfer-Encoding and Content-Length: Content-Length ignored (RFC 9112 6.3)";
    return {
      body: "chunked",
      length: 0,
      issue: makeIssue("HTTP_PROTOCOL_ERROR", text, first, false),
    };
  }
  let length = -1;
  for (let k = 0; k < head.lengths.length; k++) {
    const v = contentLengthOf(head.lengths[k] ?? "");
    const span = head.lengthSpans[k] ?? head.codingSpan;
    if (v === -1) return fatal("invalid Content-Length", span);
    if (v === -2 || (length >= 0 && v !== length)) {
      return fatal("conflicting Content-Length values", span);
    }
    length = v;
  }
  if (length >= 0) return plain("length", length);
  return plain(head.isRequest ? "none" : "close");
}
