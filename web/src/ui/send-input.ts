/**
 * What the user types to send on a connection, as bytes: text (UTF-8, with
 * the escapes \r \n \t \0 \\ and \xNN) or hex digits (spaces allowed).
 */
import { encodeUtf8 } from "../decode/utf8.js";
import { appendAll } from "../decode/append.js";

export type SendMode = "text" | "hex";

export type SendParse =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly error: string };

const SIMPLE: Readonly<Record<string, number>> = {
  r: 0x0d,
  n: 0x0a,
  t: 0x09,
  "0": 0x00,
  "\\": 0x5c,
};

/** The bytes of the input, or what is wrong with it. */
export function parseSendInput(mode: SendMode, input: string): SendParse {
  if (mode === "hex") {
    const digits = input.replace(/\s+/g, "");
    if (!/^([0-9a-fA-F]{2})*$/.test(digits))
      return {
        ok: false,
        error: "hex: pairs of digits 0-9 a-f (spaces allowed), such as 0a 05 68 69",
      };
    const out = new Uint8Array(digits.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
    return { ok: true, bytes: out };
  }
  const parts: number[] = [];
  let plain = "";
  const flush = (): void => {
    appendAll(parts, encodeUtf8(plain));
    plain = "";
  };
  for (let i = 0; i < input.length; i++) {
    const c = input[i] ?? "";
    if (c !== "\\") {
      plain += c;
      continue;
    }
    const next = input[i + 1];
    const simple = next === undefined ? undefined : SIMPLE[next];
    if (simple !== undefined) {
      flush();
      parts.push(simple);
      i++;
    } else if (next === "x" && /^[0-9a-fA-F]{2}$/.test(input.slice(i + 2, i + 4))) {
      flush();
      parts.push(parseInt(input.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      return { ok: false, error: `unknown escape at ${i + 1}: use \\r \\n \\t \\0 \\\\ or \\xNN` };
    }
  }
  flush();
  return { ok: true, bytes: Uint8Array.from(parts) };
}
