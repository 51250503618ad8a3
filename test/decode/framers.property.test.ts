import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createFramer } from "../../web/src/decode/framers.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";
import { comparable, runFramer, splitAt } from "./helpers.js";

/** One spec of every kind, with small maxima so that limits are hit too. */
const SPECS = [
  "length",
  "length:size=2,max=40",
  "length:offset=1,size=1,adjust=-1,skip=0",
  "length:size=3,endian=le,adjust=2,skip=5",
  "length:size=8,max=30",
  "length:size=2,mask=3fff,gzip=8000",
  "netty:size=2,max=30",
  "netty:offset=1,size=1,adjust=2,strip=2,max=20,failfast=0",
  "netty:size=8,strip=4",
  "fixed:size=3",
  "varint",
  "varint:offset=1,max=20",
  "grpc:max=30",
  "delim:sep=0d0a,max=20",
  "delim:sep=00",
  "resp:max=40",
  "http1:max=80",
];

/** Random bytes mixed with the characters the text framings care about. */
const bytesArb = fc.array(
  fc.oneof(
    fc.integer({ min: 0, max: 255 }),
    fc.constantFrom(
      0,
      1,
      2,
      3,
      0x0d,
      0x0a,
      0x2a,
      0x24,
      0x3a,
      0x2b,
      0x31,
      0x32,
      0x20,
      0x48,
      0x54,
      0x50,
      0x2f,
    ),
  ),
  { maxLength: 120 },
);

const inputArb = bytesArb.chain((arr) =>
  fc.tuple(
    fc.constant(Uint8Array.from(arr)),
    fc
      .uniqueArray(fc.integer({ min: 1, max: Math.max(1, arr.length - 1) }), { maxLength: 10 })
      .map((c) => c.filter((x) => x < arr.length).sort((a, b) => a - b)),
  ),
);

describe.each(SPECS)("framing %s", (text) => {
  const parsed = parseFramingSpec(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const spec = parsed.spec;

  it("gives the same frames and issues for any chunking, and never throws", () => {
    fc.assert(
      fc.property(inputArb, ([bytes, cuts]) => {
        const whole = runFramer(createFramer(spec), [bytes]);
        const split = runFramer(createFramer(spec), splitAt(bytes, cuts));
        expect(comparable(split)).toEqual(comparable(whole));
      }),
      { numRuns: 400 },
    );
  });

  it("keeps every byte visible: in a frame, in an issue's span, or unframed after a fatal issue", () => {
    fc.assert(
      fc.property(inputArb, ([bytes, cuts]) => {
        const framer = createFramer(spec);
        const out = runFramer(framer, splitAt(bytes, cuts));
        const seen = new Uint8Array(bytes.length);
        let prevEnd = 0;
        for (const f of out.frames) {
          expect(f.start).toBeGreaterThanOrEqual(prevEnd);
          expect(f.end).toBeGreaterThan(f.start);
          expect(f.end).toBeLessThanOrEqual(bytes.length);
          expect(f.headStart).toBeGreaterThanOrEqual(f.start);
          expect(f.headEnd).toBeLessThanOrEqual(f.end);
          expect(f.payloadStart).toBeGreaterThanOrEqual(f.start);
          expect(f.payloadEnd).toBeLessThanOrEqual(f.end);
          seen.fill(1, f.start, f.end);
          prevEnd = f.end;
        }
        for (const i of out.issues) {
          expect(i.span[0]).toBeGreaterThanOrEqual(0);
          expect(i.span[0]).toBeLessThanOrEqual(i.span[1]);
          expect(i.span[1]).toBeLessThanOrEqual(bytes.length);
          seen.fill(1, i.span[0], i.span[1]);
        }
        if (framer.stoppedAt !== undefined) seen.fill(1, framer.stoppedAt);
        expect(seen.indexOf(0)).toBe(-1);
      }),
      { numRuns: 400 },
    );
  });
});
