import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LengthDelimitedFramer } from "../../web/src/decode/length-delimited.js";
import { parseFramingSpec, type LengthSpec } from "../../web/src/decode/spec.js";
import { comparable, runFramer, splitAt } from "./helpers.js";

const specArb = fc
  .record({
    offset: fc.integer({ min: 0, max: 3 }),
    size: fc.integer({ min: 1, max: 8 }),
    adjust: fc.integer({ min: -6, max: 6 }),
    skip: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
    endian: fc.constantFrom("be", "le"),
    max: fc.integer({ min: 0, max: 64 }),
  })
  .map(({ skip, ...k }) => {
    const keys = Object.entries(k).map(([key, v]) => `${key}=${v}`);
    if (skip !== undefined) keys.push(`skip=${skip}`);
    const r = parseFramingSpec(`length:${keys.join(",")}`);
    if (!r.ok || r.spec.kind !== "length") throw new Error(keys.join(","));
    return r.spec;
  });

/** Bytes biased towards small length fields so that frames actually complete. */
const bytesArb = fc
  .uint8Array({ minLength: 0, maxLength: 80 })
  .map((b) => b.map((x) => (x > 200 ? x : x % 6)));

const cutsArb = (len: number) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, len - 1) }), { maxLength: 8 })
    .map((c) => c.filter((x) => x < len).sort((a, b) => a - b));

describe("length framing properties", () => {
  it("any chunking gives the same frames and issues as the whole stream", () => {
    fc.assert(
      fc.property(
        specArb,
        bytesArb.chain((b) => fc.tuple(fc.constant(b), cutsArb(b.length))),
        (spec, [bytes, cuts]) => {
          const whole = runFramer(new LengthDelimitedFramer(spec), [bytes]);
          const split = runFramer(new LengthDelimitedFramer(spec), splitAt(bytes, cuts));
          expect(comparable(split)).toEqual(comparable(whole));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("every span lies inside the stream, frames follow each other, chunk indices are right", () => {
    fc.assert(
      fc.property(
        specArb,
        bytesArb.chain((b) => fc.tuple(fc.constant(b), cutsArb(b.length))),
        (spec: LengthSpec, [bytes, cuts]) => {
          const chunks = splitAt(bytes, cuts);
          const starts = chunks.map((_, k) => chunks.slice(0, k).reduce((n, c) => n + c.length, 0));
          const chunkOf = (at: number): number => {
            for (let k = chunks.length - 1; k >= 0; k--) {
              if ((starts[k] ?? 0) <= at && (chunks[k]?.length ?? 0) > 0) return k;
            }
            return -1;
          };
          const out = runFramer(new LengthDelimitedFramer(spec), chunks);
          let prevEnd = 0;
          for (const f of out.frames) {
            expect(f.start).toBe(prevEnd);
            expect(f.end).toBeGreaterThan(f.start);
            expect(f.end).toBeLessThanOrEqual(bytes.length);
            for (const [a, b] of [
              [f.headStart, f.headEnd],
              [f.payloadStart, f.payloadEnd],
            ] as const) {
              expect(a).toBeGreaterThanOrEqual(f.start);
              expect(b).toBeLessThanOrEqual(f.end);
              expect(a).toBeLessThanOrEqual(b);
            }
            expect(f.firstChunk).toBe(chunkOf(f.start));
            expect(f.endChunk).toBe(chunkOf(f.end - 1) + 1);
            prevEnd = f.end;
          }
          for (const i of out.issues) {
            expect(i.span[0]).toBeGreaterThanOrEqual(0);
            expect(i.span[1]).toBeLessThanOrEqual(bytes.length);
            expect(i.span[0]).toBeLessThanOrEqual(i.span[1]);
          }
          expect(out.issues.filter((i) => i.fatal).length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("a 4 GiB length field is counted, never allocated", () => {
    const r = parseFramingSpec(`length:max=${2 ** 33}`);
    if (!r.ok || r.spec.kind !== "length") throw new Error("spec");
    const framer = new LengthDelimitedFramer(r.spec);
    const body = new Uint8Array(1 << 20);
    const before = process.memoryUsage().arrayBuffers;
    framer.push(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    for (let k = 0; k < 512; k++) framer.push(body);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(framer.position).toBe(4 + 512 * (1 << 20));
    expect(grown).toBeLessThan(16 * (1 << 20));
    const end = framer.end();
    expect(end.issues.map((i) => i.code)).toEqual(["BYTES_REMAINING"]);
  });
});
