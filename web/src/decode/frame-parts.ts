/**
 * What each byte of a short stream is, found by cutting the
 * bytes with the real framer of the stream's spec: head, payload, skipped (in a
 * frame but neither), or outside any complete frame.
 */
import { createFramer } from "./framers.js";
import type { Issue } from "./issue.js";
import type { FramingSpec } from "./spec.js";

export const PART_NONE = 0;
export const PART_HEAD = 1;
export const PART_PAYLOAD = 2;
export const PART_SKIPPED = 3;

/** One mark per byte (PART_*), the frame index per byte (-1 outside frames), the frames cut and the framer's issues. */
export interface PreviewMarks {
  readonly parts: Uint8Array;
  readonly frameOf: Int32Array;
  readonly frames: number;
  readonly issues: readonly Issue[];
}

/** Cuts `bytes` as one stream with `spec` and marks every byte. */
export function previewMarks(spec: FramingSpec, bytes: Uint8Array): PreviewMarks {
  const framer = createFramer(spec);
  const out = framer.push(bytes);
  const last = framer.end();
  const frames = [...out.frames, ...last.frames];
  const parts = new Uint8Array(bytes.length);
  const frameOf = new Int32Array(bytes.length).fill(-1);
  for (const f of frames) {
    for (let i = f.start; i < f.end && i < bytes.length; i++) {
      frameOf[i] = f.index;
      parts[i] =
        i >= f.headStart && i < f.headEnd
          ? PART_HEAD
          : i >= f.payloadStart && i < f.payloadEnd
            ? PART_PAYLOAD
            : PART_SKIPPED;
    }
  }
  return { parts, frameOf, frames: frames.length, issues: [...out.issues, ...last.issues] };
}
