import { describe, expect, it } from "vitest";
import { fromFile } from "../../web/src/ui/conversation-source.js";

describe("where a conversation came from", () => {
  it("a connection of this bridge run is not from a file", () => {
    expect(fromFile("fs-2026-11-22T04-00-00#12", "fs-2026-11-22T04-00-00")).toBeUndefined();
    expect(fromFile("live#3", null)).toBeUndefined();
  });

  it("an import and an earlier run's capture are marked, with the file's name", () => {
    expect(fromFile("import:saved.fscap#208", "fs-now")).toEqual({
      label: "imported",
      title: "imported from saved.fscap",
    });
    expect(fromFile("fs-earlier#7", "fs-now")).toEqual({
      label: "recorded",
      title: "recorded in capture fs-earlier",
    });
    // A file name may hold "#": the connection number is after the last one.
    expect(fromFile("import:a#b.fscap#5", null)?.title).toBe("imported from a#b.fscap");
  });
});
