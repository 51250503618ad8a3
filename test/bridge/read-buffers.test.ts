import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_READ,
  MIN_READ,
  READ_HEADROOM,
  ReadBuffers,
  type PooledRead,
} from "../../bridge/src/read-buffers.js";

/** Plays one read of `n` bytes, each `fill`, into the buffer Node would read into; returns what take() gave. */
function read(r: ReadBuffers, n: number, fill: number): { target: Buffer; got: PooledRead } {
  const target = r.next();
  target.fill(fill, 0, n);
  return { target, got: r.take(n) };
}

describe("ReadBuffers", () => {
  it("starts at MIN_READ with READ_HEADROOM free bytes in front of the read", () => {
    const r = new ReadBuffers();
    const target = r.next();
    expect(target.length).toBe(MIN_READ);
    expect(target.byteOffset - READ_HEADROOM).toBeGreaterThanOrEqual(0);
    const { got } = read(r, 10, 0x41);
    expect(got.bytes.length).toBe(READ_HEADROOM + 10);
    expect(got.bytes.subarray(READ_HEADROOM).toString()).toBe("A".repeat(10));
  });

  it("a read of half the buffer or more is handed over without a copy; the next read gets a new buffer", () => {
    const r = new ReadBuffers();
    const { target, got } = read(r, MIN_READ / 2, 0x5a);
    expect(got.bytes.buffer).toBe(target.buffer);
    expect(got.bytes.byteOffset).toBe(target.byteOffset - READ_HEADROOM);
    expect(r.next().buffer).not.toBe(target.buffer);
  });

  it("a small read is copied out and the same buffer is read into again", () => {
    const r = new ReadBuffers();
    const { target, got } = read(r, 100, 0x61);
    expect(got.bytes.buffer).not.toBe(target.buffer);
    expect(r.next()).toBe(target);
    read(r, 100, 0x62);
    expect(got.bytes.subarray(READ_HEADROOM).every((b) => b === 0x61)).toBe(true);
  });

  it.each([
    [
      "grows by doubling after full reads, up to MAX_READ",
      ["full", "full", "full", "full", "full", "full", "full", "full"],
      MAX_READ,
    ],
    ["one full read doubles", ["full"], 2 * MIN_READ],
    ["a half read keeps the size", ["full", "half"], 2 * MIN_READ],
    ["a read under a quarter halves it", ["full", "full", "tiny"], 2 * MIN_READ],
    ["never below MIN_READ", ["tiny", "tiny", "tiny"], MIN_READ],
  ] as const)("%s", (_name, reads, size) => {
    const r = new ReadBuffers();
    for (const kind of reads) {
      const length = r.next().length;
      const n = kind === "full" ? length : kind === "half" ? length / 2 : 1;
      read(r, n, 1).got.done();
    }
    expect(r.next().length).toBe(size);
  });

  it("a read's buffer is reused only once the taker is done and every hold was let go", () => {
    const r = new ReadBuffers();
    const { target, got } = read(r, MIN_READ, 1);
    const letGo = got.hold();
    got.done();
    // Still held: the next buffers of that size are other ones.
    const other = new ReadBuffers();
    expect(other.next().buffer).not.toBe(target.buffer);
    letGo();
    letGo(); // a second call changes nothing
    const reuser = new ReadBuffers();
    expect(reuser.next().buffer).toBe(target.buffer);
    expect(new ReadBuffers().next().buffer).not.toBe(target.buffer);
  });

  it("held reads keep their bytes whatever reads, holds and releases follow", () => {
    // Each step: a read filling a share of its buffer (thousandths), whether the
    // read is held past done(), and how many of the oldest holds are let go.
    const step = fc.record({
      share: fc.integer({ min: 1, max: 1000 }),
      hold: fc.boolean(),
      letGo: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, fc.integer({ min: 1, max: 2 })),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const sockets = [new ReadBuffers(), new ReadBuffers()];
        const held: { bytes: Buffer; fill: number; letGo: () => void }[] = [];
        steps.forEach(({ share, hold, letGo }, i) => {
          const r = sockets[i % 2] ?? new ReadBuffers();
          const length = r.next().length;
          expect(length).toBeGreaterThanOrEqual(MIN_READ);
          expect(length).toBeLessThanOrEqual(MAX_READ);
          const n = Math.max(1, Math.round((share / 1000) * length));
          const fill = (i * 37 + 1) & 0xff;
          const { got } = read(r, n, fill);
          expect(got.bytes.length).toBe(READ_HEADROOM + n);
          // The owner writes its chunk head into the headroom: that must not touch other reads.
          got.bytes.fill(0xee, 0, READ_HEADROOM);
          if (hold) held.push({ bytes: got.bytes, fill, letGo: got.hold() });
          got.done();
          for (const h of held.splice(0, letGo)) h.letGo();
          for (const h of held) {
            expect(h.bytes.subarray(READ_HEADROOM).every((b) => b === h.fill)).toBe(true);
          }
        });
        for (const h of held) h.letGo();
      }),
      { numRuns: 300 },
    );
  });
});
