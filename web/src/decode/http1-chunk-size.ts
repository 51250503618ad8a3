import type { IssueCode } from "./issue.js";

const CR = 0x0d;
const LF = 0x0a;

/** Why a chunk-size line was rejected, with the span [start, end) to blame. */
export interface ChunkSizeProblem {
  readonly code: IssueCode;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

// Where the reader is in `chunk-size [BWS ";" ext...] CRLF`.
const BEFORE_DIGITS = 0;
const IN_DIGITS = 1;
const AFTER_DIGITS = 2; // whitespace before ";"
const IN_EXTENSION = 3;

/**
 * Reads one chunk-size line of a chunked body across chunks, byte by byte and
 * without buffering: hex digits, optional extensions (only control characters
 * are refused there), CRLF or a bare LF. The line may be at most `max` bytes.
 *
 * ```
 * 1a;name=value\r\n      size 0x1a = 26, then 26 bytes of data and CRLF
 * 0\r\n                  last-chunk: trailer fields and a blank line follow
 * ```
 */
export class ChunkSizeReader {
  /** Stream offset of the line's first byte. */
  start = 0;
  /** The chunk size read so far. */
  value = 0;
  problem: ChunkSizeProblem | undefined = undefined;
  private state = BEFORE_DIGITS;
  private sawCR = false;

  constructor(private readonly max: number) {}

  begin(at: number): void {
    this.start = at;
    this.value = 0;
    this.state = BEFORE_DIGITS;
    this.sawCR = false;
  }

  /**
   * Scans from chunk[i] (chunk[0] is at stream offset `base`). Returns the index
   * just past the line's LF, or -1 when the chunk ended first or `problem` is set.
   */
  scan(chunk: Uint8Array, i: number, base: number): number {
    const n = chunk.length;
    while (i < n) {
      const b = chunk[i] ?? 0;
      const at = base + i;
      i += 1;
      if (at + 1 - this.start > this.max) {
        const text = `chunk-size line longer than max ${this.max} bytes`;
        this.problem = { code: "FRAME_TOO_LARGE", text, start: this.start, end: at + 1 };
        return -1;
      }
      const ok = b === LF ? this.state !== BEFORE_DIGITS : !this.sawCR && this.take(b);
      if (!ok) {
        const text = "malformed chunk-size line";
        this.problem = { code: "HTTP_PROTOCOL_ERROR", text, start: this.start, end: at + 1 };
        return -1;
      }
      if (b === LF) return i;
    }
    return -1;
  }

  /** One byte before the LF; false when it cannot be there. */
  private take(b: number): boolean {
    if (b === CR) {
      this.sawCR = true;
      return this.state !== BEFORE_DIGITS;
    }
    if (this.state === IN_EXTENSION) return b === 0x09 || (b >= 0x20 && b !== 0x7f);
    const digit = hexDigit(b);
    if (digit >= 0 && this.state !== AFTER_DIGITS) {
      this.value = this.value * 16 + digit;
      this.state = IN_DIGITS;
      return Number.isSafeInteger(this.value);
    }
    if (this.state === BEFORE_DIGITS) return false;
    if (b === 0x20 || b === 0x09) this.state = AFTER_DIGITS;
    else if (b === 0x3b) this.state = IN_EXTENSION;
    else return false;
    return true;
  }
}

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}
