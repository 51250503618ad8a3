import { describe, expect, it } from "vitest";
import { LABEL_PAD_PX, placeLabels } from "../../web/src/ui/lane-labels.js";

const CHAR = 7;
/** A one-character label: 7 px of text and its padding. */
const ONE = CHAR + 2 * LABEL_PAD_PX;
const item = (key: number, start: number, end: number) => ({ key, start, end, text: String(key) });

describe("placeLabels", () => {
  it('keeps the "\\r\\n" lesson\'s three labels whole inside the lane', () => {
    const placed = placeLabels([item(0, 0, 3), item(1, 3, 9), item(2, 9, 13)], 13, 800, CHAR);
    expect(placed.map((l) => l.text)).toEqual(["0", "1", "2"]);
    for (const l of placed) {
      expect(l.left).toBeGreaterThanOrEqual(0);
      expect(l.left + l.width).toBeLessThanOrEqual(800);
    }
  });

  it("centres a label on its box", () => {
    const [l] = placeLabels([item(1, 100, 200)], 400, 400, CHAR);
    expect(l?.left).toBe(150 - ONE / 2);
  });

  it("moves a label at an edge inside the lane instead of clipping it", () => {
    const placed = placeLabels([item(0, 0, 1), item(1, 999, 1000)], 1000, 500, CHAR);
    expect(placed.map((l) => l.left)).toEqual([0, 500 - ONE]);
  });

  it("leaves out a label that would cover the one before it", () => {
    const placed = placeLabels([item(0, 0, 1), item(1, 1, 2), item(2, 50, 60)], 100, 100, CHAR);
    expect(placed.map((l) => l.text)).toEqual(["0", "2"]);
  });

  it("places nothing on a lane narrower than a label (not measured yet)", () => {
    expect(placeLabels([item(0, 0, 10)], 10, 0, CHAR)).toEqual([]);
  });
});
