import { describe, expect, it } from "vitest";
import { FrameTable } from "../../web/src/session/frame-table.js";
import {
  KIND_FRAME,
  KIND_ISSUE,
  ROW_FIELDS,
  ROW_START,
  type RowBatch,
} from "../../web/src/session/worker-protocol.js";

/** A batch of rows given as [kind, dir (0/1), index, start, end]. */
function batch(generation: number, rows: [number, number, number, number, number][]): RowBatch {
  const data = new Float64Array(rows.length * ROW_FIELDS);
  rows.forEach(([kind, dir, index, start, end], i) => {
    data.set([kind, dir, index, start, end, start, start, start, end, 0, 1, 0, 0], i * ROW_FIELDS);
  });
  return {
    conn: "c",
    generation,
    rows: data,
    summaries: rows.map((_r, i) => `row ${i}`),
    notes: rows.map(() => ""),
    c2s: { stoppedAt: null, framing: "length" },
    s2c: { stoppedAt: null, framing: "length" },
  };
}

describe("FrameTable", () => {
  it("indexes frames per direction and finds the frame covering an offset", () => {
    const t = new FrameTable();
    t.append(
      batch(0, [
        [KIND_FRAME, 0, 0, 0, 10],
        [KIND_FRAME, 1, 0, 0, 4],
        [KIND_ISSUE, 0, 0, 10, 12],
        [KIND_FRAME, 0, 1, 12, 20],
      ]),
    );
    expect(t.count).toBe(4);
    expect([t.frameCount("c2s"), t.frameCount("s2c")]).toEqual([2, 1]);
    expect(t.rowOfFrame("c2s", 1)).toBe(3);
    expect(t.rowOfFrame("c2s", 2)).toBe(-1);
    expect([0, 9, 10, 11, 12, 19, 20].map((at) => t.frameRowAt("c2s", at))).toEqual([
      0, 0, -1, -1, 3, 3, -1,
    ]);
    expect(t.frameRowAt("s2c", 3)).toBe(1);
    expect(t.framedTo("c2s")).toBe(20);
    expect(t.summary(2)).toBe("row 2");
    expect(t.dirOf(1)).toBe("s2c");
    expect(t.isFrame(2)).toBe(false);
  });

  it("grows past its first capacity without losing rows", () => {
    const t = new FrameTable();
    for (let i = 0; i < 1000; i += 10)
      t.append(
        batch(
          0,
          Array.from({ length: 10 }, (_x, k) => [
            KIND_FRAME,
            0,
            i + k,
            (i + k) * 2,
            (i + k) * 2 + 2,
          ]),
        ),
      );
    expect(t.count).toBe(1000);
    expect(t.num(999, ROW_START)).toBe(1998);
    expect(t.frameRowAt("c2s", 1001)).toBe(500);
  });

  it("drops batches of an older generation, and a newer one replaces the rows", () => {
    const t = new FrameTable();
    t.append(batch(1, [[KIND_FRAME, 0, 0, 0, 10]]));
    expect(t.append(batch(0, [[KIND_FRAME, 0, 0, 0, 5]]))).toBe(false);
    expect(t.count).toBe(1);
    t.append(batch(2, [[KIND_FRAME, 0, 0, 0, 3]]));
    expect(t.count).toBe(1);
    expect(t.framedTo("c2s")).toBe(3);
    expect(t.generation).toBe(2);
  });
});
