import { describe, expect, it } from "vitest";
import {
  formatOffset,
  offsetDigits,
  rowCount,
  rowOf,
  rowRange,
} from "../../web/src/ui/hex-rows.js";

describe("hex rows", () => {
  it.each([
    [0, 1],
    [1, 1],
    [16, 1],
    [17, 2],
    [1_000_000, 62_500],
  ])("%i bytes take %i rows", (length, rows) => {
    expect(rowCount(length)).toBe(rows);
  });

  it("finds a byte's row and a row's bytes, clipped to the length", () => {
    expect([0, 15, 16, 33].map(rowOf)).toEqual([0, 0, 1, 2]);
    expect(rowRange(2, 40)).toEqual([32, 40]);
    expect(rowRange(3, 40)).toEqual([40, 40]);
  });

  it("writes offsets with at least 8 hex digits, more past 4 GiB", () => {
    expect(offsetDigits(100)).toBe(8);
    expect(offsetDigits(2 ** 32 + 1)).toBe(9);
    expect(formatOffset(0x1f0, 8)).toBe("000001f0");
  });
});
