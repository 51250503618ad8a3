/**
 * An issue row of the frame list in words: where its bytes are, and what it
 * means for the bytes after it (a fatal issue stops the framer; the rest of
 * the stream stays visible, unframed).
 */

/** "byte 12", "bytes 0–3 (4 bytes)", or "at byte 7" for an empty span; offsets are stream offsets. */
export function spanWords(start: number, end: number): string {
  if (end <= start) return `at byte ${start}`;
  if (end - start === 1) return `byte ${start}`;
  return `bytes ${start}–${end - 1} (${end - start} bytes)`;
}

/** What the detail panel says about an issue row. */
export interface IssueRowFacts {
  readonly codes: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly fatal: boolean;
  /** Where the framer stopped in this stream, or null while it goes on. */
  readonly stoppedAt: number | null;
  /** Bytes received in this stream so far. */
  readonly streamLength: number;
  readonly dirName: string;
}

/** The panel's sentences: where, what, and what became of the bytes after it. */
export function issueRowWords(f: IssueRowFacts): string[] {
  const where = `${spanWords(f.start, f.end)} of the ${f.dirName} stream (0x${f.start.toString(16)})`;
  const lines = [`${f.codes}: ${f.text}`, `Where: ${where}.`];
  if (!f.fatal) {
    lines.push("Not fatal: framing went on after it.");
  } else if (f.stoppedAt !== null) {
    const rest = Math.max(0, f.streamLength - f.stoppedAt);
    lines.push(
      `Fatal: the framer stopped at byte ${f.stoppedAt}. ` +
        `The ${rest} byte${rest === 1 ? "" : "s"} from there on ${rest === 1 ? "is" : "are"} kept unframed ` +
        "(hatched in the hex view); change the framing to cut them again.",
    );
  } else {
    lines.push("Fatal: the framer stopped here.");
  }
  return lines;
}

/**
 * What the field tree says when a decoded payload has no field to show: why
 * (the issue that stopped the walk at the first bytes), or that it is empty.
 */
export function emptyTreeWords(
  issues: readonly {
    readonly code: string;
    readonly span: readonly [number, number];
    readonly fatal: boolean;
  }[],
  payloadSize: number,
): string {
  const stop = issues.find((i) => i.fatal);
  if (stop !== undefined)
    return `Nothing decoded: ${stop.code} at offset ${stop.span[0]} (above). The payload's ${payloadSize} bytes are in the hex view.`;
  return payloadSize === 0
    ? "An empty message: the payload has no bytes, so every field holds its default."
    : "An empty message.";
}
