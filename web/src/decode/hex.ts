/** Character codes of the lower-case hex digits. */
const DIGITS = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
/** Bytes turned into text a piece at a time: the codes of one piece are one small array. */
const PIECE = 8192;

/**
 * Lower-case hex of the bytes, no separators. Made from flat pieces of 16 Ki
 * characters, so a payload of many MiB costs about twice its size in memory
 * and not an object per byte.
 */
export function bytesToHex(bytes: Uint8Array): string {
  const codes = new Uint16Array(2 * Math.min(bytes.length, PIECE));
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += PIECE) {
    const end = Math.min(bytes.length, at + PIECE);
    for (let i = at, k = 0; i < end; i++, k += 2) {
      const b = bytes[i] ?? 0;
      codes[k] = DIGITS[b >> 4] ?? 0;
      codes[k + 1] = DIGITS[b & 15] ?? 0;
    }
    const used = end - at === PIECE ? codes : codes.subarray(0, 2 * (end - at));
    // apply takes the typed array as it is (a spread would iterate it).
    parts.push(String.fromCharCode.apply(null, used as unknown as number[]));
  }
  return parts.length === 1 ? (parts[0] ?? "") : parts.join("");
}

/** Bytes from hex digits (even length, no separators); throws on bad input (a programmer error). */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex))
    throw new Error(`not hex: ${hex.slice(0, 40)}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++)
    out[i] = (digit(hex.charCodeAt(2 * i)) << 4) | digit(hex.charCodeAt(2 * i + 1));
  return out;
}

/** The value of a hex digit's character code (checked by the caller). */
function digit(code: number): number {
  return code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57;
}
