import { describe, expect, it } from "vitest";
import { plural } from "../../web/src/ui/plural.js";

describe("a count and its noun agree", () => {
  it.each([
    { n: 0, word: "read", text: "0 reads" },
    { n: 1, word: "read", text: "1 read" },
    { n: 2, word: "TCP read", text: "2 TCP reads" },
    { n: 1, word: "frame", text: "1 frame" },
    { n: 1, word: "byte", text: "1 byte" },
  ])("$n $word: $text", ({ n, word, text }) => {
    expect(plural(n, word)).toBe(text);
  });

  it("groups thousands when asked, and takes an irregular plural", () => {
    expect(plural(41943040, "byte", { grouped: true })).toBe("41,943,040 bytes");
    expect(plural(4096, "byte")).toBe("4096 bytes");
    expect(plural(2, "entry", { many: "entries" })).toBe("2 entries");
    expect(plural(1, "entry", { many: "entries" })).toBe("1 entry");
  });
});
