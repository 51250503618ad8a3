/**
 * HTTP/1 head syntax (RFC 9112): the start line, field lines, and the two
 * fields that decide a body's length. Pure byte checks and a tiny Latin-1
 * decoder; no TextDecoder.
 */

const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/** What a start line says. `method` is "" for responses, `status` 0 for requests. */
export interface StartLine {
  readonly isRequest: boolean;
  readonly method: string;
  readonly status: number;
  /** The whole line, without its line ending. */
  readonly text: string;
}

/** The bytes [from, to) as a string, one character per byte (Latin-1: obs-text survives). */
export function latin1(bytes: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(bytes[i] ?? 0);
  return s;
}

/** RFC 9110 tchar: the bytes of a method or field name. */
export function isTokenByte(b: number): boolean {
  if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) return true;
  return "!#$%&'*+-.^_`|~".includes(String.fromCharCode(b));
}

/** True for SP or HTAB (optional whitespace). */
export function isOws(b: number | undefined): boolean {
  return b === SP || b === HT;
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** "HTTP/1.x" (8 bytes) at `at`: HTTP/1.0, HTTP/1.1 and any other 1.x minor version. */
function isVersionAt(line: Uint8Array, at: number): boolean {
  const v = "HTTP/1.";
  for (let k = 0; k < v.length; k++) if (line[at + k] !== v.charCodeAt(k)) return false;
  return isDigit(line[at + 7]);
}

/**
 * Parses a request line (`method SP target SP HTTP/1.x`) or a status line
 * (`HTTP/1.x SP 3DIGIT [SP reason]`; the reason and its SP may be missing).
 * Returns the issue text for a malformed line.
 *
 * ```
 * GET /index.html HTTP/1.1        HTTP/1.1 200 OK
 * |tok| |target | |version|       |version| |st| reason
 * ```
 */
export function parseStartLine(line: Uint8Array, len: number): StartLine | string {
  const text = latin1(line, 0, len);
  if (text.startsWith("HTTP/")) {
    if (len < 12 || !isVersionAt(line, 0) || line[8] !== SP) return "malformed status line";
    if (!isDigit(line[9]) || line[9] === 0x30 || !isDigit(line[10]) || !isDigit(line[11])) {
      return "malformed status line: the status code is not three digits";
    }
    if (len > 12 && line[12] !== SP) return "malformed status line";
    for (let i = 13; i < len; i++) {
      if (!isFieldByte(line[i] ?? 0)) return "malformed status line: bad reason phrase";
    }
    return { isRequest: false, method: "", status: Number(text.slice(9, 12)), text };
  }
  let i = 0;
  while (i < len && isTokenByte(line[i] ?? 0)) i++;
  if (i === 0 || line[i] !== SP) return "malformed request line: bad method";
  const method = text.slice(0, i);
  const targetStart = ++i;
  while (i < len && line[i] !== SP) {
    const b = line[i] ?? 0;
    if (b <= SP || b === 0x7f) return "malformed request line: bad request target";
    i++;
  }
  if (i === targetStart || i !== len - 9 || !isVersionAt(line, i + 1)) {
    return "malformed request line: expected method SP target SP HTTP/1.x";
  }
  return { isRequest: true, method, status: 0, text };
}

/** Bytes allowed in a field value or reason phrase: HTAB, SP, VCHAR, obs-text. */
export function isFieldByte(b: number): boolean {
  return b === HT || (b >= SP && b !== 0x7f);
}

/** The index of the colon after a field name (1*tchar), or -1 when the line is no field line. */
export function fieldColon(line: Uint8Array, len: number): number {
  let i = 0;
  while (i < len && isTokenByte(line[i] ?? 0)) i++;
  return i > 0 && i < len && line[i] === COLON ? i : -1;
}

/** True when line[0, nameEnd) is `lower` (a lower-case ASCII name), ignoring case. */
export function nameIs(line: Uint8Array, nameEnd: number, lower: string): boolean {
  if (nameEnd !== lower.length) return false;
  for (let i = 0; i < nameEnd; i++) {
    const b = line[i] ?? 0;
    if ((b >= 0x41 && b <= 0x5a ? b + 32 : b) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** line[from, to) with optional whitespace trimmed from both ends, as text. */
export function trimmedValue(line: Uint8Array, from: number, to: number): string {
  while (from < to && isOws(line[from])) from++;
  while (to > from && isOws(line[to - 1])) to--;
  return latin1(line, from, to);
}

/** Content-Length's value: -1 when malformed or beyond 2^53, -2 when a list holds different values. */
export function contentLengthOf(value: string): number {
  let n = -1;
  for (const raw of value.split(",")) {
    const item = raw.replace(/^[ \t]+|[ \t]+$/g, "");
    if (!/^\d+$/.test(item)) return -1;
    const v = Number(item);
    if (!Number.isSafeInteger(v)) return -1;
    if (n >= 0 && v !== n) return -2;
    n = v;
  }
  return n;
}

/** What a Transfer-Encoding list says about chunked: how often it appears and whether it is last. */
export interface Codings {
  readonly chunked: number;
  readonly finalChunked: boolean;
}

/** Reads a Transfer-Encoding list ("gzip, chunked"); parameters after ";" are ignored. */
export function transferCodings(value: string): Codings {
  let chunked = 0;
  let last = "";
  for (const raw of value.split(",")) {
    const name = (raw.split(";")[0] ?? "").replace(/^[ \t]+|[ \t]+$/g, "").toLowerCase();
    if (name === "") continue; // empty list elements are allowed (RFC 9110 5.6.1)
    if (name === "chunked") chunked++;
    last = name;
  }
  return { chunked, finalChunked: last === "chunked" };
}
