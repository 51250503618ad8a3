import { describe, expect, it } from "vitest";
import { mergeReadStarts, mergesReads } from "../../web/src/ui/read-ticks.js";

const oneByteReads = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("mergesReads", () => {
  it.each([
    { reads: 5, trackPx: 800, merges: false },
    { reads: 400, trackPx: 800, merges: false },
    { reads: 401, trackPx: 800, merges: true },
    { reads: 2001, trackPx: 10_000, merges: true },
  ])("$reads reads on $trackPx px: merged $merges", ({ reads, trackPx, merges }) => {
    expect(mergesReads(reads, trackPx)).toBe(merges);
  });
});

describe("mergeReadStarts", () => {
  it("4,096 1-byte reads on 400 slices: every slice holds reads, all equally dense", () => {
    const ticks = mergeReadStarts(oneByteReads(4096), 4096, 400);
    expect(ticks).toHaveLength(400);
    expect(ticks.reduce((n, t) => n + t.count, 0)).toBe(4096);
    expect(ticks.every((t) => t.density === 1)).toBe(true);
    expect(ticks[0]?.start).toBe(0);
    expect(ticks.at(-1)?.end).toBe(4096);
    // Slices tile the stream.
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]?.start).toBe(ticks[i - 1]?.end);
  });

  it("a slice without a read start draws nothing; denser slices are darker", () => {
    // Reads [0,10) [10,11) [11,12) ... [19,20) [20,100): busy in 10..20 only.
    const starts = [0, ...oneByteReads(10).map((i) => 10 + i), 20];
    const ticks = mergeReadStarts(starts, 100, 10);
    expect(ticks.map((t) => [t.start, t.count])).toEqual([
      [0, 1],
      [10, 10],
      [20, 1],
    ]);
    expect(ticks.map((t) => t.density)).toEqual([0.1, 1, 0.1]);
  });

  it("never makes more slices than bytes", () => {
    expect(mergeReadStarts([0, 1, 2], 3, 100)).toHaveLength(3);
  });
});
