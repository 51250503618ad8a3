import { describe, expect, it } from "vitest";
import {
  calcVScroll,
  isAtEnd,
  MAX_SCROLL_HEIGHT,
  scrollTopFor,
  scrollTopForEnd,
} from "../../web/src/ui/virtual-scroll.js";

const base = { itemHeight: 20, viewportHeight: 400, overscan: 0 };

describe("calcVScroll", () => {
  it("renders only the rows in view, plus the overscan", () => {
    expect(calcVScroll({ ...base, itemCount: 1000, scrollTop: 0 })).toEqual({
      start: 0,
      end: 21,
      top: 0,
      height: 20_000,
    });
    expect(calcVScroll({ ...base, itemCount: 1000, scrollTop: 1010, overscan: 3 })).toEqual({
      start: 47,
      end: 74,
      top: 940,
      height: 20_000,
    });
  });

  it("renders every row of a list shorter than the viewport", () => {
    expect(calcVScroll({ ...base, itemCount: 5, scrollTop: 0 })).toMatchObject({
      start: 0,
      end: 5,
    });
    expect(calcVScroll({ ...base, itemCount: 0, scrollTop: 50 })).toEqual({
      start: 0,
      end: 0,
      top: 0,
      height: 0,
    });
  });

  it("clamps a scroll position past the end to the last rows", () => {
    const v = calcVScroll({ ...base, itemCount: 100, scrollTop: 99_999 });
    expect(v.end).toBe(100);
    expect(v.start).toBe(80);
    expect(v.top).toBe(1600);
  });

  it("handles 1,000,000 rows with a bounded number rendered at every position", () => {
    const n = 1_000_000;
    for (const scrollTop of [0, 1234, 5_000_000, 10_000_000, 19_999_600, 40_000_000]) {
      const v = calcVScroll({ ...base, itemCount: n, scrollTop, overscan: 4 });
      expect(v.end - v.start).toBeLessThanOrEqual(21 + 8);
      expect(v.end).toBeLessThanOrEqual(n);
    }
    const last = calcVScroll({ ...base, itemCount: n, scrollTop: 1e12 });
    expect(last.end).toBe(n);
    expect(last.top + (last.end - last.start) * 20).toBe(last.height);
  });

  it("scales a list taller than MAX_SCROLL_HEIGHT into it, first row to last", () => {
    const n = 10_000_000;
    const height = MAX_SCROLL_HEIGHT;
    const first = calcVScroll({ ...base, itemCount: n, scrollTop: 0 });
    expect(first).toMatchObject({ start: 0, top: 0, height });
    const last = calcVScroll({ ...base, itemCount: n, scrollTop: height - 400 });
    expect(last.end).toBe(n);
    // The rendered rows cover the viewport exactly at the end.
    expect(last.top + (last.end - last.start) * 20).toBeCloseTo(height, 6);
    const middle = calcVScroll({ ...base, itemCount: n, scrollTop: (height - 400) / 2 });
    expect(Math.abs(middle.start - (n - 20) / 2)).toBeLessThanOrEqual(1);
  });
});

describe("scrollTopFor", () => {
  const input = { ...base, itemCount: 1000, scrollTop: 200 };
  it.each([
    ["a row in view: no scroll", 12, 200],
    ["a row above: scroll up to it", 3, 60],
    ["a row below: scroll until it is the last in view", 40, 420],
    ["the last row", 999, 19_600],
  ])("%s", (_name, index, top) => {
    expect(scrollTopFor(index, input)).toBe(top);
  });

  it("puts a row of a scaled list in the middle of the view", () => {
    const n = 10_000_000;
    const top = scrollTopFor(n / 2, { ...base, itemCount: n, scrollTop: 0 });
    const v = calcVScroll({ ...base, itemCount: n, scrollTop: top });
    expect(v.start).toBeLessThanOrEqual(n / 2);
    expect(v.end).toBeGreaterThan(n / 2);
  });
});

describe("following the end", () => {
  it("knows when the view is at the end and where the end is", () => {
    const input = { ...base, itemCount: 100, scrollTop: 1600 };
    expect(isAtEnd(input)).toBe(true);
    expect(isAtEnd({ ...input, scrollTop: 1500 })).toBe(false);
    expect(scrollTopForEnd(input)).toBe(1600);
    expect(scrollTopForEnd({ ...input, itemCount: 3 })).toBe(0);
  });
});
