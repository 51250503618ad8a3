import { describe, expect, it } from "vitest";
import { hexToBytes } from "../../web/src/decode/hex.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";
import { previewMarks } from "../../web/src/decode/frame-parts.js";

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
