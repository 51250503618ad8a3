import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatFramingSpec, parseFramingSpec } from "../../web/src/decode/spec.js";

describe("framing spec strings", () => {
  it.each([
    [
      "length",
      {
        kind: "length",
        offset: 0,
        size: 4,
        adjust: 0,
        skip: 4,
        endian: "be",
        max: 8388608,
        mask: null,
        gzip: null,
      },
    ],
    ["length:offset=1,size=2", { offset: 1, size: 2, skip: 3 }],
    ["length:size=2,skip=0,adjust=2", { size: 2, skip: 0, adjust: 2 }],
    ["length:mask=7fffffff,gzip=80000000", { mask: 0x7fffffffn, gzip: 0x80000000n }],
    ["length:mask=0x7FFFFFFF", { mask: 0x7fffffffn }],
    [
      "netty",
      {
        kind: "netty",
        offset: 0,
        size: 4,
        adjust: 0,
        strip: 0,
        endian: "be",
        max: 8388608,
        failfast: true,
      },
    ],
    ["netty:size=8,failfast=0", { size: 8, failfast: false }],
    ["fixed:size=12", { kind: "fixed", size: 12 }],
    ["varint:offset=1", { kind: "varint", offset: 1, max: 8388608 }],
    ["grpc", { kind: "grpc", max: 4194304 }],
    ["delim:sep=0d0a", { kind: "delim", sep: Uint8Array.of(13, 10), max: 65536 }],
    ["resp", { kind: "resp" }],
    [" http1 ", { kind: "http1", max: 65536 }],
  ])("%s parses with every default filled in", (text, expected) => {
    const r = parseFramingSpec(text);
    if (!r.ok) throw new Error(r.error);
    expect(r.spec).toMatchObject(expected);
  });

  it.each([
    ["wat", "unknown framing", "length, netty, fixed"],
    ["length:size=9", "size=9", "1 to 8"],
    ["length:size=0", "size=0", "1 to 8"],
    ["length:bogus=1", 'unknown key "bogus"', "offset, size"],
    ["length:size", 'key "size" needs a value', "1 to 8"],
    ["length:size=2,size=3", "given twice", ""],
    ["length:endian=big", "endian=big", "be or le"],
    ["length:adjust=1.5", "adjust=1.5", "whole number"],
    ["length:mask=ffffffffff", "mask", "fit in size=4"],
    ["length:gzip=80000000", "gzip", "set mask first"],
    ["netty:size=5", "size=5", "1, 2, 3, 4 or 8"],
    ["netty:max=0", "max=0", "positive"],
    ["netty:offset=100,max=10", "max=10", "offset + size = 104"],
    ["netty:adjust=2147483648", "adjust=2147483648", "Java int"],
    ["length:size=8,mask=ff", "mask needs size of 6 bytes or less", "size=8"],
    ["fixed", "size is required", ""],
    ["delim", "sep is required", "0d0a"],
    ["delim:sep=zz", "sep=zz", "hex"],
    ["delim:sep=0d0", "sep=0d0", "hex"],
    ["grpc:max=-1", "max=-1", "whole number"],
    ["resp:size=2", 'unknown key "size"', "max"],
  ])("%s is refused, naming the key and the allowed values", (text, names, allowed) => {
    const r = parseFramingSpec(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain(names);
      expect(r.error).toContain(allowed);
    }
  });

  it.each([
    ["length", "length"],
    ["length:size=4,offset=0,max=8388608", "length"],
    ["length:skip=5,size=2,offset=1", "length:offset=1,size=2,skip=5"],
    ["length:mask=0x7FFFFFFF,gzip=80000000", "length:mask=7fffffff,gzip=80000000"],
    ["netty:failfast=1,strip=4", "netty:strip=4"],
    ["delim:sep=0D0A", "delim:sep=0d0a"],
  ])("%s is written canonically as %s", (text, canonical) => {
    const r = parseFramingSpec(text);
    if (!r.ok) throw new Error(r.error);
    expect(formatFramingSpec(r.spec)).toBe(canonical);
  });

  it("format then parse gives the same spec, for any valid length spec", () => {
    fc.assert(
      fc.property(
        fc.record({
          offset: fc.integer({ min: 0, max: 100 }),
          size: fc.integer({ min: 1, max: 8 }),
          adjust: fc.integer({ min: -1000, max: 1000 }),
          skip: fc.integer({ min: 0, max: 100 }),
          endian: fc.constantFrom("be", "le"),
          max: fc.integer({ min: 0, max: 2 ** 40 }),
        }),
        (k) => {
          const text = `length:${Object.entries(k)
            .map(([a, b]) => `${a}=${b}`)
            .join(",")}`;
          const first = parseFramingSpec(text);
          if (!first.ok) throw new Error(first.error);
          const again = parseFramingSpec(formatFramingSpec(first.spec));
          expect(again).toEqual(first);
        },
      ),
    );
  });
});
