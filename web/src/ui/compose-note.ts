/**
 * Why the composer's preview does not cut the frames it framed: the stream's
 * framer reads bytes that the stream's encoder does not write, or the framer
 * reported an issue.
 */
import type { PreviewMarks } from "../decode/frame-parts.js";
import type { FramingSpec } from "../decode/spec.js";

const bytes = (n: number): string => `${n} byte${n === 1 ? "" : "s"}`;

/**
 * One sentence on why cutting the framed bytes with `spec` did not give back
 * the `framed` frames the encoder wrote (another count, or an issue), or
 * undefined when it did.
 */
export function explainFrameCount(
  spec: FramingSpec,
  framed: number,
  marks: PreviewMarks,
): string | undefined {
  if (marks.frames === framed && marks.issues.length === 0) return undefined;
  const mismatch = encoderMismatch(spec);
  if (mismatch !== undefined) return mismatch;
  const issue = marks.issues[0];
  const cut = `the framer cut ${marks.frames} of the ${framed} frame(s) written`;
  return issue === undefined ? cut : `${cut}: ${issue.text}`;
}

/** Where the stream's encoder writes other bytes than its framer reads, in one sentence. */
function encoderMismatch(spec: FramingSpec): string | undefined {
  const cuts = "so these bytes do not cut into the frames written";
  if (spec.kind === "length") {
    if (spec.offset > 0)
      return (
        `the length framing reads ${bytes(spec.offset)} before its length field; the encoder ` +
        `writes none (as tokio's does), ${cuts}`
      );
    if (spec.skip !== spec.offset + spec.size)
      return (
        `the length framing drops ${bytes(spec.skip)} from the front of a frame, not its ` +
        `${spec.size}-byte length field; the encoder writes the field then the payload ` +
        `(as tokio's does), ${cuts}`
      );
  }
  if (spec.kind === "netty" && spec.offset > 0)
    return (
      `the netty framing reads ${bytes(spec.offset)} before its length field; the encoder writes ` +
      `none (as Netty's LengthFieldPrepender does), ${cuts}`
    );
  return undefined;
}
