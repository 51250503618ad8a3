import type { FrameInfo } from "./frame.js";
import { FramerBase } from "./framer.js";
import { HeadFields, decideBody, type Http1Body } from "./http1-body.js";
import { ChunkSizeReader } from "./http1-chunk-size.js";
import { parseStartLine } from "./http1-head.js";
import { makeIssue, type IssueCode } from "./issue.js";
import type { Span } from "./span.js";
import type { Http1Spec } from "./spec.js";

/** Options a caller may wire between the two directions of a connection. */
export interface Http1Options {
  /**
   * For a response stream: the method of the request the next response answers,
   * or undefined when unknown. Called once per response that answers a request
   * (every status but 100 and 102..199), in order. "HEAD" means no body,
   * "CONNECT" with 2xx means the rest of the stream is the tunnel.
   */
  readonly requestMethods?: () => string | undefined;
  /**
   * For a request stream: called with the method as soon as a request's head is
   * complete (before its body), so a response that comes early still pairs up.
   */
  readonly onRequestHead?: (method: string) => void;
}

/** Most chunks one chunked body may have: their spans are kept, so they are capped. */
export const MAX_CHUNKED_PARTS = 100_000;

const CR = 0x0d;
const LF = 0x0a;

const H_HEAD = 0; // start line and field lines, up to the blank line
const H_BODY = 1; // Content-Length body, counted
const H_CLOSE = 2; // body until the stream ends
const H_SIZE = 3; // chunk-size line
const H_DATA = 4; // chunk data, counted
const H_DATA_END = 5; // CRLF after chunk data
const H_TRAILER = 6; // trailer field lines, up to the blank line

/**
 * HTTP/1.0 and 1.1 messages (RFC 9112), one frame per message, many per stream
 * (keep-alive, pipelining). Head = start line and field lines up to the blank
 * line (CRLF or bare LF); payload = the body: chunked (info.parts are the chunk
 * data spans), Content-Length, none (requests without either; 1xx, 204, 304 and
 * HEAD responses), or until the stream ends (other responses; also 101 and a
 * CONNECT's 2xx, whose rest is another protocol).
 *
 * ```
 * POST /kv HTTP/1.1\r\n Content-Length: 5\r\n \r\n hello
 * |<------------------ head ------------------->| |body|      payload = body
 *
 * HTTP/1.1 200 OK\r\n Transfer-Encoding: chunked\r\n \r\n 5\r\n hello \r\n 0\r\n X: y\r\n \r\n
 * |<---------------------- head ---------------------->| |<------------ payload ------------>|
 *                                                         size  part        last  trailers
 * ```
 * Only the current head line is buffered (the head, each chunk-size line and
 * the trailer section are each limited to `max` bytes: FRAME_TOO_LARGE); bodies
 * are counted. Malformed lines and lengths are fatal HTTP_PROTOCOL_ERRORs.
 */
export class Http1Framer extends FramerBase {
  private readonly max: number;
  private readonly requestMethods: (() => string | undefined) | undefined;
  private readonly onRequestHead: ((method: string) => void) | undefined;
  /** The request method of the message being read ("" for responses). */
  private method = "";
  private state = H_HEAD;
  private line = new Uint8Array(256);
  private lineLen = 0;
  private lineStart = 0;
  private sawCR = false;
  /** Start of the start line (-1 until it is read: empty lines before it are skipped). */
  private headStart = -1;
  private headEnd = 0;
  private startLine = "";
  private head = new HeadFields();
  private bodyEnd = 0;
  private parts: Span[] = [];
  private readonly sizeLine: ChunkSizeReader;
  private dataStart = 0;
  private trailerStart = 0;

  constructor(spec: Http1Spec, options: Http1Options = {}) {
    super();
    this.max = spec.max;
    this.requestMethods = options.requestMethods;
    this.onRequestHead = options.onRequestHead;
    this.sizeLine = new ChunkSizeReader(spec.max);
  }

  protected scan(chunk: Uint8Array, base: number): void {
    const n = chunk.length;
    let i = 0;
    while (i < n && this.stoppedAt === undefined) {
      switch (this.state) {
        case H_HEAD:
        case H_TRAILER:
          i = this.scanLine(chunk, i, base);
          break;
        case H_BODY:
          if (this.bodyEnd > base + n) return;
          i = this.bodyEnd - base;
          this.emitMessage(this.bodyEnd, "length");
          break;
        case H_CLOSE:
          return;
        case H_SIZE: {
          const next = this.sizeLine.scan(chunk, i, base);
          if (next < 0) {
            const p = this.sizeLine.problem;
            if (p !== undefined) this.fail(p.text, p.start, p.end, p.code);
            return;
          }
          i = next;
          this.endSizeLine(base + i);
          break;
        }
        case H_DATA:
          if (this.bodyEnd > base + n) return;
          i = this.bodyEnd - base;
          if (this.parts.length >= MAX_CHUNKED_PARTS) {
            this.fail(
              `a chunked body of more than ${MAX_CHUNKED_PARTS} chunks: framing stops here`,
              this.dataStart,
              this.bodyEnd,
              "FRAME_TOO_LARGE",
            );
            return;
          }
          this.parts.push([this.dataStart, this.bodyEnd]);
          this.state = H_DATA_END;
          this.sawCR = false;
          break;
        case H_DATA_END: {
          const b = chunk[i] ?? 0;
          const at = base + i;
          i += 1;
          if (b === CR && !this.sawCR) {
            this.sawCR = true;
          } else if (b === LF) {
            this.beginSizeLine(at + 1);
          } else {
            this.fail("expected CRLF after chunk data", this.bodyEnd, at + 1);
          }
          break;
        }
      }
    }
  }

  /** Buffers one head or trailer line; returns the index after its LF (or the chunk's end). */
  private scanLine(chunk: Uint8Array, i: number, base: number): number {
    const n = chunk.length;
    const inHead = this.state === H_HEAD;
    const limitStart = inHead ? this.frameStart : this.trailerStart;
    while (i < n) {
      const b = chunk[i] ?? 0;
      const at = base + i;
      i += 1;
      if (at + 1 - limitStart > this.max) {
        const what = inHead ? "head" : "trailer section";
        const text = `${what} longer than max ${this.max} bytes`;
        this.report(makeIssue("FRAME_TOO_LARGE", text, [limitStart, at + 1], true));
        return n;
      }
      if (b === LF) {
        this.sawCR = false;
        if (inHead) this.onHeadLine(at + 1);
        else this.onTrailerLine(at + 1);
        return i;
      }
      if (this.sawCR) {
        this.fail(`bare CR in a ${inHead ? "head" : "trailer"} line`, this.lineStart, at + 1);
        return n;
      }
      if (b === CR) {
        this.sawCR = true;
      } else if ((b < 0x20 && b !== 0x09) || b === 0x7f) {
        const where = inHead ? "head" : "trailer";
        this.fail(`control character ${hex(b)} in a ${where} line`, this.lineStart, at + 1);
        return n;
      } else {
        if (this.lineLen === this.line.length) this.grow();
        this.line[this.lineLen++] = b;
      }
    }
    return n;
  }

  private grow(): void {
    // A line never passes `max` bytes (the head limit is checked first), so neither does this.
    const bigger = new Uint8Array(
      Math.max(this.line.length + 1, Math.min(this.line.length * 2, this.max)),
    );
    bigger.set(this.line);
    this.line = bigger;
  }

  /** A complete head line [lineStart, end), its ending stripped into `line`. */
  private onHeadLine(end: number): void {
    const start = this.lineStart;
    const len = this.lineLen;
    this.lineStart = end;
    this.lineLen = 0;
    if (this.headStart < 0) {
      // RFC 9112 2.2: empty lines before a start line are ignored (they stay in this frame).
      if (len === 0) return;
      const parsed = parseStartLine(this.line, len);
      if (typeof parsed === "string") return this.fail(parsed, start, end);
      this.headStart = start;
      this.startLine = parsed.text;
      this.head.isRequest = parsed.isRequest;
      this.head.status = parsed.status;
      this.method = parsed.method;
      return;
    }
    if (len > 0) return this.onFieldLine(len, start, end, true);
    this.headEnd = end;
    if (this.head.isRequest) this.onRequestHead?.(this.method);
    const decision = decideBody(this.head, this.requestMethods);
    if (decision.issue !== undefined) this.report(decision.issue);
    const body = decision.body;
    if (body === undefined) return;
    this.bodyEnd = end + decision.length;
    if (body === "none" || (body === "length" && decision.length === 0)) {
      return this.emitMessage(end, body);
    }
    if (body === "chunked") return this.beginSizeLine(end);
    this.state = body === "length" ? H_BODY : H_CLOSE;
  }

  private onTrailerLine(end: number): void {
    const start = this.lineStart;
    const len = this.lineLen;
    this.lineStart = end;
    this.lineLen = 0;
    if (len > 0) return this.onFieldLine(len, start, end, false);
    this.emitMessage(end, "chunked");
  }

  /** A field line of the head or the trailers: checked, and Content-Length and Transfer-Encoding kept. */
  private onFieldLine(len: number, start: number, end: number, inHead: boolean): void {
    const bad = this.head.add(this.line, len, start, end, inHead);
    if (bad !== undefined) this.fail(bad, start, end);
  }

  private beginSizeLine(at: number): void {
    this.state = H_SIZE;
    this.sizeLine.begin(at);
  }

  private endSizeLine(end: number): void {
    if (this.sizeLine.value === 0) {
      // last-chunk: the trailer section follows, up to a blank line.
      this.state = H_TRAILER;
      this.trailerStart = end;
      this.lineStart = end;
      this.lineLen = 0;
      this.sawCR = false;
      this.head.startTrailers();
      return;
    }
    this.state = H_DATA;
    this.dataStart = end;
    this.bodyEnd = end + this.sizeLine.value;
  }

  private emitMessage(end: number, body: Http1Body): void {
    const info: FrameInfo = {
      kind: "http1",
      startLine: this.startLine,
      isRequest: this.head.isRequest,
      body,
      parts: body === "chunked" ? this.parts : undefined,
    };
    this.emit(end, this.headStart, this.headEnd, this.headEnd, end, info);
    this.startFrame(end);
    this.state = H_HEAD;
    this.lineStart = end;
    this.lineLen = 0;
    this.sawCR = false;
    this.headStart = -1;
    this.head = new HeadFields();
    this.parts = [];
  }

  private fail(
    text: string,
    start: number,
    end: number,
    code: IssueCode = "HTTP_PROTOCOL_ERROR",
  ): undefined {
    this.report(makeIssue(code, text, [start, end], true));
    return undefined;
  }

  protected finish(): void {
    if (this.state === H_CLOSE) return this.emitMessage(this.position, "close");
    if (this.position <= this.frameStart) return;
    const span: Span = [this.frameStart, this.position];
    if (this.state === H_HEAD && this.headStart < 0 && this.lineStart === this.position) {
      // Only empty lines (some clients send a CRLF after a body): worth seeing, not an error.
      const text = "stream ended after empty lines, before any start line";
      return this.report(makeIssue("BYTES_REMAINING", text, span, false));
    }
    const where =
      this.state === H_HEAD
        ? "a message head"
        : this.state === H_BODY
          ? `a body (${this.bodyEnd - this.position} bytes missing)`
          : "a chunked body";
    this.fail(`stream ended inside ${where}`, span[0], span[1], "BYTES_REMAINING");
  }
}

function hex(b: number): string {
  return "0x" + b.toString(16).padStart(2, "0");
}
