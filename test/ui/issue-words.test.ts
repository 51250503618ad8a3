import { describe, expect, it } from "vitest";
import { emptyTreeWords, issueRowWords, spanWords } from "../../web/src/ui/issue-words.js";

describe("an issue row in words", () => {
  it("names its bytes by stream offset", () => {
    expect(spanWords(12, 13)).toBe("byte 12");
    expect(spanWords(0, 4)).toBe("bytes 0–3 (4 bytes)");
    expect(spanWords(7, 7)).toBe("at byte 7");
  });

  it("a fatal issue says where the framer stopped and how many bytes stay unframed", () => {
    const lines = issueRowWords({
      codes: "FRAME_TOO_LARGE",
      text: "length 2147483647 exceeds max 8388608",
      start: 0,
      end: 4,
      fatal: true,
      stoppedAt: 0,
      streamLength: 244316,
      dirName: "S→C",
    });
    expect(lines).toEqual([
      "FRAME_TOO_LARGE: length 2147483647 exceeds max 8388608",
      "Where: bytes 0–3 (4 bytes) of the S→C stream (0x0).",
      "Fatal: the framer stopped at byte 0. The 244316 bytes from there on are kept unframed " +
        "(hatched in the hex view); change the framing to cut them again.",
    ]);
  });

  it("a non-fatal issue says framing went on", () => {
    const lines = issueRowWords({
      codes: "TRUNCATED_FRAME",
      text: "the stream ended 37 bytes short",
      start: 100,
      end: 104,
      fatal: false,
      stoppedAt: null,
      streamLength: 104,
      dirName: "C→S",
    });
    expect(lines[1]).toBe("Where: bytes 100–103 (4 bytes) of the C→S stream (0x64).");
    expect(lines[2]).toBe("Not fatal: framing went on after it.");
  });
});

describe("a field tree with no field", () => {
  it("says why nothing was decoded, or that the message is empty", () => {
    const stop = { code: "INVALID_WIRE_TYPE", span: [104, 108] as [number, number], fatal: true };
    expect(emptyTreeWords([stop], 4)).toBe(
      "Nothing decoded: INVALID_WIRE_TYPE at offset 104 (above). The payload's 4 bytes are in the hex view.",
    );
    expect(emptyTreeWords([], 0)).toBe(
      "An empty message: the payload has no bytes, so every field holds its default.",
    );
  });
});
