/**
 * Where the teaching view's lanes put their labels (frame and message numbers):
 * centred on their box, moved inside the lane at its edges, and left out only
 * when they would cover another label. Pure: spans and pixel widths in.
 */

/** Width of one label character in px (11px monospace, rounded up). */
export const LABEL_CHAR_PX = 7;

/** Padding on each side of a label's text, in px. */
export const LABEL_PAD_PX = 3;

/** Smallest gap between two labels, in px. */
export const LABEL_GAP_PX = 2;

/** A box on a lane: its stream span [start, end) and its label's text. */
export interface LabelItem {
  readonly key: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A placed label: `left` and `width` in px from the lane's left edge. */
export interface PlacedLabel {
  readonly key: number;
  readonly text: string;
  readonly left: number;
  readonly width: number;
}

/**
 * Places the labels of `items` (in stream order) on a lane `trackPx` wide that
 * shows `total` bytes: each centred on its box but kept within [0, trackPx];
 * a label that would overlap the one before it is left out (its box keeps its
 * title). Nothing is placed on a lane narrower than one label.
 */
export function placeLabels(
  items: readonly LabelItem[],
  total: number,
  trackPx: number,
  charPx = LABEL_CHAR_PX,
): PlacedLabel[] {
  const out: PlacedLabel[] = [];
  let right = -Infinity;
  for (const it of items) {
    const width = it.text.length * charPx + 2 * LABEL_PAD_PX;
    if (width > trackPx) continue;
    const centre = (((it.start + it.end) / 2) * trackPx) / Math.max(1, total);
    const left = Math.max(0, Math.min(trackPx - width, centre - width / 2));
    if (left < right + LABEL_GAP_PX) continue;
    out.push({ key: it.key, text: it.text, left, width });
    right = left + width;
  }
  return out;
}
