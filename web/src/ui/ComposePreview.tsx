import { previewMarks } from "../decode/frame-parts.js";
import { bytesToHex } from "../decode/hex.js";
import type { FramingSpec } from "../decode/spec.js";
import { explainFrameCount } from "./compose-note.js";
import { plural } from "./plural.js";
import { concatBytes } from "../decode/concat.js";

/** Bytes shown in the preview at most. */
const PREVIEW_MAX = 512;

const PART_CLASS = ["", "head", "payload", "skipped"] as const;

/**
 * The composer's bytes as they will be written: each byte marked head, payload
 * or skipped by the stream's real framer (`spec`, when framed), each write's
 * start marked, and a note when the framer does not cut the `framedCount`
 * frames the encoder wrote.
 */
export function ComposePreview(props: {
  readonly writes: readonly Uint8Array[];
  readonly spec: FramingSpec | undefined;
  readonly framedCount: number;
}) {
  const { writes, spec } = props;
  const all = concatBytes(writes);
  const marks = spec === undefined ? undefined : previewMarks(spec, all);
  const note =
    spec === undefined || marks === undefined
      ? undefined
      : explainFrameCount(spec, props.framedCount, marks);
  const boundaries = new Set<number>();
  let at = 0;
  for (const w of writes.slice(0, -1)) boundaries.add((at += w.length));
  return (
    <div className="compose-preview" data-testid="compose-preview" title="the exact bytes">
      {note === undefined ? null : (
        <div className="compose-note" data-testid="compose-note">
          {note}
        </div>
      )}
      <span className="muted">
        {all.length} B{marks === undefined ? "" : `, ${plural(marks.frames, "frame")}`},{" "}
        {plural(writes.length, "write")}:
      </span>{" "}
      {[...all.subarray(0, PREVIEW_MAX)].map((b, i) => {
        const part = marks?.parts[i] ?? 0;
        const alt = (marks?.frameOf[i] ?? 0) % 2 === 1 ? " fr-alt" : "";
        const cls = `c${part === 0 ? "" : " fr"}${alt} ${PART_CLASS[part] ?? ""}${boundaries.has(i) ? " wstart" : ""}`;
        return (
          <span key={i} className={cls} data-part={part}>
            {bytesToHex(Uint8Array.of(b))}
          </span>
        );
      })}
      {all.length > PREVIEW_MAX ? <span className="muted"> …</span> : null}
    </div>
  );
}
