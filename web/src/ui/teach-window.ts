/**
 * The teaching view's byte window: which rows of a stream of any size are shown
 * as byte cells at one step (the current read, the frame being cut, the bytes
 * the framer needs), and what each cell is. Pure: offsets in, rows and classes out.
 *
 * ```
 * stream  |frame 0|frame 1 |frame 2: head, payload ..........................|
 * read 2                   |read 2 ...................|
 *                           ^ head                     ^ needed ..........^
 * rows    [0    16    32 ] ...hidden... [176   192   208] ...hidden... [304  ]
 * ```
 */
import type { FramerStep } from "../decode/framer-steps.js";
import type { Span } from "../decode/span.js";
import { asciiChar, byteHex } from "./byte-text.js";
import { cellClasses, markCells, MARK_HEAD, MARK_PENDING, type FrameBox } from "./cell-marks.js";

/** Bytes per row of the byte window. */
export const WINDOW_ROW_BYTES = 16;

/** Rows the byte window shows at most (128 bytes); a stream that fits is shown whole. */
export const WINDOW_ROWS_MAX = 8;

/** The rows shown (each a span of at most `rowBytes` bytes) and their runs merged into spans. */
export interface ByteWindow {
  readonly rows: readonly Span[];
  /** Runs of adjacent rows: what the lanes' axis marks as shown. */
  readonly spans: readonly Span[];
}

/**
 * Offsets the window must show at this step, most important first: the start
 * and head end of the frame being cut, the read's first and last byte, the first
 * and last byte the framer still needs.
 */
export function focusOffsets(step: FramerStep, frames: readonly FrameBox[]): number[] {
  const [c0, c1] = step.chunk;
  const out: number[] = [];
  if (step.waiting !== undefined) {
    const w = step.waiting[0];
    out.push(w);
    const cut = frames.find((f) => f.start === w);
    const head = step.head ?? (cut === undefined ? undefined : [cut.headStart, cut.headEnd]);
    if (head !== undefined && head[1] > head[0]) out.push(head[1] - 1);
  }
  out.push(c0, Math.max(c0, c1 - 1));
  if (step.needed !== undefined) out.push(step.needed[0], step.needed[1] - 1);
  return out;
}

/**
 * Row indices (sorted) to show for a stream of `total` bytes: the rows of the
 * `focus` offsets (in priority order), then their neighbours, nearest first,
 * until `maxRows` rows; every row when the stream has no more than that.
 */
export function windowRows(
  total: number,
  focus: readonly number[],
  rowBytes = WINDOW_ROW_BYTES,
  maxRows = WINDOW_ROWS_MAX,
): number[] {
  const count = Math.ceil(total / rowBytes);
  if (count <= maxRows) return Array.from({ length: count }, (_, i) => i);
  const chosen = new Set<number>();
  const seeds: number[] = [];
  for (const at of focus) {
    const row = Math.floor(Math.max(0, Math.min(total - 1, at)) / rowBytes);
    if (!chosen.has(row) && chosen.size < maxRows) {
      chosen.add(row);
      seeds.push(row);
    }
  }
  if (seeds.length === 0) {
    seeds.push(0);
    chosen.add(0);
  }
  for (let d = 1; chosen.size < maxRows && d < count; d++)
    for (const seed of seeds)
      for (const row of [seed + d, seed - d])
        if (row >= 0 && row < count && chosen.size < maxRows) chosen.add(row);
  return [...chosen].sort((a, b) => a - b);
}

/** The byte window of a stream of `total` bytes at `step` ({@link windowRows} around {@link focusOffsets}). */
export function byteWindow(
  total: number,
  step: FramerStep | undefined,
  frames: readonly FrameBox[],
  rowBytes = WINDOW_ROW_BYTES,
  maxRows = WINDOW_ROWS_MAX,
): ByteWindow {
  const focus = step === undefined ? [0] : focusOffsets(step, frames);
  const rows = windowRows(total, focus, rowBytes, maxRows).map((r): Span => [
    r * rowBytes,
    Math.min(total, (r + 1) * rowBytes),
  ]);
  const spans: Span[] = [];
  for (const [s, e] of rows) {
    const last = spans[spans.length - 1];
    if (last !== undefined && last[1] === s) spans[spans.length - 1] = [last[0], e];
    else spans.push([s, e]);
  }
  return { rows, spans };
}

/** One byte cell: its offset, hex, ASCII character ('.' when not printable) and CSS classes. */
export interface WindowCell {
  readonly at: number;
  readonly hex: string;
  readonly ascii: string;
  readonly printable: boolean;
  readonly classes: string;
}

/**
 * The cells of `row` at `step`: frames complete by then as head / payload /
 * skipped; the frame being cut as pending up to the read's end, with its head
 * once read (also when the frame completes only after the bytes played); the
 * current read ("now"), read starts ("chunk"), the bytes the framer needs
 * ("needed") and the bytes not received yet ("later").
 */
export function windowCells(
  bytes: Uint8Array,
  row: Span,
  step: FramerStep | undefined,
  frames: readonly FrameBox[],
  readStarts: readonly number[],
): WindowCell[] {
  const [from, to] = row;
  const position = step?.chunk[1] ?? 0;
  const done = frames.filter((f) => f.end <= position && f.end > from && f.start < to);
  const flags = markCells({
    from,
    to,
    frames: done,
    boundaries: readStarts.filter((b) => b >= from && b < to),
    pendingFrom: step?.waiting?.[0],
  });
  const head = step?.head;
  const out: WindowCell[] = [];
  for (let at = from; at < to; at++) {
    let f = flags[at - from] ?? 0;
    if (at >= position) f &= ~MARK_PENDING;
    if (head !== undefined && at >= head[0] && at < head[1]) f |= MARK_HEAD;
    let classes = cellClasses(f);
    if (step !== undefined && at >= step.chunk[0] && at < step.chunk[1]) classes += " now";
    if (step?.needed !== undefined && at >= step.needed[0] && at < step.needed[1])
      classes += " needed";
    if (at >= position) classes += " later";
    const b = bytes[at] ?? 0;
    const ascii = asciiChar(b);
    out.push({ at, hex: byteHex(b), ascii, printable: b >= 0x20 && b < 0x7f, classes });
  }
  return out;
}
