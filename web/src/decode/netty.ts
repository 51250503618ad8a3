import { FramerBase, type PendingFrame } from "./framer.js";
import { makeIssue } from "./issue.js";
import type { NettySpec } from "./spec.js";

const HEAD = 0;
const BODY = 1;
const DISCARD = 2;

/**
 * Netty's LengthFieldBasedFrameDecoder, with its recoverable errors as issues.
 *
 * ```
 * frame start                                   frame end = start + frame length
 * |<-- offset -->|<-- size -->|<---- field value + adjust ---->|
 * |<-- strip -->|<------------ payload (what Netty returns) --->|
 *                ^ head = the length field
 * frame length = value + adjust + offset + size   (compared with `max`)
 * ```
 * Errors never stop the framer: a negative 8-byte field or a frame length
 * shorter than offset + size skips offset + size bytes (CORRUPT_FRAME); a frame
 * longer than `max` is discarded whole, counted but never buffered
 * (FRAME_TOO_LARGE, reported when the head is read with `failfast`, else once
 * the last discarded byte arrived); strip > frame length skips the frame
 * (CORRUPT_FRAME). Arithmetic is Java's: `adjust + offset + size` wraps as an
 * int, the 8-byte field is a signed long and the sum wraps at 64 bits.
 */
export class NettyFramer extends FramerBase {
  private readonly fieldEnd: number;
  /** Java's `lengthAdjustment + lengthFieldEndOffset`, an int that may wrap. */
  private readonly inner: number;
  private readonly field: Uint8Array;
  private state = HEAD;
  /** Bytes of the head [start, start + offset + size) seen so far. */
  private headSeen = 0;
  /** BODY: absolute end of the frame; DISCARD: absolute end of the bytes to discard. */
  private frameEnd = 0;
  /** DISCARD: the frame length as Netty computed it (exact, as text). */
  private tooLong = "";

  constructor(private readonly spec: NettySpec) {
    super();
    this.fieldEnd = spec.offset + spec.size;
    this.inner = (spec.adjust + this.fieldEnd) | 0;
    this.field = new Uint8Array(spec.size);
  }

  protected scan(chunk: Uint8Array, base: number): void {
    const n = chunk.length;
    const { offset } = this.spec;
    let i = 0;
    for (;;) {
      if (this.state === HEAD) {
        const seen = this.headSeen;
        const take = Math.min(n - i, this.fieldEnd - seen);
        if (take <= 0) return;
        // Keep only the length field's bytes; the bytes before it are counted.
        for (let k = Math.max(seen, offset); k < seen + take; k++) {
          this.field[k - offset] = chunk[i + k - seen] ?? 0;
        }
        this.headSeen = seen + take;
        i += take;
        if (this.headSeen < this.fieldEnd) return;
        this.onHead();
        continue;
      }
      const end = this.frameEnd;
      if (base + n < end) return;
      i = end - base;
      if (this.state === BODY) this.onFrameEnd();
      else this.onDiscarded();
    }
  }

  /** The head is complete: Netty's checks, in Netty's order. */
  private onHead(): void {
    const s = this.frameStart;
    const { size, endian, max } = this.spec;
    let length: number | bigint;
    if (size === 8) {
      const raw = BigInt.asIntN(64, readUnsignedBig(this.field, endian));
      if (raw < 0n) {
        this.corrupt(`negative pre-adjustment length field: ${raw}`, s + this.fieldEnd);
        return;
      }
      length = BigInt.asIntN(64, raw + BigInt(this.inner));
    } else {
      length = readUnsigned(this.field, size, endian) + this.inner;
    }
    if (length < this.fieldEnd) {
      this.corrupt(
        `Adjusted frame length (${length}) is less than lengthFieldEndOffset: ${this.fieldEnd}`,
        s + this.fieldEnd,
      );
      return;
    }
    if (length > max) {
      // Discard the whole frame; an end past 2^53 can never arrive, so clamp it.
      const end = BigInt(s) + BigInt(length);
      this.frameEnd = end > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(end);
      this.tooLong = String(length);
      this.state = DISCARD;
      if (this.spec.failfast) {
        // Netty's failFast: the error as soon as the length is read, on the bytes that said it.
        this.report(
          makeIssue(
            "FRAME_TOO_LARGE",
            `Adjusted frame length exceeds ${max}: ${length} - discarding the frame`,
            [s + this.spec.offset, s + this.fieldEnd],
            false,
          ),
        );
      }
      return;
    }
    this.frameEnd = s + Number(length);
    this.state = BODY;
  }

  /** The whole frame has arrived: strip and emit it, or skip it as Netty does. */
  private onFrameEnd(): void {
    const s = this.frameStart;
    const end = this.frameEnd;
    const { offset, strip } = this.spec;
    if (strip > end - s) {
      this.corrupt(
        `Adjusted frame length (${end - s}) is less than initialBytesToStrip: ${strip}`,
        end,
      );
      return;
    }
    this.emit(end, s + offset, s + this.fieldEnd, s + strip, end, undefined);
    this.startFrame(end);
  }

  private onDiscarded(): void {
    const end = this.frameEnd;
    this.reportDiscarded(end, "");
    this.startFrame(end);
  }

  /** The discarded bytes: FRAME_TOO_LARGE without failfast, else DISCARDED_BYTES (the error came first). */
  private reportDiscarded(end: number, note: string): void {
    const failfast = this.spec.failfast;
    this.report(
      makeIssue(
        failfast ? "DISCARDED_BYTES" : "FRAME_TOO_LARGE",
        failfast
          ? `${end - this.frameStart} bytes of a frame of ${this.tooLong} bytes discarded${note}`
          : `Adjusted frame length exceeds ${this.spec.max}: ${this.tooLong} - discarded${note}`,
        [this.frameStart, end],
        false,
      ),
    );
  }

  /** Netty's CorruptedFrameException: the bytes up to `skipTo` are skipped and decoding goes on. */
  private corrupt(text: string, skipTo: number): void {
    this.report(makeIssue("CORRUPT_FRAME", text, [this.frameStart, skipTo], false));
    this.startFrame(skipTo);
  }

  protected finish(): void {
    const s = this.frameStart;
    const end = this.position;
    if (this.state === HEAD) {
      if (this.headSeen > 0) {
        this.report(
          makeIssue(
            "BYTES_REMAINING",
            `stream ended inside a head: ${this.headSeen} of ${this.fieldEnd} bytes (Netty leaves them unread)`,
            [s, end],
            true,
          ),
        );
      }
    } else if (this.state === BODY) {
      this.report(
        makeIssue(
          "BYTES_REMAINING",
          `stream ended inside a frame: ${end - s} of ${this.frameEnd - s} bytes (Netty leaves them unread)`,
          [s, end],
          true,
        ),
      );
    } else {
      this.reportDiscarded(end, `; the stream ended after ${end - s} of them`);
    }
  }

  /** While a too-long frame is discarded, none of its bytes will be needed. */
  override get pendingStart(): number {
    return this.state === DISCARD ? this.position : this.frameStart;
  }

  /** Once the head is read: its length field, and the end of the frame (none while a too-long frame is discarded). */
  override get pendingFrame(): PendingFrame | undefined {
    if (this.state !== BODY) return undefined;
    const s = this.frameStart;
    return { head: [s + this.spec.offset, s + this.fieldEnd], end: this.frameEnd };
  }

  protected override startFrame(at: number): void {
    super.startFrame(at);
    this.state = HEAD;
    this.headSeen = 0;
  }
}

/** An unsigned integer of 1 to 4 bytes. */
function readUnsigned(bytes: Uint8Array, size: number, endian: "be" | "le"): number {
  let v = 0;
  for (let k = 0; k < size; k++) v = v * 256 + (bytes[endian === "be" ? k : size - 1 - k] ?? 0);
  return v;
}

/** An unsigned integer of all the bytes, as a bigint. */
function readUnsignedBig(bytes: Uint8Array, endian: "be" | "le"): bigint {
  let v = 0n;
  const n = bytes.length;
  for (let k = 0; k < n; k++) v = (v << 8n) | BigInt(bytes[endian === "be" ? k : n - 1 - k] ?? 0);
  return v;
}
