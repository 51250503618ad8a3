import { Gunzip } from "fflate";
import { concatBytes } from "./concat.js";

/**
 * gzip decompression with a hard cap on the output, so a payload of a few
 * kilobytes cannot make the page allocate gigabytes (a "gzip bomb").
 *
 * ```
 * member = | 1f 8b | CM=08 | FLG | MTIME(4) | XFL | OS | [extra][name][comment][hcrc] | deflate ... | CRC32 (LE) | ISIZE (LE) |
 *          0       2       3     4          8     9    10                              header end                 end-8        end-4
 * ```
 * Members may follow one another; each one's CRC32 and size are checked.
 */

/** Default cap on the decompressed size of one payload: 64 MiB. */
export const DEFAULT_MAX_DECOMPRESSED = 64 * 1024 * 1024;

/** The decompressed bytes, or why there are none and at which offset of the input (0 when unknown). */
export type GunzipResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly text: string; readonly at: number };

/** DEFLATE expands at most 1032-fold (a 258-byte match in two bits). */
const MAX_RATIO = 1032;
/** The largest piece of input handed to the inflater at once. */
const MAX_STEP = 16384;

const FLAGS_RESERVED = 0xe0;
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

/**
 * Decompresses gzip `bytes` (one or more members) into at most `maxOutput`
 * bytes (default DEFAULT_MAX_DECOMPRESSED). The input is fed to fflate's
 * streaming Gunzip in pieces no larger than the remaining budget allows to
 * expand, so a bomb stops after about `maxOutput` bytes were produced. Errors
 * (bad header, corrupt deflate data, truncation, CRC or size mismatch, too
 * large) are values: `at` is exact for headers and trailers, and for errors
 * inside deflate data the start of the input piece (at most 16 KiB) that failed.
 */
export function gunzipBounded(
  bytes: Uint8Array,
  maxOutput: number = DEFAULT_MAX_DECOMPRESSED,
): GunzipResult {
  const header = checkHeader(bytes, 0);
  if (typeof header !== "number") return header;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let overflow = false;
  let crc = ~0;
  let memberSize = 0;
  let trailerError: GunzipResult | undefined;
  const endMember = (trailerEnd: number): void => {
    trailerError ??= checkTrailer(bytes, trailerEnd, ~crc >>> 0, memberSize);
    crc = ~0;
    memberSize = 0;
  };
  const gunzip = new Gunzip((chunk) => {
    if (overflow || chunk.length === 0) return;
    total += chunk.length;
    if (total > maxOutput) {
      overflow = true;
      chunks.length = 0;
      return;
    }
    crc = updateCrc32(crc, chunk);
    memberSize += chunk.length;
    chunks.push(chunk);
  });
  gunzip.onmember = (offset) => {
    endMember(offset);
    if (trailerError === undefined) {
      const next = checkHeader(bytes, offset);
      if (typeof next !== "number") trailerError = next;
    }
  };
  let pos = 0;
  while (pos < bytes.length) {
    const step = Math.max(1, Math.min(MAX_STEP, Math.floor((maxOutput - total) / MAX_RATIO)));
    const next = Math.min(bytes.length, pos + step);
    const failure = pushPiece(gunzip, bytes.subarray(pos, next), next === bytes.length);
    if (failure !== undefined) {
      return { ok: false, text: `gzip: ${failure.text}`, at: failure.eof ? bytes.length : pos };
    }
    if (overflow) {
      return { ok: false, text: `gzip: decompressed size exceeds ${maxOutput} bytes`, at: pos };
    }
    if (trailerError !== undefined) return trailerError;
    pos = next;
  }
  endMember(bytes.length);
  if (trailerError !== undefined) return trailerError;
  return {
    ok: true,
    bytes: chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(chunks),
  };
}

/**
 * The one place fflate's throw becomes a value: pushes a piece and returns
 * undefined, or the error's text and whether it means the input ended early.
 */
function pushPiece(
  gunzip: Gunzip,
  piece: Uint8Array,
  final: boolean,
): { text: string; eof: boolean } | undefined {
  try {
    gunzip.push(piece, final);
    return undefined;
  } catch (error: unknown) {
    const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
    const text = error instanceof Error ? error.message : String(error);
    // fflate's FlateErrorCode.UnexpectedEOF is 0.
    return code === 0 ? { text: `truncated (${text})`, eof: true } : { text, eof: false };
  }
}

/** Checks the member header at `at`: the offset where its deflate data starts, or the failure. */
function checkHeader(bytes: Uint8Array, at: number): number | GunzipResult {
  const fail = (text: string, where: number): GunzipResult => ({
    ok: false,
    text: `gzip: ${text}`,
    at: where,
  });
  const truncated = fail("the input ends inside the header", bytes.length);
  const has = (k: number): boolean => at + k < bytes.length;
  if (has(0) && bytes[at] !== 0x1f) return fail("not gzip data (magic 1f 8b)", at);
  if (has(1) && bytes[at + 1] !== 0x8b) return fail("not gzip data (magic 1f 8b)", at + 1);
  if (has(2) && bytes[at + 2] !== 8) {
    return fail(`compression method ${bytes[at + 2]} is not deflate (8)`, at + 2);
  }
  const flags = bytes[at + 3] ?? 0;
  if (has(3) && (flags & FLAGS_RESERVED) !== 0) {
    return fail(`reserved flag bits set (${flags})`, at + 3);
  }
  if (!has(9)) return truncated;
  let p = at + 10;
  if ((flags & FEXTRA) !== 0) {
    if (p + 2 > bytes.length) return truncated;
    p += 2 + ((bytes[p] ?? 0) | ((bytes[p + 1] ?? 0) << 8));
    if (p > bytes.length) return truncated;
  }
  for (const bit of [FNAME, FCOMMENT]) {
    if ((flags & bit) === 0) continue;
    while (p < bytes.length && bytes[p] !== 0) p++;
    if (p >= bytes.length) return truncated;
    p++;
  }
  if ((flags & FHCRC) !== 0) {
    if (p + 2 > bytes.length) return truncated;
    const want = (bytes[p] ?? 0) | ((bytes[p + 1] ?? 0) << 8);
    const got = (~updateCrc32(~0, bytes.subarray(at, p)) >>> 0) & 0xffff;
    if (want !== got) return fail("header CRC mismatch", p);
    p += 2;
  }
  return p;
}

/** Checks the CRC32 and ISIZE of the member whose trailer ends at `end`. */
function checkTrailer(
  bytes: Uint8Array,
  end: number,
  crc: number,
  size: number,
): GunzipResult | undefined {
  const at = end - 8;
  if (at < 0)
    return { ok: false, text: "gzip: the input ends inside the trailer", at: bytes.length };
  const read32 = (p: number): number =>
    ((bytes[p] ?? 0) |
      ((bytes[p + 1] ?? 0) << 8) |
      ((bytes[p + 2] ?? 0) << 16) |
      ((bytes[p + 3] ?? 0) << 24)) >>>
    0;
  if (read32(at) !== crc || read32(at + 4) !== size % 0x100000000) {
    return { ok: false, text: "gzip: CRC32 or size mismatch (corrupt or truncated trailer)", at };
  }
  return undefined;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** Feeds bytes to a running CRC-32 (IEEE); start with ~0 and finish with ~crc >>> 0. */
function updateCrc32(crc: number, bytes: Uint8Array): number {
  let c = crc;
  for (let i = 0; i < bytes.length; i++)
    c = (CRC_TABLE[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return c;
}
