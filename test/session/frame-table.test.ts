import { describe, expect, it } from "vitest";
import { FrameTable, SUMMARY_CACHE } from "../../web/src/session/frame-table.js";
import {
  KIND_FRAME,
  KIND_ISSUE,
  ROW_END,
  ROW_FIELDS,
  ROW_FLAG_FATAL,
  ROW_FLAG_ISSUES,
  ROW_HEAD_END,
  ROW_HEAD_START,
  ROW_PAYLOAD_END,
  ROW_PAYLOAD_START,
  ROW_START,
  rowMeta,
  type RowBatch,
} from "../../web/src/session/worker-protocol.js";

/**
 * A batch of rows given as [kind, dir (0/1), index, start, end]; `index` is
 * what the table must derive (frames are given in index order per direction).
 * Issue rows get words `issue N` / `CODE`.
 */
function batch(generation: number, rows: [number, number, number, number, number][]): RowBatch {
  const data = new Float64Array(rows.length * ROW_FIELDS);
  rows.forEach(([kind, dir, _index, start, end], i) => {
    const flags = kind === KIND_ISSUE ? ROW_FLAG_ISSUES | ROW_FLAG_FATAL : 0;
    data.set(
      [rowMeta(kind, dir === 1 ? 1 : 0, flags), start, end, start, start, start, end],
      i * ROW_FIELDS,
    );
  });
  return {
    conn: "c",
    generation,
    rows: data,
    words: rows.flatMap(([kind], i) =>
      kind === KIND_ISSUE ? [{ row: i, text: `issue ${i}`, codes: "CODE" }] : [],
    ),
    c2s: { stoppedAt: null, framing: "length", framed: framedTo(rows, 0) },
    s2c: { stoppedAt: null, framing: "length", framed: framedTo(rows, 1) },
  };
}

/** Where the rows of a direction end: how far its stream was framed. */
function framedTo(rows: readonly [number, number, number, number, number][], dir: number): number {
  return Math.max(0, ...rows.filter((r) => r[1] === dir).map((r) => r[4]));
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
    expect(t.summary(2)).toBe("issue 2");
    expect(t.note(2)).toBe("CODE");
    expect(t.flags(2)).toBe(ROW_FLAG_ISSUES | ROW_FLAG_FATAL);
    expect([t.note(0), t.flags(0)]).toEqual(["", 0]);
    expect(t.dirOf(1)).toBe("s2c");
    expect(t.isFrame(2)).toBe(false);
    expect([0, 1, 2, 3].map((row) => t.frameIndex(row))).toEqual([0, 0, -1, 1]);
    expect(t.frameRef(3)).toEqual({
      index: 1,
      start: 12,
      end: 20,
      headStart: 12,
      headEnd: 12,
      payloadStart: 12,
      payloadEnd: 20,
    });
    expect(t.frameRef(2)).toBeUndefined();
  });

  it("asks for a frame's summary once, keeps the answer, and forgets the oldest past the cache", () => {
    const t = new FrameTable();
    const n = SUMMARY_CACHE + 10;
    t.append(
      batch(
        0,
        Array.from({ length: n }, (_x, i) => [KIND_FRAME, 0, i, i, i + 1]),
      ),
    );
    expect(t.summary(0)).toBeUndefined();
    expect(t.toAsk([0, 1, 2])).toEqual([0, 1, 2]);
    expect(t.toAsk([1, 2, 3])).toEqual([3]);
    t.putSummaries("c2s", [0, 1], ["zero", "one"]);
    expect([t.summary(0), t.summary(1), t.summary(2)]).toEqual(["zero", "one", undefined]);
    // A dropped answer: the rows may be asked for again.
    t.forgetAsked([2, 3]);
    expect(t.toAsk([2, 3])).toEqual([2, 3]);
    const all = Array.from({ length: n }, (_x, i) => i);
    t.putSummaries("c2s", all, all.map(String));
    expect(t.summary(0)).toBeUndefined();
    expect(t.summary(n - 1)).toBe(String(n - 1));
    expect(t.toAsk([0])).toEqual([0]);
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

  it("keeps spans exact whatever their size: far offsets and distances past 32 bits", () => {
    const t = new FrameTable();
    const far = 2 ** 52 + 2;
    const rows = new Float64Array([
      // A frame whose head ends 8 GiB after its start: its distances do not fit 32 bits.
      ...[rowMeta(KIND_FRAME, 0, 0), 0, 2 ** 33 + 10, 0, 2 ** 33, 2 ** 33, 2 ** 33 + 10],
      // A frame far into a long stream, with small distances.
      ...[rowMeta(KIND_FRAME, 1, 0), far, far + 100, far, far + 4, far + 4, far + 98],
    ]);
    t.append({ ...batch(0, []), rows, words: [] });
    const spans = (row: number) =>
      [ROW_START, ROW_END, ROW_HEAD_START, ROW_HEAD_END, ROW_PAYLOAD_START, ROW_PAYLOAD_END].map(
        (f) => t.num(row, f),
      );
    expect(spans(0)).toEqual([0, 2 ** 33 + 10, 0, 2 ** 33, 2 ** 33, 2 ** 33 + 10]);
    expect(spans(1)).toEqual([far, far + 100, far, far + 4, far + 4, far + 98]);
    expect([t.dirOf(0), t.dirOf(1), t.isFrame(0), t.frameIndex(1)]).toEqual([
      "c2s",
      "s2c",
      true,
      0,
    ]);
  });

  it("grows over many blocks of rows without losing one", () => {
    const t = new FrameTable();
    const n = 200_000;
    const rows = new Float64Array(n * ROW_FIELDS);
    for (let i = 0; i < n; i++)
      rows.set(
        [rowMeta(KIND_FRAME, 0, 0), i * 3, i * 3 + 3, i * 3, i * 3 + 1, i * 3 + 1, i * 3 + 3],
        i * ROW_FIELDS,
      );
    t.append({ ...batch(0, []), rows, words: [] });
    expect(t.count).toBe(n);
    expect([0, 65_535, 65_536, n - 1].map((r) => t.num(r, ROW_HEAD_END))).toEqual([
      1,
      65_535 * 3 + 1,
      65_536 * 3 + 1,
      (n - 1) * 3 + 1,
    ]);
    expect(t.frameRowAt("c2s", 3 * 150_000 + 2)).toBe(150_000);
  });

  it("takes payload checks: flags and codes join the frame's row, and the revision moves", () => {
    const t = new FrameTable();
    t.append(
      batch(0, [
        [KIND_FRAME, 0, 0, 0, 10],
        [KIND_FRAME, 1, 0, 0, 4],
        [KIND_FRAME, 0, 1, 10, 20],
      ]),
    );
    const revision = t.revision;
    t.putChecks("c2s", 1, []);
    expect([t.checked.c2s, t.revision]).toEqual([1, revision]);
    t.putChecks("c2s", 2, [{ index: 1, flags: ROW_FLAG_ISSUES, codes: "INVALID_UTF8" }]);
    expect([t.checked.c2s, t.flags(2), t.note(2), t.flags(0)]).toEqual([
      2,
      ROW_FLAG_ISSUES,
      "INVALID_UTF8",
      0,
    ]);
    expect(t.revision).toBe(revision + 1);
    expect(t.isFrame(2)).toBe(true);
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
