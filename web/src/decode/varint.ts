import { FramerBase, type PendingFrame } from "./framer.js";
import { makeIssue } from "./issue.js";
import type { VarintSpec } from "./spec.js";

/** Longest length varint protobuf-java reads before "malformed varint". */
export const MAX_VARINT_BYTES = 10;

/**
 * protobuf's varint-delimited stream (writeDelimitedTo / parseDelimitedFrom),
 * read as protobuf-java's CodedInputStream.readRawVarint32 reads the length.
 *
 * ```
 * |<-- offset -->|<-- varint (1..10) -->|<---- length bytes ---->|
 * |<----------------- head ------------>|<------ payload ------->|
 * ```
 * The length is the varint's low 32 bits (non-minimal forms accepted); as Java
 * reads it into an int, a value with bit 31 set is a negative size. Errors are
 * fatal: a 10th byte with the continuation bit (MALFORMED_VARINT), a negative
 * size (CORRUPT_FRAME), a length above `max` (FRAME_TOO_LARGE, decided as soon
 * as the varint ends). The payload is counted, never buffered.
 */
export class VarintFramer extends FramerBase {
  /** Bytes of the head (offset bytes, then varint bytes) seen so far. */
  private headSeen = 0;
  /** The varint's low 32 bits, as an unsigned number. */
  private value = 0;
  /** Absolute end of the payload once the varint is read; -1 while reading the head. */
  private frameEnd = -1;

  constructor(private readonly spec: VarintSpec) {
    super();
  }

  protected scan(chunk: Uint8Array, base: number): void {
    const n = chunk.length;
    const offset = this.spec.offset;
    let i = 0;
    for (;;) {
      if (this.frameEnd < 0) {
        if (this.headSeen < offset) {
          const take = Math.min(n - i, offset - this.headSeen);
          this.headSeen += take;
          i += take;
          if (this.headSeen < offset) return;
        }
        let done = false;
        while (i < n) {
          const b = chunk[i++] ?? 0;
          const k = this.headSeen - offset;
          this.headSeen += 1;
          // Java: result |= (b & 0x7f) << 7k for k < 5; bits past 31 fall off.
          if (k < 4) this.value += (b & 0x7f) * 2 ** (7 * k);
          else if (k === 4) this.value += (b & 0x0f) * 2 ** 28;
          if ((b & 0x80) === 0) {
            done = true;
            break;
          }
          if (k === MAX_VARINT_BYTES - 1) {
            this.fail(
              "MALFORMED_VARINT",
              `CodedInputStream encountered a malformed varint: ${MAX_VARINT_BYTES} bytes with the continuation bit set`,
            );
            return;
          }
        }
        if (!done || !this.onLength()) return;
        continue;
      }
      const end = this.frameEnd;
      if (base + n < end) return;
      i = end - base;
      const s = this.frameStart;
      const headEnd = s + this.headSeen;
      this.emit(end, s, headEnd, headEnd, end, undefined);
      this.startFrame(end);
    }
  }

  /** The varint is complete: check the length, then wait for the payload. */
  private onLength(): boolean {
    const v = this.value;
    if (v >= 2 ** 31) {
      this.fail(
        "CORRUPT_FRAME",
        `message size ${v - 2 ** 32} is negative (varint 0x${v.toString(16)} read as a 32-bit int, as protobuf-java does)`,
      );
      return false;
    }
    if (v > this.spec.max) {
      this.fail("FRAME_TOO_LARGE", `message length ${v} exceeds limit ${this.spec.max}`);
      return false;
    }
    this.frameEnd = this.frameStart + this.headSeen + v;
    return true;
  }

  /** A fatal issue on the varint's bytes. */
  private fail(code: "MALFORMED_VARINT" | "CORRUPT_FRAME" | "FRAME_TOO_LARGE", text: string): void {
    const s = this.frameStart;
    this.report(makeIssue(code, text, [s + this.spec.offset, s + this.headSeen], true));
  }

  protected finish(): void {
    const s = this.frameStart;
    const end = this.position;
    if (end === s) return;
    const text =
      this.frameEnd < 0
        ? this.headSeen <= this.spec.offset
          ? `input ended before the length varint: ${this.headSeen} of ${this.spec.offset} offset bytes`
          : "input ended in the middle of a length varint"
        : `input ended in the middle of a message: ${end - s - this.headSeen} of ${this.value} bytes`;
    this.report(makeIssue("BYTES_REMAINING", text, [s, end], true));
  }

  protected override startFrame(at: number): void {
    super.startFrame(at);
    this.headSeen = 0;
    this.value = 0;
    this.frameEnd = -1;
  }

  /** Once the varint is read: the bytes up to its end, and the end of the message. */
  override get pendingFrame(): PendingFrame | undefined {
    if (this.stoppedAt !== undefined || this.frameEnd < 0) return undefined;
    const s = this.frameStart;
    return { head: [s, s + this.headSeen], end: this.frameEnd };
  }
}
