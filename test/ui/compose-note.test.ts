import { describe, expect, it } from "vitest";
import { encodeFrame } from "../../web/src/decode/encode.js";
import { previewMarks } from "../../web/src/decode/frame-parts.js";
import { parseFramingSpec, type FramingSpec } from "../../web/src/decode/spec.js";
import { explainFrameCount } from "../../web/src/ui/compose-note.js";
import { planWrites } from "../../web/src/ui/compose-plan.js";

const spec = (text: string): FramingSpec => {
  const r = parseFramingSpec(text);
  if (!r.ok) throw new Error(r.error);
  return r.spec;
};

/** What the preview says of `copies` frames of `payload` framed with the spec's encoder. */
function noteFor(text: string, payload: string, copies = 1): string | undefined {
  const s = spec(text);
  const e = encodeFrame(s, new TextEncoder().encode(payload));
  if (!e.ok) throw new Error(e.text);
  const bytes = planWrites(e.bytes, copies, 1)[0] ?? new Uint8Array(0);
  return explainFrameCount(s, copies, previewMarks(s, bytes));
}

describe("explainFrameCount: why the preview cuts other frames than were written", () => {
  it.each([
    { spec: "length", copies: 1 },
    { spec: "length:size=2,endian=le", copies: 3 },
    { spec: "length:mask=7fffffff,gzip=80000000", copies: 2 },
    { spec: "netty:size=2", copies: 2 },
    { spec: "varint:offset=2", copies: 2 },
    { spec: "grpc", copies: 1 },
    { spec: "delim:sep=0a", copies: 2 },
  ])("says nothing when $spec cuts the $copies frame(s) written", ({ spec: s, copies }) => {
    expect(noteFor(s, "hello world", copies)).toBeUndefined();
  });

  // Regression: with an offset the preview said "0 frame(s)" and nothing else.
  it("length:offset=1,size=4: tokio's encoder writes no byte before the length", () => {
    expect(noteFor("length:offset=1,size=4", "hello world")).toBe(
      "the length framing reads 1 byte before its length field; the encoder writes none " +
        "(as tokio's does), so these bytes do not cut into the frames written",
    );
  });

  it("netty:offset=2: Netty's LengthFieldPrepender writes no byte before the length", () => {
    expect(noteFor("netty:offset=2,size=2", "hello world", 2)).toMatch(
      /^the netty framing reads 2 bytes before its length field; the encoder writes none/,
    );
  });

  it("length:skip=0: the framer keeps the length field in the frame the encoder sized without it", () => {
    expect(noteFor("length:skip=0", "hello world 123456")).toMatch(
      /^the length framing drops 0 bytes from the front of a frame, not its 4-byte length field/,
    );
  });

  it("otherwise passes on what the framer says", () => {
    const s = spec("length");
    const cut = previewMarks(s, Uint8Array.of(0, 0, 0, 5, 1, 2));
    expect(explainFrameCount(s, 1, cut)).toMatch(/^the framer cut 0 of the 1 frame\(s\) written: /);
  });

  it("speaks up when the count agrees but the framer found an issue", () => {
    const s = spec("length");
    const cut = previewMarks(s, Uint8Array.of(0, 0, 0, 1, 9, 0, 0));
    expect(cut.frames).toBe(1);
    expect(explainFrameCount(s, 1, cut)).toMatch(/^the framer cut 1 of the 1 frame\(s\) written: /);
  });
});
