import { describe, expect, it } from "vitest";
import { playFramer, type FramerPlay } from "../../web/src/decode/framer-steps.js";
import { hexToBytes } from "../../web/src/decode/hex.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";
import { lessons } from "../../web/src/ui/lessons.js";
import {
  byteWindow,
  focusOffsets,
  windowCells,
  windowRows,
} from "../../web/src/ui/teach-window.js";

/** The tokio lesson (325 bytes, reads [0,11) [11,21) [21,200) [200,250) [250,325)) played as delivered. */
function tokio(): { bytes: Uint8Array; play: FramerPlay } {
  const l = lessons().find((x) => x.id === "tokio");
  const s = parseFramingSpec(l?.spec ?? "");
  if (l === undefined || !s.ok) throw new Error("no tokio lesson");
  return { bytes: Buffer.concat(l.chunks), play: playFramer(s.spec, l.chunks) };
}

const rowStarts = (rows: readonly (readonly [number, number])[]): number[] => rows.map((r) => r[0]);

describe("windowRows", () => {
  it("shows every row of a stream that fits", () => {
    expect(windowRows(13, [12], 16, 8)).toEqual([0]);
    expect(windowRows(128, [0], 16, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("keeps the focus rows of a long stream, then their nearest neighbours", () => {
    // 21 rows; focus on rows 1, 12 and 20.
    expect(windowRows(325, [21, 199, 200, 324], 16, 8)).toEqual([0, 1, 2, 11, 12, 13, 19, 20]);
  });

  it("grows forward from the stream's start and backward from its end", () => {
    expect(windowRows(4096, [0], 16, 4)).toEqual([0, 1, 2, 3]);
    expect(windowRows(4096, [4095], 16, 4)).toEqual([252, 253, 254, 255]);
  });

  it("drops the focus offsets that come after the budget is full", () => {
    expect(windowRows(4096, [0, 1000, 2000, 3000], 16, 2)).toEqual([0, 62]);
  });
});

describe("byteWindow on the tokio lesson (325 bytes)", () => {
  it("after read [21, 200): frame 2's start and head, the read's end, the needed bytes' end", () => {
    const { play } = tokio();
    const step = play.steps[2];
    expect(step?.text).toBe("payload: need 125 more bytes");
    if (step === undefined) throw new Error("no step 2");
    expect(focusOffsets(step, play.frames)).toEqual([21, 24, 21, 199, 200, 324]);
    const w = byteWindow(325, step, play.frames);
    expect(rowStarts(w.rows)).toEqual([0, 16, 32, 176, 192, 208, 304, 320]);
    expect(w.spans).toEqual([
      [0, 48],
      [176, 224],
      [304, 325],
    ]);
  });

  it("a stream that fits the window is shown whole at every step (fixed12, 50 bytes)", () => {
    const l = lessons().find((x) => x.id === "fixed12");
    const s = parseFramingSpec(l?.spec ?? "");
    if (l === undefined || !s.ok) throw new Error("no fixed12 lesson");
    const play = playFramer(s.spec, l.chunks);
    expect(play.steps.length).toBeGreaterThan(1);
    for (const step of play.steps)
      expect(byteWindow(50, step, play.frames).spans).toEqual([[0, 50]]);
  });
});

describe("windowCells", () => {
  const cells = (stepIndex: number, from: number, to: number) => {
    const { bytes, play } = tokio();
    return windowCells(
      bytes,
      [from, to],
      play.steps[stepIndex],
      play.frames,
      play.steps.map((s) => s.chunk[0]),
    );
  };
  const has = (classes: string, name: string): boolean => classes.split(" ").includes(name);

  it("shows the length prefix 00 00 01 2c as the head of the frame being cut, once read", () => {
    const c = cells(2, 21, 25);
    expect(c.map((x) => x.hex)).toEqual(["00", "00", "01", "2c"]);
    expect(c.every((x) => has(x.classes, "head") && has(x.classes, "pending"))).toBe(true);
    expect(has(c[0]?.classes ?? "", "chunk")).toBe(true);
  });

  // A stream still open after frame 1's head and 7 of its 16 payload bytes: frame 1 is not cut,
  // but its length field has been read, and is shown as its head.
  it("marks the head of a frame that completes only after the bytes played", () => {
    const s = parseFramingSpec("length");
    if (!s.ok) throw new Error(s.error);
    const bytes = hexToBytes("00000003616263" + "00000010" + "41424344454647");
    const play = playFramer(s.spec, [bytes], false);
    const c = windowCells(bytes, [0, 18], play.steps[0], play.frames, [0]);
    expect(c.filter((x) => has(x.classes, "head")).map((x) => x.at)).toEqual([
      0, 1, 2, 3, 7, 8, 9, 10,
    ]);
    expect(c.filter((x) => has(x.classes, "pending")).map((x) => x.at)).toEqual(
      Array.from({ length: 11 }, (_, i) => 7 + i),
    );
  });

  it("does not call a head a head before the framer has read it", () => {
    // After read [11, 21) frame 2 has not begun: bytes 21.. are later, not head.
    const c = cells(1, 21, 25);
    expect(c.some((x) => has(x.classes, "head"))).toBe(false);
    expect(c.every((x) => has(x.classes, "later"))).toBe(true);
  });

  it("marks the current read, the bytes still needed and the bytes not received", () => {
    const c = cells(2, 198, 202);
    expect(c.map((x) => has(x.classes, "now"))).toEqual([true, true, false, false]);
    expect(c.map((x) => has(x.classes, "pending"))).toEqual([true, true, false, false]);
    expect(c.map((x) => has(x.classes, "needed"))).toEqual([false, false, true, true]);
    expect(c.map((x) => has(x.classes, "later"))).toEqual([false, false, true, true]);
  });

  it("gives each byte its ASCII character, '.' when not printable", () => {
    const c = cells(4, 4, 9);
    expect(c.map((x) => x.ascii).join("")).toBe("hello");
    expect(c.every((x) => has(x.classes, "payload"))).toBe(true);
    const head = cells(4, 0, 4);
    expect(head.map((x) => [x.ascii, x.printable])).toEqual([
      [".", false],
      [".", false],
      [".", false],
      [".", false],
    ]);
  });
});
