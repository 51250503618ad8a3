import { describe, expect, it } from "vitest";
import {
  cellClasses,
  markCells,
  MARK_CHUNK_START,
  MARK_FRAME,
  MARK_FRAME_ALT,
  MARK_HEAD,
  MARK_HOVER,
  MARK_ISSUE,
  MARK_LENGTH,
  MARK_PAYLOAD,
  MARK_PENDING,
  MARK_RANGE,
  MARK_SELECTED,
  MARK_TAG,
  MARK_UNFRAMED,
  MARK_VALUE,
  isSkipped,
  type FrameBox,
  type MarkInput,
} from "../../web/src/ui/cell-marks.js";

/** Cells whose flags include `flag`, as offsets. */
function cellsWith(input: MarkInput, flag: number): number[] {
  const marks = markCells(input);
  const out: number[] = [];
  marks.forEach((m, i) => {
    if (m & flag) out.push(input.from + i);
  });
  return out;
}

const range = (s: number, e: number): number[] => Array.from({ length: e - s }, (_, i) => s + i);

/**
 * Two kv frames (4-byte head, then payload), the second selected:
 * 0..4 head, 4..20 payload | 20..24 head, 24..30 payload
 */
const F0: FrameBox = {
  index: 0,
  start: 0,
  end: 20,
  headStart: 0,
  headEnd: 4,
  payloadStart: 4,
  payloadEnd: 20,
};
const F1: FrameBox = {
  index: 1,
  start: 20,
  end: 30,
  headStart: 20,
  headEnd: 24,
  payloadStart: 24,
  payloadEnd: 30,
};
const base: MarkInput = { from: 0, to: 32, frames: [F0, F1], selectedFrame: F1 };

describe("markCells", () => {
  it("marks heads, payloads, alternate frames and the selected frame exactly", () => {
    expect(cellsWith(base, MARK_HEAD)).toEqual([...range(0, 4), ...range(20, 24)]);
    expect(cellsWith(base, MARK_PAYLOAD)).toEqual([...range(4, 20), ...range(24, 30)]);
    expect(cellsWith(base, MARK_FRAME)).toEqual(range(0, 30));
    expect(cellsWith(base, MARK_FRAME_ALT)).toEqual(range(20, 30));
    expect(cellsWith(base, MARK_SELECTED)).toEqual(range(20, 30));
  });

  it("calls bytes of a frame that are neither head nor payload skipped (tokio's length_field_offset and num_skip)", () => {
    // offset=2 size=2 skip=0: bytes 0..2 precede the length field; the payload is the whole frame.
    const f: FrameBox = {
      index: 0,
      start: 0,
      end: 10,
      headStart: 2,
      headEnd: 4,
      payloadStart: 6,
      payloadEnd: 10,
    };
    const marks = markCells({ from: 0, to: 10, frames: [f] });
    expect([...marks].map((m, i) => (isSkipped(m) ? i : -1)).filter((i) => i >= 0)).toEqual([
      0, 1, 4, 5,
    ]);
  });

  it("marks only the data pieces of a chunked HTTP body as payload", () => {
    const f: FrameBox = {
      index: 0,
      start: 0,
      end: 40,
      headStart: 0,
      headEnd: 10,
      payloadStart: 13,
      payloadEnd: 35,
      parts: [
        [13, 18],
        [22, 30],
      ],
    };
    expect(cellsWith({ from: 0, to: 40, frames: [f] }, MARK_PAYLOAD)).toEqual([
      ...range(13, 18),
      ...range(22, 30),
    ]);
  });

  it("marks the selected field's tag, length and value; a hovered field takes their place and is outlined", () => {
    const field = { span: [24, 30], tag: [24, 25], length: [25, 26], value: [26, 30] } as const;
    const hover = { span: [4, 8], tag: [4, 5], length: undefined, value: [5, 8] } as const;
    expect(cellsWith({ ...base, field }, MARK_TAG)).toEqual([24]);
    expect(cellsWith({ ...base, field }, MARK_LENGTH)).toEqual([25]);
    expect(cellsWith({ ...base, field }, MARK_VALUE)).toEqual(range(26, 30));
    expect(cellsWith({ ...base, field, hover }, MARK_TAG)).toEqual([4]);
    expect(cellsWith({ ...base, field, hover }, MARK_LENGTH)).toEqual([]);
    expect(cellsWith({ ...base, field, hover }, MARK_VALUE)).toEqual(range(5, 8));
    expect(cellsWith({ ...base, field, hover }, MARK_HOVER)).toEqual(range(4, 8));
  });

  it("marks chunk starts, pending and unframed bytes, issues and the user's range", () => {
    const input: MarkInput = {
      ...base,
      boundaries: [0, 7, 25],
      pendingFrom: 30,
      unframedFrom: 31,
      issues: [[12, 12]],
      range: [2, 5],
    };
    expect(cellsWith(input, MARK_CHUNK_START)).toEqual([7, 25]);
    expect(cellsWith(input, MARK_PENDING)).toEqual([30, 31]);
    expect(cellsWith(input, MARK_UNFRAMED)).toEqual([31]);
    expect(cellsWith(input, MARK_ISSUE)).toEqual([12]);
    expect(cellsWith(input, MARK_RANGE)).toEqual([2, 3, 4]);
  });

  it("clips every span to the cells asked for", () => {
    const marks = markCells({ ...base, from: 16, to: 22 });
    expect(marks.length).toBe(6);
    expect([...marks].map((m) => (m & MARK_HEAD ? 1 : 0))).toEqual([0, 0, 0, 0, 1, 1]);
  });
});

describe("cellClasses", () => {
  it("names what a cell is, head before payload, tag before value", () => {
    expect(cellClasses(MARK_FRAME | MARK_HEAD | MARK_PAYLOAD)).toBe("c fr head");
    expect(
      cellClasses(MARK_FRAME | MARK_FRAME_ALT | MARK_PAYLOAD | MARK_SELECTED | MARK_VALUE),
    ).toBe("c fr-alt payload sel val");
    expect(cellClasses(0)).toBe("c");
    expect(cellClasses(MARK_UNFRAMED | MARK_PENDING)).toBe("c unframed");
  });
});
