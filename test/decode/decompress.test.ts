import fc from "fast-check";
import { gzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_DECOMPRESSED, gunzipBounded } from "../../web/src/decode/decompress.js";
import { concat, hexToBytes } from "./helpers.js";

const MiB = 1024 * 1024;
const text = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Like gzip -c: a 10-byte header (no flags), raw deflate, CRC32, ISIZE. */
const gzip = (data: Uint8Array, options: Parameters<typeof gzipSync>[1] = {}): Uint8Array =>
  gzipSync(data, { mtime: 0, ...options });

function expectFailure(result: ReturnType<typeof gunzipBounded>): { text: string; at: number } {
  if (result.ok) throw new Error("expected a failure");
  return result;
}

describe("gunzipBounded: round trips", () => {
  it("random bytes survive gzipSync and back", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 5000 }),
        fc.constantFrom(0, 1, 4, 6, 9 as const),
        (data, level) => {
          const out = gunzipBounded(gzip(data, { level }));
          expect(out.ok && Array.from(out.bytes)).toEqual(Array.from(data));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("an empty payload", () => {
    const out = gunzipBounded(gzip(new Uint8Array(0)));
    expect(out).toEqual({ ok: true, bytes: new Uint8Array(0) });
  });

  it("several members are concatenated (as gzip -d does)", () => {
    const a = text("hello ");
    const b = text("world");
    const out = gunzipBounded(concat([gzip(a), gzip(b), gzip(new Uint8Array(0))]));
    expect(out.ok && String.fromCharCode(...out.bytes)).toBe("hello world");
  });

  it("headers with a file name, a comment and an extra field", () => {
    const withName = gzip(text("named"), { filename: "kv.bin" });
    expect(withName[3]).toBe(8); // FNAME
    const out = gunzipBounded(withName);
    expect(out.ok && String.fromCharCode(...out.bytes)).toBe("named");
    // FEXTRA (2 bytes of extra data) + FCOMMENT, built by hand around fflate's deflate data.
    const plain = gzip(text("extra"));
    const hand = concat([
      Uint8Array.from([0x1f, 0x8b, 8, 4 | 16, 0, 0, 0, 0, 0, 3, 2, 0, 0xaa, 0xbb]),
      text("a comment\0"),
      plain.subarray(10),
    ]);
    const out2 = gunzipBounded(hand);
    expect(out2.ok && String.fromCharCode(...out2.bytes)).toBe("extra");
  });

  it("a header CRC (FHCRC) is checked", () => {
    const plain = gzip(text("hcrc"));
    const header = Uint8Array.from([0x1f, 0x8b, 8, 2, 0, 0, 0, 0, 0, 3]);
    // CRC-32 of those 10 bytes, low 16 bits, little-endian.
    let c = ~0;
    for (const b of header) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    const crc16 = ~c & 0xffff;
    const good = concat([header, Uint8Array.from([crc16 & 0xff, crc16 >> 8]), plain.subarray(10)]);
    const out = gunzipBounded(good);
    expect(out.ok && String.fromCharCode(...out.bytes)).toBe("hcrc");
    const bad = good.slice();
    bad[10] = (bad[10] ?? 0) ^ 1;
    expect(expectFailure(gunzipBounded(bad)).at).toBe(10);
  });
});

describe("gunzipBounded: the output cap", () => {
  it("exactly maxOutput bytes pass, one more fails", () => {
    const data = new Uint8Array(1000).fill(7);
    const z = gzip(data);
    expect(gunzipBounded(z, 1000).ok).toBe(true);
    expect(expectFailure(gunzipBounded(z, 999)).text).toMatch(/exceeds 999 bytes/);
  });

  it("10 MiB of zeros with max 1 MiB fails after reading only a small part of the input", () => {
    const z = gzip(new Uint8Array(10 * MiB));
    const failure = expectFailure(gunzipBounded(z, MiB));
    expect(failure.text).toMatch(/exceeds 1048576 bytes/);
    // Inflating stopped near the cap: about a tenth of the compressed bytes were fed.
    expect(failure.at).toBeLessThan(z.length / 4);
  });

  it("a bomb of 100 members (1000 MiB declared) stops in the first member without allocating it", () => {
    const member = gzip(new Uint8Array(10 * MiB));
    const bomb = concat(Array.from({ length: 100 }, () => member));
    const before = process.memoryUsage().arrayBuffers;
    const failure = expectFailure(gunzipBounded(bomb, MiB));
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(failure.at).toBeLessThan(member.length);
    // Inflating it all would take 1000 MiB; the cap keeps the live buffers to a few MiB.
    expect(grown).toBeLessThan(64 * MiB);
  });

  it("the default cap is 64 MiB", () => {
    expect(DEFAULT_MAX_DECOMPRESSED).toBe(64 * MiB);
  });
});

describe("gunzipBounded: corrupt input is a value with an offset", () => {
  const good = gzip(text("the quick brown fox jumps over the lazy dog"));
  const edit = (at: number, value: number): Uint8Array => {
    const b = good.slice();
    b[at] = value;
    return b;
  };
  const cases: [string, Uint8Array, number, RegExp][] = [
    ["empty input", new Uint8Array(0), 0, /ends inside the header/],
    ["not gzip: first magic byte", edit(0, 0x78), 0, /magic/],
    ["not gzip: second magic byte", edit(1, 0x9c), 1, /magic/],
    ["compression method is not deflate", edit(2, 7), 2, /method 7/],
    ["reserved flag bits", edit(3, 0x20), 3, /reserved/],
    ["header cut after 5 bytes", good.subarray(0, 5), 5, /ends inside the header/],
    [
      "file name never terminated",
      hexToBytes("1f8b0808000000000003616263"),
      13,
      /ends inside the header/,
    ],
    ["trailer missing", good.subarray(0, good.length - 8), good.length - 16, /CRC32 or size/],
    [
      "CRC32 wrong",
      edit(good.length - 8, (good[good.length - 8] ?? 0) ^ 0xff),
      good.length - 8,
      /CRC32 or size/,
    ],
    ["size wrong", edit(good.length - 1, 1), good.length - 8, /CRC32 or size/],
    ["trailing garbage", concat([good, text("garbage!")]), 0, /./],
  ];
  for (const [name, bytes, at, why] of cases) {
    it(name, () => {
      const failure = expectFailure(gunzipBounded(bytes));
      expect(failure.text).toMatch(why);
      if (name !== "trailing garbage") expect(failure.at).toBe(at);
      expect(failure.at).toBeGreaterThanOrEqual(0);
      expect(failure.at).toBeLessThanOrEqual(bytes.length);
    });
  }

  it("deflate data cut in the middle is truncated, at the end of the input", () => {
    let seed = 1;
    const noise = Uint8Array.from(
      { length: 4000 },
      () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24,
    );
    const big = gzip(noise);
    expect(big.length).toBeGreaterThan(2000);
    const cut = big.subarray(0, 1000);
    const failure = expectFailure(gunzipBounded(cut));
    expect(failure.text).toMatch(/truncated/);
    expect(failure.at).toBe(1000);
  });

  it("an invalid deflate block type is reported inside the deflate data", () => {
    // BTYPE is bits 1-2 of the first deflate byte: 11 is reserved.
    const failure = expectFailure(gunzipBounded(edit(10, (good[10] ?? 0) | 0x06)));
    expect(failure.text).toMatch(/block type|length|distance|CRC/);
    expect(failure.at).toBeGreaterThanOrEqual(0);
  });

  it("random damage never throws", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(),
        (edits, cut) => {
          const b = good.slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          const r = gunzipBounded(b.subarray(0, cut % (b.length + 1)), 4096);
          if (!r.ok) expect(r.at).toBeLessThanOrEqual(b.length);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
