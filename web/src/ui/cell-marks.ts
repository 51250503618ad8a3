/**
 * Span-to-cell mapping for the hex view: for each byte shown, bit flags saying
 * what it is (in a frame, head, payload, skipped; in the selected frame; the
 * selected or hovered field's tag, length or value; the start of a TCP read;
 * unframed after a fatal issue; waiting for the rest of its frame; in an issue;
 * in the user's byte range). Pure: spans in, a Uint16Array out.
 */
import type { Span } from "../decode/span.js";
import type { FrameSpans } from "../decode/frame.js";

export const MARK_FRAME = 1 << 0;
/** Every other frame, so neighbouring frames are told apart. */
export const MARK_FRAME_ALT = 1 << 1;
export const MARK_HEAD = 1 << 2;
export const MARK_PAYLOAD = 1 << 3;
/** In a frame but neither head nor payload: bytes before the length field, skipped bytes, delimiters. */
export const MARK_SKIPPED = 1 << 4;
export const MARK_SELECTED = 1 << 5;
export const MARK_TAG = 1 << 6;
export const MARK_LENGTH = 1 << 7;
export const MARK_VALUE = 1 << 8;
/** Inside the field under the pointer. */
export const MARK_HOVER = 1 << 9;
/** A TCP read (chunk) starts at this byte. */
export const MARK_CHUNK_START = 1 << 10;
/** After a fatal framing issue: no frame will cover it. */
export const MARK_UNFRAMED = 1 << 11;
/** Received, but its frame is not complete yet. */
export const MARK_PENDING = 1 << 12;
export const MARK_ISSUE = 1 << 13;
/** The byte range the user dragged over (what copy copies). */
export const MARK_RANGE = 1 << 14;
export const MARK_FRAME_START = 1 << 15;

/** A frame's parts in the offsets shown. */
export interface FrameBox extends FrameSpans {
  /** A chunked HTTP body's data pieces (then only those are payload). */
  readonly parts?: readonly Span[] | undefined;
}

/** A field's parts in the offsets shown. */
export interface FieldParts {
  readonly span: Span;
  readonly tag: Span;
  readonly length: Span | undefined;
  readonly value: Span;
}

export interface MarkInput {
  /** Cells [from, to) are marked; every span is clipped to them. */
  readonly from: number;
  readonly to: number;
  /** Frames overlapping [from, to), in stream order. */
  readonly frames: readonly FrameBox[];
  readonly selectedFrame?: FrameBox | undefined;
  /** The selected field, shown as tag / length / value unless another is hovered. */
  readonly field?: FieldParts | undefined;
  readonly hover?: FieldParts | undefined;
  /** Offsets where a chunk begins. */
  readonly boundaries?: readonly number[];
  readonly unframedFrom?: number | undefined;
  readonly pendingFrom?: number | undefined;
  readonly issues?: readonly Span[];
  readonly range?: Span | undefined;
}

/** The flags of every cell in [from, to). */
export function markCells(input: MarkInput): Uint16Array {
  const { from, to } = input;
  const out = new Uint16Array(Math.max(0, to - from));
  const mark = (s: number, e: number, flag: number): void => {
    const a = Math.max(s, from);
    const b = Math.min(e, to);
    for (let i = a; i < b; i++) out[i - from] = (out[i - from] ?? 0) | flag;
  };
  for (const f of input.frames) markFrame(f, mark);
  if (input.selectedFrame !== undefined) {
    const f = input.selectedFrame;
    mark(f.start, f.end, MARK_SELECTED);
    if (!input.frames.some((x) => x.start === f.start && x.end === f.end)) markFrame(f, mark);
  }
  if (input.pendingFrom !== undefined) mark(input.pendingFrom, to, MARK_PENDING);
  if (input.unframedFrom !== undefined) mark(input.unframedFrom, to, MARK_UNFRAMED);
  for (const s of input.issues ?? []) mark(s[0], Math.max(s[1], s[0] + 1), MARK_ISSUE);
  const parts = input.hover ?? input.field;
  if (parts !== undefined) {
    mark(parts.tag[0], parts.tag[1], MARK_TAG);
    if (parts.length !== undefined) mark(parts.length[0], parts.length[1], MARK_LENGTH);
    mark(parts.value[0], parts.value[1], MARK_VALUE);
  }
  if (input.hover !== undefined) mark(input.hover.span[0], input.hover.span[1], MARK_HOVER);
  for (const b of input.boundaries ?? []) if (b > 0) mark(b, b + 1, MARK_CHUNK_START);
  if (input.range !== undefined) mark(input.range[0], input.range[1], MARK_RANGE);
  return out;
}

function markFrame(f: FrameBox, mark: (s: number, e: number, flag: number) => void): void {
  mark(f.start, f.end, MARK_FRAME | (f.index % 2 === 1 ? MARK_FRAME_ALT : 0) | MARK_SKIPPED);
  mark(f.start, f.start + 1, MARK_FRAME_START);
  mark(f.headStart, f.headEnd, MARK_HEAD);
  for (const [s, e] of f.parts ?? [[f.payloadStart, f.payloadEnd] as const])
    mark(s, e, MARK_PAYLOAD);
}

/** Head and payload win over "skipped": a byte is skipped only when it is neither. */
export function isSkipped(flags: number): boolean {
  return (flags & MARK_SKIPPED) !== 0 && (flags & (MARK_HEAD | MARK_PAYLOAD)) === 0;
}

const CLASS_CACHE = new Map<number, string>();

/** The CSS classes of a cell with these flags (cached: few combinations occur). */
export function cellClasses(flags: number): string {
  let cls = CLASS_CACHE.get(flags);
  if (cls !== undefined) return cls;
  const parts: string[] = ["c"];
  if (flags & MARK_FRAME) parts.push(flags & MARK_FRAME_ALT ? "fr-alt" : "fr");
  if (flags & MARK_HEAD) parts.push("head");
  else if (flags & MARK_PAYLOAD) parts.push("payload");
  else if (isSkipped(flags)) parts.push("skipped");
  if (flags & MARK_SELECTED) parts.push("sel");
  if (flags & MARK_FRAME_START) parts.push("fstart");
  if (flags & MARK_TAG) parts.push("tag");
  else if (flags & MARK_LENGTH) parts.push("len");
  else if (flags & MARK_VALUE) parts.push("val");
  if (flags & MARK_HOVER) parts.push("hover");
  if (flags & MARK_CHUNK_START) parts.push("chunk");
  if (flags & MARK_UNFRAMED) parts.push("unframed");
  else if (flags & MARK_PENDING) parts.push("pending");
  if (flags & MARK_ISSUE) parts.push("issue");
  if (flags & MARK_RANGE) parts.push("range");
  cls = parts.join(" ");
  CLASS_CACHE.set(flags, cls);
  return cls;
}
