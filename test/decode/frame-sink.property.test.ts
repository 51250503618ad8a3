import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameColumns } from "../../web/src/decode/frame-columns.js";
import { createFramer } from "../../web/src/decode/framers.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";
import { runFramer, splitAt } from "./helpers.js";

/** A spec of every kind, limits included. */
const SPECS = [
  "length",
  "length:size=2,max=40",
  "length:size=2,mask=3fff,gzip=8000",
  "length:size=3,endian=le,adjust=2,skip=5",
  "netty:size=2,max=30",
  "netty:offset=1,size=1,adjust=2,strip=2,max=20,failfast=0",
  "fixed:size=3",
  "varint:offset=1,max=20",
  "grpc:max=30",
  "delim:sep=0d0a,max=20",
  "resp:max=40",
  "http1:max=80",
];

const inputArb = fc
  .array(
    fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 4, 0x0d, 0x0a, 0x2a, 0x24)),
    {
      maxLength: 150,
    },
  )
  .chain((arr) =>
    fc.tuple(
      fc.constant(Uint8Array.from(arr)),
      fc
        .uniqueArray(fc.integer({ min: 1, max: Math.max(1, arr.length - 1) }), { maxLength: 8 })
        .map((c) => c.filter((x) => x < arr.length).sort((a, b) => a - b)),
    ),
  );

describe("pushTo / endTo into FrameColumns", () => {
  it.each(SPECS)("%s: the same frames (every number and info) and issues as push / end", (text) => {
    const spec = parseFramingSpec(text);
    if (!spec.ok) throw new Error(spec.error);
    fc.assert(
      fc.property(inputArb, ([bytes, cuts]) => {
        const chunks = splitAt(bytes, cuts);
        const expected = runFramer(createFramer(spec.spec), chunks);
        const framer = createFramer(spec.spec);
        const sink = new FrameColumns();
        for (const c of chunks) framer.pushTo(c, sink);
        framer.endTo(sink);
        const frames = Array.from({ length: sink.count }, (_x, k) => sink.frameAt(k));
        expect(frames).toEqual(expected.frames);
        expect(sink.issues).toEqual(expected.issues);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps growing past its first buffer, and clear() starts over", () => {
    const spec = parseFramingSpec("fixed:size=1");
    if (!spec.ok) throw new Error(spec.error);
    const sink = new FrameColumns();
    createFramer(spec.spec).pushTo(new Uint8Array(5000), sink);
    expect(sink.count).toBe(5000);
    expect(sink.frameAt(4999)).toMatchObject({ index: 4999, start: 4999, end: 5000 });
    expect(sink.frameAt(5000)).toBeUndefined();
    sink.clear();
    expect([sink.count, sink.infos.size, sink.frameAt(0)]).toEqual([0, 0, undefined]);
  });
});
