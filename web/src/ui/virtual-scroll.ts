/**
 * Which rows of a long list to render, for a scroll position: the idea of
 * mitmproxy's calcVScroll, plus a scale for lists taller than a browser lets an
 * element be (Chromium stops near 33.5 million pixels): then the scroll range
 * is MAX_SCROLL_HEIGHT and positions map proportionally onto rows.
 */

/** Tallest scroll content used, in CSS pixels; taller lists are scaled into it. */
export const MAX_SCROLL_HEIGHT = 15_000_000;

export interface VScrollInput {
  readonly itemCount: number;
  /** Height of one row in CSS pixels. */
  readonly itemHeight: number;
  readonly viewportHeight: number;
  readonly scrollTop: number;
  /** Extra rows rendered above and below the viewport (default 4). */
  readonly overscan?: number;
}

export interface VScroll {
  /** Render rows [start, end). */
  readonly start: number;
  readonly end: number;
  /** Where row `start` is drawn, from the top of the scroll content, in pixels. */
  readonly top: number;
  /** Height of the scroll content in pixels. */
  readonly height: number;
}

/** The rows to render and where; clamps a scrollTop outside the content. */
export function calcVScroll(input: VScrollInput): VScroll {
  const { itemCount: n, itemHeight: h } = input;
  const overscan = input.overscan ?? 4;
  const view = Math.max(0, input.viewportHeight);
  const full = n * h;
  const height = Math.min(full, MAX_SCROLL_HEIGHT);
  const maxTop = Math.max(0, height - view);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxTop);
  // The row at the top of the viewport, fractional: exact when unscaled, proportional when scaled.
  const exact =
    full === height
      ? scrollTop / h
      : maxTop === 0
        ? 0
        : (scrollTop / maxTop) * Math.max(0, n - view / h);
  const first = Math.floor(exact);
  const start = Math.max(0, first - overscan);
  const end = Math.min(n, first + Math.ceil(view / h) + 1 + overscan);
  const top = scrollTop - (exact - start) * h;
  return { start, end: Math.max(start, end), top, height };
}

/**
 * The scrollTop that shows row `index` (the least scrolling from `current`:
 * unchanged when the row is fully visible already).
 */
export function scrollTopFor(index: number, input: VScrollInput): number {
  const { itemCount: n, itemHeight: h } = input;
  const view = Math.max(0, input.viewportHeight);
  const full = n * h;
  const height = Math.min(full, MAX_SCROLL_HEIGHT);
  const maxTop = Math.max(0, height - view);
  if (full !== height) {
    const rows = Math.max(1, n - view / h);
    return Math.min(maxTop, Math.max(0, ((index - view / h / 2) / rows) * maxTop));
  }
  const rowTop = index * h;
  if (rowTop < input.scrollTop) return Math.max(0, rowTop);
  if (rowTop + h > input.scrollTop + view) return Math.min(maxTop, rowTop + h - view);
  return Math.min(maxTop, Math.max(0, input.scrollTop));
}

/** True when the viewport shows the end of the content (within one row): a list following new rows stays there. */
export function isAtEnd(input: VScrollInput): boolean {
  const height = Math.min(input.itemCount * input.itemHeight, MAX_SCROLL_HEIGHT);
  return input.scrollTop + input.viewportHeight >= height - input.itemHeight;
}

/** The scrollTop that shows the last rows. */
export function scrollTopForEnd(input: VScrollInput): number {
  const height = Math.min(input.itemCount * input.itemHeight, MAX_SCROLL_HEIGHT);
  return Math.max(0, height - input.viewportHeight);
}
