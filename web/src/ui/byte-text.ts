/**
 * Bytes as text for people: hex, the hex view's ASCII column, escaped strings
 * (C / JavaScript style), base64. Pure; used by the hex view, copy and summaries.
 */
import { toBase64 } from "../decode/base64.js";

const HEX = "0123456789abcdef";

/** Two lower-case hex digits. */
export function byteHex(b: number): string {
  return (HEX[(b >> 4) & 15] ?? "0") + (HEX[b & 15] ?? "0");
}

/** Hex digits separated by spaces ("0a 05 75"). */
export function spacedHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += (i > 0 ? " " : "") + byteHex(bytes[i] ?? 0);
  return s;
}

/** The ASCII column's character for a byte: printable ASCII as itself, anything else ".". */
export function asciiChar(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
}

/** True when every byte is printable ASCII, tab, CR or LF (an empty array counts). */
export function isPrintableText(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if ((b < 0x20 || b >= 0x7f) && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  }
  return true;
}

/**
 * The bytes as the inside of a double-quoted string: printable ASCII as is,
 * `\\`, `\"`, `\r`, `\n`, `\t`, `\0` and `\xNN` for the rest. Stops after `max`
 * bytes (default all) and then ends with "…".
 */
export function escapeBytes(bytes: Uint8Array, max = bytes.length): string {
  let s = "";
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0x5c) s += "\\\\";
    else if (b === 0x22) s += '\\"';
    else if (b === 0x0d) s += "\\r";
    else if (b === 0x0a) s += "\\n";
    else if (b === 0x09) s += "\\t";
    else if (b === 0x00) s += "\\0";
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += "\\x" + byteHex(b);
  }
  return n < bytes.length ? s + "…" : s;
}

/** Standard base64 with padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  return toBase64(bytes);
}

/** A size for people: "512 B", "6.1 KiB", "3.0 MiB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(1)} GiB`;
}
