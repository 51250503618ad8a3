import { describe, expect, it } from "vitest";
import { FRAMING_LAG_SHOWN, framesText } from "../../web/src/ui/frame-count.js";

describe("framesText", () => {
  it("gives the count once framing has caught up, or is behind by a little", () => {
    expect(framesText(12, 1200, 1200)).toBe("12 fr");
    expect(framesText(0, 0, 0)).toBe("0 fr");
    // Live traffic: the worker is a few chunks behind the page.
    expect(framesText(3, 0, FRAMING_LAG_SHOWN)).toBe("3 fr");
  });

  it("says how far framing got while a large backlog waits", () => {
    const mib = 1024 * 1024;
    expect(framesText(0, 0, 95 * mib)).toBe("framing 0%");
    expect(framesText(400_000, 38 * mib, 95 * mib)).toBe("framing 40%");
    expect(framesText(999_000, 93.9 * mib, 95 * mib)).toBe("framing 98%");
  });
});
