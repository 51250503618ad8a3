import { FramerBase, type PendingFrame } from "./framer.js";
import { makeIssue } from "./issue.js";
import type { GrpcSpec } from "./spec.js";

/** Bytes before a gRPC message: the flag byte and the u32 big-endian length. */
export const GRPC_HEAD_LENGTH = 5;

/**
 * gRPC's Length-Prefixed-Message (and gRPC-Web's trailers frame).
 *
 * ```
 * +------+------------------+-------------------+
 * | flag | length (u32, BE) | message           |
 * +------+------------------+-------------------+
 *  1 byte  4 bytes            `length` bytes = payload
 * |<------ head (5) ------->|
 * ```
 * Flag 0 is a plain message, 1 a compressed one; 0x80 and 0x81 mark a gRPC-Web
 * trailers frame. Any other flag is INVALID_COMPRESSED_FLAG as soon as the flag
 * byte arrives; a length above `max` is FRAME_TOO_LARGE from the head alone.
 * Both are fatal. The message is counted, never buffered.
 */
export class GrpcFramer extends FramerBase {
  /** Bytes of the head seen so far (0..5). */
  private headSeen = 0;
  private flag = 0;
  private length = 0;
  /** Absolute end of the frame once the head is read; -1 while reading the head. */
  private frameEnd = -1;

  constructor(private readonly spec: GrpcSpec) {
    super();
  }

  protected scan(chunk: Uint8Array, base: number): void {
    const n = chunk.length;
    let i = 0;
    for (;;) {
      if (this.frameEnd < 0) {
        while (i < n && this.headSeen < GRPC_HEAD_LENGTH) {
          const b = chunk[i++] ?? 0;
          if (this.headSeen++ === 0) {
            this.flag = b;
            if (!isValidFlag(b)) {
              this.fail(
                "INVALID_COMPRESSED_FLAG",
                `Compressed-Flag must be 0 or 1 (or 0x80/0x81 for a gRPC-Web trailers frame), not 0x${hex2(b)}`,
                1,
              );
              return;
            }
          } else {
            this.length = this.length * 256 + b;
          }
        }
        if (this.headSeen < GRPC_HEAD_LENGTH) return;
        if (this.length > this.spec.max) {
          this.fail(
            "FRAME_TOO_LARGE",
            `message length ${this.length} exceeds limit ${this.spec.max}`,
            GRPC_HEAD_LENGTH,
            1,
          );
          return;
        }
        this.frameEnd = this.frameStart + GRPC_HEAD_LENGTH + this.length;
        continue;
      }
      const end = this.frameEnd;
      if (base + n < end) return;
      i = end - base;
      const s = this.frameStart;
      const flag = this.flag;
      this.emit(end, s, s + GRPC_HEAD_LENGTH, s + GRPC_HEAD_LENGTH, end, {
        kind: "grpc",
        flag,
        compressed: (flag & 1) === 1,
        trailer: (flag & 0x80) !== 0,
      });
      this.startFrame(end);
    }
  }

  /** A fatal issue on the head bytes [start + from, start + to). */
  private fail(
    code: "INVALID_COMPRESSED_FLAG" | "FRAME_TOO_LARGE",
    text: string,
    to: number,
    from = 0,
  ): void {
    const s = this.frameStart;
    this.report(makeIssue(code, text, [s + from, s + to], true));
  }

  protected finish(): void {
    const s = this.frameStart;
    const end = this.position;
    if (end === s) return;
    const what =
      this.frameEnd < 0
        ? `${this.headSeen} of ${GRPC_HEAD_LENGTH} head bytes`
        : `${end - s - GRPC_HEAD_LENGTH} of ${this.length} message bytes`;
    this.report(
      makeIssue(
        "BYTES_REMAINING",
        `stream ended inside a Length-Prefixed-Message: ${what}`,
        [s, end],
        true,
      ),
    );
  }

  protected override startFrame(at: number): void {
    super.startFrame(at);
    this.headSeen = 0;
    this.length = 0;
    this.frameEnd = -1;
  }

  /** Once the 5-byte prefix is read: the prefix, and the end of the message. */
  override get pendingFrame(): PendingFrame | undefined {
    if (this.stoppedAt !== undefined || this.frameEnd < 0) return undefined;
    const s = this.frameStart;
    return { head: [s, s + GRPC_HEAD_LENGTH], end: this.frameEnd };
  }
}

function isValidFlag(b: number): boolean {
  return b === 0 || b === 1 || b === 0x80 || b === 0x81;
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, "0");
}
