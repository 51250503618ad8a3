/**
 * A strict UTF-8 decoder for the pure core (which has no TextDecoder): it
 * rejects overlong forms, surrogates and code points above U+10FFFF, and tells
 * where the first bad byte is.
 */
export type Utf8Result = { ok: true; text: string } | { ok: false; at: number };

/** Decodes bytes[start, end) as UTF-8; on failure `at` is the index of the first bad byte. */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): Utf8Result {
  let out = "";
  let codes: number[] = [];
  let i = start;
  while (i < end) {
    const b0 = bytes[i] ?? 0;
    let cp: number;
    let n: number;
    if (b0 < 0x80) {
      cp = b0;
      n = 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      const b1 = bytes[i + 1] ?? 0;
      if (i + 1 >= end || (b1 & 0xc0) !== 0x80) return { ok: false, at: i };
      cp = ((b0 & 0x1f) << 6) | (b1 & 0x3f);
      n = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      const b1 = bytes[i + 1] ?? 0;
      const b2 = bytes[i + 2] ?? 0;
      if (i + 2 >= end || (b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return { ok: false, at: i };
      cp = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return { ok: false, at: i };
      n = 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      const b1 = bytes[i + 1] ?? 0;
      const b2 = bytes[i + 2] ?? 0;
      const b3 = bytes[i + 3] ?? 0;
      if (i + 3 >= end || (b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) {
        return { ok: false, at: i };
      }
      cp = ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      if (cp < 0x10000 || cp > 0x10ffff) return { ok: false, at: i };
      n = 4;
    } else {
      return { ok: false, at: i };
    }
    if (cp > 0xffff) {
      cp -= 0x10000;
      codes.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      codes.push(cp);
    }
    if (codes.length >= 4096) {
      out += String.fromCharCode(...codes);
      codes = [];
    }
    i += n;
  }
  return { ok: true, text: out + String.fromCharCode(...codes) };
}

/**
 * The index of the first byte of bytes[start, end) that starts an invalid
 * UTF-8 sequence (as decodeUtf8's `at`), or -1 when all of it is valid; builds
 * no string. ASCII is checked four bytes at a time.
 */
export function firstBadUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    if (
      i + 3 < end &&
      (((bytes[i] ?? 0) | (bytes[i + 1] ?? 0) | (bytes[i + 2] ?? 0) | (bytes[i + 3] ?? 0)) &
        0x80) ===
        0
    ) {
      i += 4;
      continue;
    }
    const b0 = bytes[i] ?? 0;
    if (b0 < 0x80) {
      i++;
      continue;
    }
    const n = utf8Length(bytes, i, end);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/** Encodes a string as UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). */
export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000)
      out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else
      out.push(
        0xf0 | (cp >> 18),
        0x80 | ((cp >> 12) & 0x3f),
        0x80 | ((cp >> 6) & 0x3f),
        0x80 | (cp & 0x3f),
      );
  }
  return Uint8Array.from(out);
}

/** The length of the valid UTF-8 sequence whose lead byte (at least 0x80) is at `i`, or 0 when invalid. */
export function utf8Length(bytes: Uint8Array, i: number, end: number): number {
  const b0 = bytes[i] ?? 0;
  const b1 = bytes[i + 1] ?? 0;
  if (b0 >= 0xc2 && b0 <= 0xdf) return i + 1 < end && (b1 & 0xc0) === 0x80 ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const b2 = bytes[i + 2] ?? 0;
    if (i + 2 >= end || (b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return 0;
    return (b0 === 0xe0 && b1 < 0xa0) || (b0 === 0xed && b1 >= 0xa0) ? 0 : 3;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const b2 = bytes[i + 2] ?? 0;
    const b3 = bytes[i + 3] ?? 0;
    if (i + 3 >= end || (b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80)
      return 0;
    return (b0 === 0xf0 && b1 < 0x90) || (b0 === 0xf4 && b1 >= 0x90) ? 0 : 4;
  }
  return 0;
}
