/** CRC-32 (IEEE 802.3, as zlib, gzip and PNG use it), table-driven, pure. */

/**
 * Slice-by-8 tables (Intel's "slicing-by-8"): TABLES[k * 256 + b] is the CRC
 * register after byte b followed by k zero bytes, so 8 bytes advance the
 * register with 8 independent lookups instead of 8 dependent ones. 8 KiB.
 */
const TABLES = ((): Int32Array => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const prev = t[(k - 1) * 256 + n] ?? 0;
      t[k * 256 + n] = (prev >>> 8) ^ (t[prev & 0xff] ?? 0);
    }
  }
  return t;
})();

const T = TABLES;

// The loops below spell every lookup out: V8 runs them about 1.5x slower
// when the lookups are left to small helper functions.

/**
 * The CRC-32 of `bytes`, continuing from `crc` (the result for the bytes
 * before; 0 to start), so crc32(b, crc32(a)) === crc32(a ++ b), as zlib's.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const b = bytes;
  const end = b.length;
  let c = ~crc;
  let i = 0;
  for (; i + 8 <= end; i += 8) {
    const x =
      c ^
      ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24));
    c =
      (T[1792 + (x & 0xff)] ?? 0) ^
      (T[1536 + ((x >>> 8) & 0xff)] ?? 0) ^
      (T[1280 + ((x >>> 16) & 0xff)] ?? 0) ^
      (T[1024 + (x >>> 24)] ?? 0) ^
      (T[768 + (b[i + 4] ?? 0)] ?? 0) ^
      (T[512 + (b[i + 5] ?? 0)] ?? 0) ^
      (T[256 + (b[i + 6] ?? 0)] ?? 0) ^
      (T[b[i + 7] ?? 0] ?? 0);
  }
  for (; i < end; i++) c = (T[(c ^ (b[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * crc32 of the bytes [start, end) of `view`, continuing from `crc`: reads a
 * word at a time through the view and allocates nothing, so for a record of
 * a few hundred bytes it costs less than a call into native code.
 */
export function crc32Range(view: DataView, start: number, end: number, crc = 0): number {
  let c = ~crc;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const x = c ^ view.getInt32(i, true);
    const y = view.getInt32(i + 4, true);
    c =
      (T[1792 + (x & 0xff)] ?? 0) ^
      (T[1536 + ((x >>> 8) & 0xff)] ?? 0) ^
      (T[1280 + ((x >>> 16) & 0xff)] ?? 0) ^
      (T[1024 + (x >>> 24)] ?? 0) ^
      (T[768 + (y & 0xff)] ?? 0) ^
      (T[512 + ((y >>> 8) & 0xff)] ?? 0) ^
      (T[256 + ((y >>> 16) & 0xff)] ?? 0) ^
      (T[y >>> 24] ?? 0);
  }
  if (i + 4 <= end) {
    const x = c ^ view.getInt32(i, true);
    c =
      (T[768 + (x & 0xff)] ?? 0) ^
      (T[512 + ((x >>> 8) & 0xff)] ?? 0) ^
      (T[256 + ((x >>> 16) & 0xff)] ?? 0) ^
      (T[x >>> 24] ?? 0);
    i += 4;
  }
  for (; i < end; i++) c = (T[(c ^ view.getUint8(i)) & 0xff] ?? 0) ^ (c >>> 8);
  return ~c >>> 0;
}

/** A CRC-32 function with crc32's contract; Node passes zlib.crc32 for speed. */
export type Crc32 = (bytes: Uint8Array, crc?: number) => number;
