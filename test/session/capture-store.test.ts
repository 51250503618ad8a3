import { describe, expect, it } from "vitest";
import { CaptureStore, StreamChunks } from "../../web/src/session/capture-store.js";

function stream(...chunks: number[][]): StreamChunks {
  const s = new StreamChunks();
  chunks.forEach((c, i) => s.append(Uint8Array.from(c), 100 + i));
  return s;
}

describe("StreamChunks", () => {
  it("keeps every chunk as received, with its time and stream offset", () => {
    const s = stream([1, 2, 3], [], [4], [5, 6]);
    expect(s.length).toBe(6);
    expect(s.chunkCount).toBe(4);
    expect(
      [0, 1, 2, 3].map((i) => [s.chunk(i)?.offset, s.chunk(i)?.time, s.chunk(i)?.bytes.length]),
    ).toEqual([
      [0, 100, 3],
      [3, 101, 0],
      [3, 102, 1],
      [4, 103, 2],
    ]);
  });

  it.each([
    [0, 0],
    [2, 0],
    [3, 2],
    [4, 3],
    [5, 3],
    [6, -1],
    [-1, -1],
  ])("offset %i is in chunk %i (an empty chunk holds no byte)", (at, chunk) => {
    expect(stream([1, 2, 3], [], [4], [5, 6]).chunkIndexAt(at)).toBe(chunk);
  });

  it("reads any range across chunks, clipped to the stream", () => {
    const s = stream([1, 2, 3], [4], [5, 6]);
    expect([...s.read(2, 5)]).toEqual([3, 4, 5]);
    expect([...s.read(-5, 2)]).toEqual([1, 2]);
    expect([...s.read(5, 99)]).toEqual([6]);
    expect([...s.read(4, 4)]).toEqual([]);
    expect(s.byteAt(3)).toBe(4);
    expect(s.byteAt(6)).toBeUndefined();
  });

  it("tells when a byte arrived: the time of the chunk holding it", () => {
    const s = stream([1, 2, 3], [], [4], [5, 6]);
    expect([0, 2, 3, 4, 5].map((at) => s.timeAt(at))).toEqual([100, 100, 102, 103, 103]);
    // Past the end: the last chunk's time; a stream without chunks: 0.
    expect(s.timeAt(99)).toBe(103);
    expect(new StreamChunks().timeAt(0)).toBe(0);
  });

  it("names the TCP read boundaries inside a range", () => {
    const s = stream([1, 2, 3], [4], [5, 6], [7]);
    expect(s.boundariesIn(0, 7)).toEqual([3, 4, 6]);
    expect(s.boundariesIn(3, 6)).toEqual([4]);
    expect(s.boundariesIn(4, 5)).toEqual([]);
  });
});

describe("CaptureStore", () => {
  it("keeps connections in the order first seen and counts bytes per direction", () => {
    const store = new CaptureStore();
    store.appendChunk("a#2", 2, "c2s", Uint8Array.of(1, 2), 1);
    store.appendChunk("a#1", 1, "s2c", Uint8Array.of(3), 2);
    store.appendChunk("a#2", 2, "s2c", Uint8Array.of(4, 5, 6), 3);
    expect(store.keys()).toEqual(["a#2", "a#1"]);
    expect(store.totals).toEqual({ c2s: 2, s2c: 4 });
    expect(store.ordinal("a#1")).toBeGreaterThan(store.ordinal("a#2"));
    store.remove(["a#2"]);
    expect(store.keys()).toEqual(["a#1"]);
    expect(store.totals).toEqual({ c2s: 0, s2c: 1 });
    store.connection("a#3", 3);
    expect(store.ordinal("a#3")).toBeGreaterThan(store.ordinal("a#1"));
  });
});
