import type { IssueCode } from "./issue.js";
import {
  MAX_DOUBLE_TEXT,
  RESP,
  asciiOf,
  badLineText,
  isDigit,
  isRespDouble,
  isRespInteger,
  parseRespLength,
  respLineCap,
} from "./resp-line.js";

const CR = 0x0d;
const LF = 0x0a;

/** Why a line was rejected, with the span [start, end) of stream offsets to blame. */
export interface LineProblem {
  readonly code: IssueCode;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Reads one RESP line across chunks: a typed line up to CRLF (a lone CR is
 * content, as in hiredis) or an inline command up to LF. Only the few bytes a
 * line's check needs are kept (at most MAX_DOUBLE_TEXT); longer content of
 * such a line, or any line longer than `max` bytes, is a problem at once.
 */
export class RespLineReader {
  /** The type byte, or the first letter of an inline command. */
  type = 0;
  /** Stream offset of the type byte. */
  start = 0;
  inline = false;
  problem: LineProblem | undefined = undefined;
  /** Content bytes so far: after the type byte, CRLF excluded (inline: all bytes before LF). */
  private len = 0;
  private sawCR = false;
  /** -1 for lines that are only counted; else how many content bytes `buf` may hold. */
  private cap = -1;
  private readonly buf = new Uint8Array(MAX_DOUBLE_TEXT);
  private bufLen = 0;
  /** Digits of a big number so far. */
  private digits = 0;

  constructor(private readonly max: number) {}

  /** Starts a line whose first byte (type byte or inline letter) is at stream offset `at`. */
  begin(type: number, at: number, inline: boolean): void {
    this.type = type;
    this.start = at;
    this.inline = inline;
    this.len = inline ? 1 : 0;
    this.sawCR = false;
    this.cap = inline ? -1 : respLineCap(type);
    this.bufLen = 0;
    this.digits = 0;
  }

  /**
   * Scans from chunk[i] (chunk[0] is at stream offset `base`). Returns the index
   * just past the line's LF, or -1 when the chunk ended first or `problem` is set.
   */
  scan(chunk: Uint8Array, i: number, base: number): number {
    const n = chunk.length;
    if (this.inline) return this.skipTo(chunk, i, base, LF);
    while (i < n) {
      if (this.sawCR) {
        this.sawCR = false;
        if (chunk[i] === LF) return i + 1;
        if (!this.add(CR, base + i - 1)) return -1;
      }
      if (this.cap < 0 && this.type !== RESP.BIG_NUMBER) {
        // A counted-only line: jump to the next CR.
        i = this.skipTo(chunk, i, base, CR);
        if (i < 0) return -1;
        i -= 1;
      }
      const b = chunk[i] ?? 0;
      i += 1;
      if (b === CR) this.sawCR = true;
      else if (!this.add(b, base + i - 1)) return -1;
    }
    return -1;
  }

  /** Counts bytes up to and including `stop`; returns the index past it, or -1. */
  private skipTo(chunk: Uint8Array, i: number, base: number, stop: number): number {
    const j = chunk.indexOf(stop, i);
    const count = (j < 0 ? chunk.length : j) - i;
    if (this.len + count > this.max) {
      this.tooLong(base + i + (this.max - this.len));
      return -1;
    }
    this.len += count;
    return j < 0 ? -1 : j + 1;
  }

  /** Adds one content byte at stream offset `at`; false when that makes a problem. */
  private add(b: number, at: number): boolean {
    this.len += 1;
    if (this.len > this.max) {
      this.tooLong(at);
      return false;
    }
    if (this.type === RESP.BIG_NUMBER) {
      // Checked as the bytes come: an optional "-", then digits only.
      if (isDigit(b)) this.digits += 1;
      if (isDigit(b) || (b === 0x2d && this.len === 1)) return true;
    } else if (this.cap < 0) {
      return true;
    } else if (this.bufLen < this.cap) {
      this.buf[this.bufLen++] = b;
      return true;
    }
    this.problem = {
      code: "RESP_PROTOCOL_ERROR",
      text: badLineText(this.type),
      start: this.start,
      end: at + 1,
    };
    return false;
  }

  private tooLong(at: number): void {
    this.problem = {
      code: "FRAME_TOO_LARGE",
      text: `line longer than max ${this.max} bytes`,
      start: this.start,
      end: at + 1,
    };
  }

  /** For a complete scalar line (+ - : _ # , ( .): whether its content is well formed. */
  scalarOk(): boolean {
    const buf = this.buf;
    switch (this.type) {
      case RESP.INTEGER:
        return isRespInteger(buf, this.bufLen);
      case RESP.BOOLEAN:
        return this.bufLen === 1 && "tTfF".includes(String.fromCharCode(buf[0] ?? 0));
      case RESP.DOUBLE:
        return isRespDouble(buf, this.bufLen);
      case RESP.BIG_NUMBER:
        return this.digits > 0;
      default:
        return true; // + and -; _ and . have a cap of 0, so any content was already refused
    }
  }

  /** For a complete length line: its value as `parseRespLength` gives it. */
  length(): number {
    return parseRespLength(this.buf, this.bufLen);
  }

  /** The buffered content as text (for issue texts). */
  text(): string {
    return asciiOf(this.buf, 0, this.bufLen);
  }
}
