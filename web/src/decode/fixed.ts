import { FramerBase } from "./framer.js";
import { makeIssue } from "./issue.js";
import type { FixedSpec } from "./spec.js";

/**
 * Fixed-size frames (Netty's FixedLengthFrameDecoder): every frame is exactly
 * `size` bytes, all payload; the head is the empty span at the frame's start.
 *
 * ```
 * |<---- size ---->|<---- size ---->|<-- leftover -->|
 * |    payload     |    payload     | BYTES_REMAINING |
 * ```
 */
export class FixedFramer extends FramerBase {
  constructor(private readonly spec: FixedSpec) {
    super();
    if (!Number.isSafeInteger(spec.size) || spec.size < 1)
      throw new Error(`fixed: size must be a whole number of bytes >= 1, not ${spec.size}`);
  }

  protected scan(chunk: Uint8Array, base: number): void {
    const size = this.spec.size;
    const chunkEnd = base + chunk.length;
    for (let s = this.frameStart; s + size <= chunkEnd; s += size) {
      this.emit(s + size, s, s, s, s + size, undefined);
      this.startFrame(s + size);
    }
  }

  protected finish(): void {
    const s = this.frameStart;
    if (this.position > s) {
      this.report(
        makeIssue(
          "BYTES_REMAINING",
          `stream ended inside a frame: ${this.position - s} of ${this.spec.size} bytes`,
          [s, this.position],
          true,
        ),
      );
    }
  }
}
