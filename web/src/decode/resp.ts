import { FramerBase } from "./framer.js";
import { makeIssue, type IssueCode } from "./issue.js";
import {
  LEN_STREAMED,
  RESP,
  badLineText,
  isAggregateType,
  isBlobType,
  isLetter,
  isRespTypeByte,
} from "./resp-line.js";
import { RespLineReader, type LineProblem } from "./resp-line-reader.js";
import {
  ENDED_ATTRIBUTE,
  ENDED_TOP,
  K_AGG,
  K_ATTR,
  K_STREAM,
  K_STREAM_MAP,
  K_STREAM_STR,
  RespStack,
} from "./resp-stack.js";
import type { RespSpec } from "./spec.js";

/** Deepest nesting of aggregates (attributes and streamed values included) before a protocol error. */
export const RESP_MAX_DEPTH = 1000;

const CR = 0x0d;
const LF = 0x0a;

// Where the framer is inside a value.
const S_TYPE = 0; // expecting a type byte
const S_LINE = 1; // inside a line (or an inline command)
const S_BLOB = 3; // counting blob data (never buffered)
const S_BLOB_CR = 4; // expecting the CR after blob data
const S_BLOB_LF = 5; // expecting the LF after blob data

/**
 * Redis RESP2 and RESP3, one frame per top-level value: head = the value's first
 * line with its CRLF, payload = the whole frame. Aggregates nest to
 * RESP_MAX_DEPTH on an explicit stack; blob data is counted, never buffered.
 *
 * ```
 * *2\r\n $5\r\n hello\r\n :7\r\n         one frame: an array of a blob and an integer;
 * |head|                                 payload = the whole frame
 * |1\r\n +ttl\r\n :9\r\n *1\r\n :7\r\n   an attribute joins the value after it;
 *                        |head|          the head is that value's first line
 * ```
 * A top-level line starting with a letter ("PING\r\n", up to LF) is an inline
 * command, which Redis servers accept from clients: a frame of type "inline".
 * Every protocol error is fatal, as in Redis clients; lines and lengths above
 * `max` are FRAME_TOO_LARGE.
 */
export class RespFramer extends FramerBase {
  private readonly max: number;
  private state = S_TYPE;
  private readonly line: RespLineReader;
  private blobEnd = 0;
  private blobIsChunk = false;
  private readonly stack = new RespStack();
  /** An attribute just ended: a value must follow before anything else. */
  private attrPending = false;
  private attributes = 0;
  private headStart = 0;
  private headEnd = 0;
  private type = "";

  constructor(spec: RespSpec) {
    super();
    this.max = spec.max;
    this.line = new RespLineReader(spec.max);
  }

  protected scan(chunk: Uint8Array, base: number): void {
    const n = chunk.length;
    let i = 0;
    while (i < n && this.stoppedAt === undefined) {
      switch (this.state) {
        case S_TYPE:
          this.onType(chunk[i] ?? 0, base + i);
          i += 1;
          break;
        case S_LINE: {
          const next = this.line.scan(chunk, i, base);
          if (next < 0) {
            if (this.line.problem !== undefined) this.failWith(this.line.problem);
            return;
          }
          i = next;
          this.state = S_TYPE;
          this.endLine(base + i);
          break;
        }
        case S_BLOB:
          if (this.blobEnd > base + n) return;
          i = this.blobEnd - base;
          this.state = S_BLOB_CR;
          break;
        case S_BLOB_CR:
        case S_BLOB_LF: {
          const want = this.state === S_BLOB_CR ? CR : LF;
          if (chunk[i] !== want) {
            this.fail(
              "RESP_PROTOCOL_ERROR",
              "expected CRLF after bulk string data",
              this.blobEnd,
              base + i + 1,
            );
            return;
          }
          i += 1;
          if (want === CR) {
            this.state = S_BLOB_LF;
          } else {
            this.state = S_TYPE;
            if (!this.blobIsChunk) this.valueDone(base + i);
          }
          break;
        }
      }
    }
  }

  /** A byte where a value (or a streamed chunk or end marker) must start. */
  private onType(b: number, at: number): void {
    const top = this.stack.top;
    if (top === K_STREAM_STR && b !== RESP.CHUNK) {
      this.fail("RESP_PROTOCOL_ERROR", `expected ';' chunk in streamed string, got ${hex(b)}`, at);
      return;
    }
    if (b === RESP.CHUNK && top !== K_STREAM_STR) {
      this.fail("RESP_PROTOCOL_ERROR", "';' chunk outside a streamed string", at);
      return;
    }
    if (b === RESP.END && (this.attrPending || (top !== K_STREAM && top !== K_STREAM_MAP))) {
      const where = this.attrPending ? "after an attribute" : "outside a streamed aggregate";
      this.fail("RESP_PROTOCOL_ERROR", `'.' end marker ${where}`, at);
      return;
    }
    if (!isRespTypeByte(b)) {
      // Only a frame's first byte may start an inline command (never inside a value).
      if (at === this.frameStart && isLetter(b)) {
        this.line.begin(b, at, true);
        this.state = S_LINE;
        return;
      }
      this.fail("RESP_PROTOCOL_ERROR", `unknown RESP type byte ${hex(b)}`, at);
      return;
    }
    if (b !== RESP.ATTRIBUTE) this.attrPending = false;
    this.line.begin(b, at, false);
    this.state = S_LINE;
  }

  /** A complete line [lineStart, end): check it, then open, count or close a value. */
  private endLine(end: number): void {
    const t = this.line.type;
    if (this.stack.depth === 0 && t !== RESP.ATTRIBUTE) {
      this.headStart = this.line.start;
      this.headEnd = end;
      this.type = this.line.inline ? "inline" : String.fromCharCode(t);
    }
    if (this.line.inline) return this.emitFrame(end);
    if (isBlobType(t)) return this.onBlobLine(t, end);
    if (isAggregateType(t)) return this.onAggregateLine(t, end);
    if (t === RESP.END) {
      if (this.stack.oddStreamedMap()) {
        this.fail(
          "RESP_PROTOCOL_ERROR",
          "streamed map with an odd number of elements",
          this.line.start,
          end,
        );
        return;
      }
      this.stack.close();
      return this.valueDone(end);
    }
    if (!this.line.scalarOk()) {
      this.fail("RESP_PROTOCOL_ERROR", badLineText(t), this.line.start, end);
      return;
    }
    this.valueDone(end);
  }

  private onBlobLine(t: number, end: number): void {
    const v = this.line.length();
    if (v === LEN_STREAMED && t === RESP.BLOB) return this.open(K_STREAM_STR, 0, end);
    if (v === -1 && t === RESP.BLOB) return this.valueDone(end); // RESP2 null bulk string
    if (v < 0) {
      this.fail("RESP_PROTOCOL_ERROR", badLineText(t), this.line.start, end);
      return;
    }
    if (v > this.max) {
      const what = t === RESP.CHUNK ? "chunk" : "bulk";
      const text = `${what} length ${this.line.text()} exceeds max ${this.max}`;
      this.fail("FRAME_TOO_LARGE", text, this.line.start, end);
      return;
    }
    this.blobIsChunk = t === RESP.CHUNK;
    if (t === RESP.CHUNK && v === 0) {
      // ";0" ends the streamed string.
      this.stack.close();
      return this.valueDone(end);
    }
    this.blobEnd = end + v;
    this.state = v > 0 ? S_BLOB : S_BLOB_CR;
  }

  private onAggregateLine(t: number, end: number): void {
    const v = this.line.length();
    const streamable = t === RESP.ARRAY || t === RESP.MAP || t === RESP.SET;
    if (v === LEN_STREAMED && streamable) {
      return this.open(t === RESP.MAP ? K_STREAM_MAP : K_STREAM, 0, end);
    }
    if (v === -1 && t === RESP.ARRAY) return this.valueDone(end); // RESP2 null array
    if (v < 0) {
      this.fail("RESP_PROTOCOL_ERROR", badLineText(t), this.line.start, end);
      return;
    }
    if (v > this.max) {
      const text = `aggregate length ${this.line.text()} exceeds max ${this.max}`;
      this.fail("FRAME_TOO_LARGE", text, this.line.start, end);
      return;
    }
    const pairs = t === RESP.MAP || t === RESP.ATTRIBUTE;
    if (v > 0) return this.open(t === RESP.ATTRIBUTE ? K_ATTR : K_AGG, pairs ? 2 * v : v, end);
    if (t === RESP.ATTRIBUTE) return this.attributeDone();
    this.valueDone(end);
  }

  private open(kind: number, count: number, end: number): void {
    if (this.stack.depth >= RESP_MAX_DEPTH) {
      const text = `aggregates nested deeper than ${RESP_MAX_DEPTH}`;
      this.fail("RESP_PROTOCOL_ERROR", text, this.line.start, end);
      return;
    }
    this.stack.open(kind, count);
  }

  /** A value ended at `end`: a frame ends with the top-level value; attributes wait for theirs. */
  private valueDone(end: number): void {
    const ended = this.stack.valueDone();
    if (ended === ENDED_TOP) this.emitFrame(end);
    else if (ended === ENDED_ATTRIBUTE) this.attributeDone();
  }

  private attributeDone(): void {
    this.attrPending = true;
    if (this.stack.depth === 0) this.attributes += 1;
  }

  private emitFrame(end: number): void {
    this.emit(end, this.headStart, this.headEnd, this.frameStart, end, {
      kind: "resp",
      type: this.type,
      attributes: this.attributes,
    });
    this.attributes = 0;
    this.attrPending = false;
    this.startFrame(end);
  }

  private failWith(p: LineProblem): void {
    this.fail(p.code, p.text, p.start, p.end);
  }

  private fail(code: IssueCode, text: string, start: number, end = start + 1): void {
    this.report(makeIssue(code, text, [start, end], true));
  }

  protected finish(): void {
    if (this.position <= this.frameStart) return;
    const open = this.stack.depth;
    const where =
      this.state >= S_BLOB
        ? `inside bulk data (${this.blobEnd + 2 - this.position} bytes missing)`
        : this.state === S_LINE
          ? "inside a line"
          : `with ${open} aggregate${open === 1 ? "" : "s"} open`;
    this.fail(
      "BYTES_REMAINING",
      `stream ended inside a RESP value, ${where}`,
      this.frameStart,
      this.position,
    );
  }
}

function hex(b: number): string {
  return "0x" + b.toString(16).padStart(2, "0");
}
