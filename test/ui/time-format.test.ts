import { describe, expect, it } from "vitest";
import { formatClock, formatDelta, formatSeconds } from "../../web/src/ui/time-format.js";

describe("time formats", () => {
  it.each([
    [0, "0.000000"],
    [1_234_567, "1.234567"],
    [42, "0.000042"],
    [-1500, "-0.001500"],
  ])("%i µs is %s s", (us, text) => {
    expect(formatSeconds(us)).toBe(text);
  });

  it.each([
    [312, "+312 µs"],
    [4210, "+4.210 ms"],
    [1_503_000, "+1.503 s"],
    [-20, "-20 µs"],
  ])("a delta of %i µs reads %s", (us, text) => {
    expect(formatDelta(us)).toBe(text);
  });

  it("writes the time of day in UTC with milliseconds", () => {
    expect(formatClock(Date.UTC(2026, 0, 2, 3, 4, 5, 678) * 1000 + 999)).toBe("03:04:05.678");
  });
});
