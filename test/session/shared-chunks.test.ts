import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SharedChunks, canShareMemory, forWorker } from "../../web/src/session/shared-chunks.js";

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe("SharedChunks", () => {
  it("without shared memory, keeps each chunk as it came", () => {
    const chunks = new SharedChunks(false);
    const chunk = bytes(1, 2, 3);
    expect(chunks.hold(chunk)).toBe(chunk);
    expect(chunks.allocated).toBe(0);
  });

  it("is off where the context is not cross-origin isolated (Node here)", () => {
    expect(canShareMemory()).toBe(false);
    expect(new SharedChunks().shared).toBe(false);
  });

  it("copies chunks one after another into a shared block", () => {
    const chunks = new SharedChunks(true, 16);
    const a = chunks.hold(bytes(1, 2, 3));
    const b = chunks.hold(bytes(4));
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(b.buffer).toBe(a.buffer);
    expect([a.byteOffset, b.byteOffset]).toEqual([0, 3]);
    expect([...a, ...b]).toEqual([1, 2, 3, 4]);
    expect(chunks.allocated).toBe(16);
  });

  it("starts a new block when a chunk does not fit in what is left", () => {
    const chunks = new SharedChunks(true, 16);
    const a = chunks.hold(new Uint8Array(4).fill(1));
    chunks.hold(new Uint8Array(4).fill(2));
    chunks.hold(new Uint8Array(4).fill(3));
    const d = chunks.hold(new Uint8Array(4).fill(4));
    const e = chunks.hold(bytes(5));
    expect(d.buffer).toBe(a.buffer);
    expect(e.buffer).not.toBe(a.buffer);
    expect(e.byteOffset).toBe(0);
    expect(chunks.allocated).toBe(32);
  });

  it("gives a chunk larger than a quarter block a buffer of its own size", () => {
    const chunks = new SharedChunks(true, 16);
    const small = chunks.hold(bytes(1));
    const big = chunks.hold(new Uint8Array(5).fill(9));
    expect(big.buffer).not.toBe(small.buffer);
    expect(big.buffer.byteLength).toBe(5);
    // The block goes on being filled after it.
    expect(chunks.hold(bytes(2)).buffer).toBe(small.buffer);
  });

  it("holds an empty chunk as it is", () => {
    const chunks = new SharedChunks(true, 16);
    const empty = new Uint8Array(0);
    expect(chunks.hold(empty)).toBe(empty);
    expect(chunks.allocated).toBe(0);
  });

  it("keeps every chunk's bytes, whatever their sizes", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 60 }), (input) => {
        const chunks = new SharedChunks(true, 64);
        const held = input.map((c) => chunks.hold(c));
        expect(held.map((h) => [...h])).toEqual(input.map((c) => [...c]));
        // At most a quarter of each block is left unused.
        const total = input.reduce((n, c) => n + c.length, 0);
        expect(chunks.allocated).toBeLessThanOrEqual(Math.max(64, (total * 4) / 3 + 64));
      }),
    );
  });
});

describe("forWorker", () => {
  it("posts shared bytes as they are, with nothing to transfer", () => {
    const shared = new SharedChunks(true, 16).hold(bytes(7, 8));
    const transfer: ArrayBuffer[] = [];
    expect(forWorker(shared, transfer)).toBe(shared);
    expect(transfer).toEqual([]);
  });

  it("posts other bytes as a copy of their own, transferred, leaving the page's view alone", () => {
    const message = bytes(0, 0, 7, 8, 0);
    const view = message.subarray(2, 4);
    const transfer: ArrayBuffer[] = [];
    const posted = forWorker(view, transfer);
    expect([...posted]).toEqual([7, 8]);
    expect(posted.buffer).not.toBe(message.buffer);
    expect(transfer).toEqual([posted.buffer]);
    expect(posted.buffer.byteLength).toBe(2);
  });
});
