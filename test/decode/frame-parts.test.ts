import { describe, expect, it } from "vitest";
import { hexToBytes } from "../../web/src/decode/hex.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";
import { previewMarks } from "../../web/src/decode/frame-parts.js";
import { createFramer } from "../../web/src/decode/framers.js";

const spec = (text: string) => {
  const r = parseFramingSpec(text);
  if (!r.ok) throw new Error(r.error);
  return r.spec;
};

describe("previewMarks", () => {
  it.each([
    {
      name: "two 4-byte-length frames",
      spec: "length",
      hex: "00000001aa00000002bbcc",
      parts: "11112111122",
      frames: 2,
    },
    {
      name: "a line and its delimiter",
      spec: "delim:sep=0d0a",
      hex: "61620d0a",
      parts: "2211",
      frames: 1,
    },
    {
      name: "a frame missing its last byte",
      spec: "length",
      hex: "00000002aa",
      parts: "00000",
      frames: 0,
    },
  ])("$name", (c) => {
    const m = previewMarks(spec(c.spec), hexToBytes(c.hex));
    expect([...m.parts].join("")).toBe(c.parts);
    expect(m.frames).toBe(c.frames);
  });
});

describe("push and end hand over arrays of their own", () => {
  it("a frame cut short is one issue, not one in each call's output", () => {
    // push finds nothing; end reports the bytes left: the two outputs must not share an array.
    const marks = previewMarks(spec("length"), hexToBytes("0000000501"));
    expect(marks.issues.map((i) => i.code)).toEqual(["BYTES_REMAINING"]);
    const framer = createFramer(spec("length"));
    const pushed = framer.push(hexToBytes("0000000501"));
    const ended = framer.end();
    expect(pushed.frames).not.toBe(ended.frames);
    expect(pushed.issues).not.toBe(ended.issues);
    expect([pushed.issues.length, ended.issues.length]).toEqual([0, 1]);
  });
});
