/**
 * The framing form: every key of every framing kind as an editable field,
 * kept in step with the spec string both ways. The string is the truth;
 * parseFramingSpec checks it and its error text is what the user sees.
 */
import {
  formatFramingSpec,
  parseFramingSpec,
  type FramingKind,
  type FramingSpec,
} from "../decode/spec.js";

export interface FormField {
  readonly key: string;
  readonly label: string;
  /** What the key does, in the words of the library it mirrors. */
  readonly help: string;
  readonly input: "number" | "hex" | "select";
  readonly options?: readonly string[];
}

const offset: FormField = {
  key: "offset",
  label: "offset",
  help: "length_field_offset: bytes before the length field",
  input: "number",
};
const max: FormField = {
  key: "max",
  label: "max",
  help: "largest frame accepted, in bytes",
  input: "number",
};
const endian: FormField = {
  key: "endian",
  label: "endian",
  help: "byte order of the length field",
  input: "select",
  options: ["be", "le"],
};
const adjust: FormField = {
  key: "adjust",
  label: "adjust",
  help: "length_adjustment: added to the field's value to get the bytes that follow",
  input: "number",
};

/** The fields of each framing kind, in spec-string order. */
export const FORM_FIELDS: Readonly<Record<FramingKind, readonly FormField[]>> = {
  length: [
    offset,
    { key: "size", label: "size", help: "length_field_length: 1 to 8 bytes", input: "number" },
    adjust,
    {
      key: "skip",
      label: "skip",
      help: "num_skip: bytes dropped from the frame's start (default offset + size)",
      input: "number",
    },
    endian,
    max,
    {
      key: "mask",
      label: "mask",
      help: "bits of the field that hold the length (hex); the other bits are flags",
      input: "hex",
    },
    {
      key: "gzip",
      label: "gzip",
      help: "flag bits that mark a gzip-compressed payload (hex)",
      input: "hex",
    },
  ],
  netty: [
    offset,
    { key: "size", label: "size", help: "lengthFieldLength: 1, 2, 3, 4 or 8", input: "number" },
    adjust,
    { key: "strip", label: "strip", help: "initialBytesToStrip", input: "number" },
    endian,
    { ...max, help: "maxFrameLength (the whole frame)" },
    {
      key: "failfast",
      label: "failfast",
      help: "fail as soon as the length is too large",
      input: "select",
      options: ["1", "0"],
    },
  ],
  fixed: [{ key: "size", label: "size", help: "bytes in every frame (required)", input: "number" }],
  varint: [{ ...offset, help: "bytes before the varint (kept in the head)" }, max],
  grpc: [{ ...max, help: "largest message, in bytes" }],
  delim: [
    {
      key: "sep",
      label: "sep",
      help: "the delimiter in hex (0d0a for \\r\\n, 0a for lines); required",
      input: "hex",
    },
    max,
  ],
  resp: [{ ...max, help: "longest line and largest blob or count" }],
  http1: [{ ...max, help: "longest head and chunk-size line" }],
};

export const FRAMING_KINDS = Object.keys(FORM_FIELDS) as FramingKind[];

/** A spec string split into its kind and raw key values, without judging them (so invalid input stays editable). */
export function readSpecText(text: string): { kind: string; values: ReadonlyMap<string, string> } {
  const t = text.trim();
  const colon = t.indexOf(":");
  const kind = (colon < 0 ? t : t.slice(0, colon)).trim();
  const values = new Map<string, string>();
  if (colon >= 0) {
    for (const part of t.slice(colon + 1).split(",")) {
      const eq = part.indexOf("=");
      const key = (eq < 0 ? part : part.slice(0, eq)).trim();
      if (key !== "") values.set(key, eq < 0 ? "" : part.slice(eq + 1).trim());
    }
  }
  return { kind, values };
}

/** The spec string of a kind and values: empty values are left out, known keys first in form order. */
export function writeSpecText(kind: string, values: ReadonlyMap<string, string>): string {
  const known = (FORM_FIELDS as Record<string, readonly FormField[] | undefined>)[kind] ?? [];
  const order = [
    ...known.map((f) => f.key),
    ...[...values.keys()].filter((k) => !known.some((f) => f.key === k)),
  ];
  const parts = order
    .filter((k) => (values.get(k) ?? "") !== "")
    .map((k) => `${k}=${values.get(k) ?? ""}`);
  return parts.length === 0 ? kind : `${kind}:${parts.join(",")}`;
}

/** The spec string with one key set (an empty value removes it). */
export function setSpecValue(text: string, key: string, value: string): string {
  const { kind, values } = readSpecText(text);
  const next = new Map(values);
  if (value.trim() === "") next.delete(key);
  else next.set(key, value.trim());
  return writeSpecText(kind, next);
}

/** The spec string for another kind: keys the new kind also has are kept. */
export function setSpecKind(text: string, kind: FramingKind): string {
  const { values } = readSpecText(text);
  const keep = new Map([...values].filter(([k]) => FORM_FIELDS[kind].some((f) => f.key === k)));
  if (kind === "fixed" && !keep.has("size")) keep.set("size", "12");
  if (kind === "delim" && !keep.has("sep")) keep.set("sep", "0a");
  return writeSpecText(kind, keep);
}

/** What a spec string means: the parsed spec and its canonical text, or the error and the key it names. */
export type SpecCheck =
  | { readonly ok: true; readonly spec: FramingSpec; readonly canonical: string }
  | { readonly ok: false; readonly error: string; readonly key: string | undefined };

export function checkSpecText(text: string): SpecCheck {
  const parsed = parseFramingSpec(text);
  if (parsed.ok) return { ok: true, spec: parsed.spec, canonical: formatFramingSpec(parsed.spec) };
  const key = /(?:^\w+: |key ")(\w+)[="]/.exec(parsed.error)?.[1];
  return { ok: false, error: parsed.error, key };
}

/** The value a key takes when it is left out, for the form's placeholders ("" when there is none). */
export function defaultValue(spec: FramingSpec | undefined, kind: string, key: string): string {
  const base = spec?.kind === kind ? spec : defaultsOf(kind);
  if (base === undefined) return "";
  const v = (base as unknown as Record<string, unknown>)[key];
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "1" : "0";
  if (typeof v === "string") return v;
  return "";
}

function defaultsOf(kind: string): FramingSpec | undefined {
  const parsed = parseFramingSpec(kind);
  return parsed.ok ? parsed.spec : undefined;
}
