/** CRC-32 (IEEE 802.3, as zlib, gzip and PNG use it), table-driven, pure. */

const TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * The CRC-32 of `bytes`, continuing from `crc` (the result for the bytes
 * before; 0 to start), so crc32(b, crc32(a)) === crc32(a ++ b), as zlib's.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = (TABLE[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return ~c >>> 0;
}

/** A CRC-32 function with crc32's contract; Node passes zlib.crc32 for speed. */
export type Crc32 = (bytes: Uint8Array, crc?: number) => number;
