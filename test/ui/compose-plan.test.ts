import { describe, expect, it } from "vitest";
import { planWrites, splitSizes, writeLimitError } from "../../web/src/ui/compose-plan.js";

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

describe("splitSizes", () => {
  it.each([
    { total: 10, parts: 3, sizes: [4, 3, 3] },
    { total: 4, parts: 9, sizes: [1, 1, 1, 1] },
    { total: 5, parts: 0, sizes: [5] },
    { total: 0, parts: 2, sizes: [] },
  ])("$total bytes in $parts parts", ({ total, parts, sizes }) => {
    expect(splitSizes(total, parts)).toEqual(sizes);
  });
});

describe("planWrites", () => {
  const frame = Uint8Array.from([0, 0, 0, 2, 0xaa, 0xbb]);
  it("three frames coalesced in one write", () => {
    expect(planWrites(frame, 3, 1).map(hex)).toEqual(["00000002aabb00000002aabb00000002aabb"]);
  });
  it("one frame split over three writes, head split after 2 bytes", () => {
    expect(planWrites(frame, 1, 3).map(hex)).toEqual(["0000", "0002", "aabb"]);
  });
  it("two frames over four writes keep every byte in order", () => {
    const writes = planWrites(frame, 2, 4);
    expect(writes.map((w) => w.length)).toEqual([3, 3, 3, 3]);
    expect(writes.map(hex).join("")).toBe(hex(frame) + hex(frame));
  });
});

describe("writeLimitError", () => {
  const writes = (...sizes: number[]) => sizes.map((n) => new Uint8Array(n));

  it("lets writes up to the limit go, and anything while the bridge is away", () => {
    expect(writeLimitError(writes(100, 100), 100, 64)).toBeUndefined();
    expect(writeLimitError(writes(1_000_000), undefined, 64)).toBeUndefined();
  });

  it("says which write is too big and how many writes would do", () => {
    expect(writeLimitError(writes(250, 10), 100, 64)).toBe(
      "a write of 250 B is over the bridge's limit of 100 B per write (its --max-message): split it over 3 writes or more",
    );
    expect(writeLimitError(writes(10_000), 100, 64)).toMatch(/: a send holds at most 6400 B$/);
  });
});
