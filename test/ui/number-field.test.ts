import { describe, expect, it } from "vitest";
import { readWholeNumber } from "../../web/src/ui/number-field.js";

describe("readWholeNumber (frames per write, writes, delay)", () => {
  it.each([
    { text: "3", value: 3 },
    { text: "1", value: 1 },
    { text: "64", value: 64 },
    { text: " 12 ", value: 12 },
    { text: "007", value: 7 },
  ])("$text reads as $value", ({ text, value }) => {
    expect(readWholeNumber(text, 1, 64)).toEqual({ ok: true, value });
  });

  // Regression: an emptied field snapped back to 1, so Backspace then 3 gave 13.
  it.each(["", " ", "0", "65", "-1", "1.5", "1e2", "abc", "3x"])(
    "%j is not a number the field takes, and says which it takes",
    (text) => {
      expect(readWholeNumber(text, 1, 64)).toEqual({
        ok: false,
        error: "a whole number from 1 to 64",
      });
    },
  );

  it("takes 0 when the range starts at 0 (a delay)", () => {
    expect(readWholeNumber("0", 0, 5000)).toEqual({ ok: true, value: 0 });
  });
});
