/**
 * A number typed into a form field: the field keeps the text as typed (empty
 * while the user retypes it) and the number applies only once it is valid.
 */

/** The whole number in a field's text, or what the field takes. */
export type NumberField =
  { readonly ok: true; readonly value: number } | { readonly ok: false; readonly error: string };

/** Reads `text` as a whole number from `min` to `max` (inclusive); surrounding spaces are ignored. */
export function readWholeNumber(text: string, min: number, max: number): NumberField {
  const t = text.trim();
  const n = /^-?\d+$/.test(t) ? Number(t) : NaN;
  return Number.isSafeInteger(n) && n >= min && n <= max
    ? { ok: true, value: n }
    : { ok: false, error: `a whole number from ${min} to ${max}` };
}
