import { FramerBase } from "./framer.js";
import { bytesToHex } from "./hex.js";
import { makeIssue } from "./issue.js";
import type { DelimSpec } from "./spec.js";

/**
 * Delimiter-terminated frames (Netty's DelimiterBasedFrameDecoder with one
 * delimiter and failFast, stripDelimiter).
 *
 * ```
 * |<---- payload (at most max) ---->|<-- sep -->|
 * |<---------------- frame ----------------------->|
 *                                   ^ head = the separator
 * ```
 * Each byte is scanned once: a Knuth-Morris-Pratt state remembers how much of
 * the separator the last bytes matched, so a separator may straddle chunks and
 * no byte is kept. A payload that exceeds `max` is FRAME_TOO_LARGE as soon as
 * max + 1 of its bytes are known not to start a separator; bytes after the
 * last separator are BYTES_REMAINING at the end. Both are fatal.
 */
export class DelimFramer extends FramerBase {
  private readonly sep: Uint8Array;
  private readonly max: number;
  /** KMP failure table: fail[q] = longest proper border of sep[0..q]. */
  private readonly fail: Uint8Array;
  /** How many separator bytes the last scanned bytes match (0 .. sep.length - 1). */
  private matched = 0;

  constructor(spec: DelimSpec) {
    super();
    if (spec.sep.length === 0) throw new Error("delim: the separator must not be empty");
    this.sep = spec.sep;
    this.max = spec.max;
    this.fail = failureTable(spec.sep);
  }

  protected scan(chunk: Uint8Array, base: number): void {
    const sep = this.sep;
    const len = sep.length;
    const first = sep[0] ?? 0;
    const n = chunk.length;
    // The last offset where this frame's separator may start; after `at` bytes
    // with `q` of them matching a separator prefix, it can start no earlier than at - q.
    let lastStart = this.frameStart + this.max;
    let q = this.matched;
    let i = 0;
    while (i < n) {
      if (q === 0) {
        // Fast skip: no separator starts before the next copy of its first byte.
        const j = chunk.indexOf(first, i);
        const stop = j < 0 ? n : j;
        if (base + stop > lastStart) {
          this.tooLarge();
          return;
        }
        if (j < 0) break;
        i = j;
      }
      const b = chunk[i] ?? 0;
      while (q > 0 && b !== sep[q]) q = this.fail[q - 1] ?? 0;
      if (b === sep[q]) q += 1;
      i += 1;
      const at = base + i;
      if (q === len) {
        this.emit(at, at - len, at, this.frameStart, at - len, undefined);
        this.startFrame(at);
        lastStart = at + this.max;
        q = 0;
      } else if (at - q > lastStart) {
        this.tooLarge();
        return;
      }
    }
    this.matched = q;
  }

  private tooLarge(): void {
    const s = this.frameStart;
    this.report(
      makeIssue(
        "FRAME_TOO_LARGE",
        `no separator ${bytesToHex(this.sep)} within ${this.max} bytes: the frame exceeds max ${this.max}`,
        [s, s + this.max + 1],
        true,
      ),
    );
  }

  protected finish(): void {
    const s = this.frameStart;
    const end = this.position;
    if (end === s) return;
    this.report(
      makeIssue(
        "BYTES_REMAINING",
        `stream ended ${end - s} bytes after the last frame: no separator ${bytesToHex(this.sep)} was found`,
        [s, end],
        true,
      ),
    );
  }
}

/** The Knuth-Morris-Pratt failure function of `sep` (at most 16 bytes long). */
function failureTable(sep: Uint8Array): Uint8Array {
  const table = new Uint8Array(sep.length);
  let k = 0;
  for (let q = 1; q < sep.length; q++) {
    while (k > 0 && sep[q] !== sep[k]) k = table[k - 1] ?? 0;
    if (sep[q] === sep[k]) k += 1;
    table[q] = k;
  }
  return table;
}
