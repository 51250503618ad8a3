/**
 * The frame list's one-line summary of a frame: the message type and its first
 * fields (`CommandRequest hset {table: "users", pair: {key: "alice", …}}`), a
 * schemaless message by field number (`1: {1: "users", 2: …}`), an HTTP/1
 * start line, or a preview of the payload as text or hex. Pure; the decode
 * worker calls it once per frame.
 */
import type { Frame } from "../decode/frame.js";
import { fieldDecoded } from "../decode/field-decode.js";
import type { DecodedMessage, FieldNode, FieldValue } from "../decode/proto-tree.js";
import { escapeBytes, isPrintableText, spacedHex } from "./byte-text.js";

/** Longest summary in characters; longer ones end with "…". */
export const SUMMARY_MAX = 120;
/** Longest string value shown inside a summary. */
const STRING_MAX = 40;
/** Bytes of a bytes value (or a payload preview) shown as hex. */
const HEX_MAX = 8;

/** The summary of one frame: `message` when the payload was decoded, else from `payload`. */
export function summarizeFrame(
  frame: Frame,
  payload: Uint8Array | undefined,
  message: DecodedMessage | undefined,
): string {
  if (payload === undefined)
    return `${frame.payloadEnd - frame.payloadStart} bytes (too large to keep)`;
  const info = frame.info;
  let lead = "";
  if (info?.kind === "http1") lead = info.startLine;
  else if (info?.kind === "grpc" && info.trailer) lead = "trailers";
  const stop = message?.issues.find((i) => i.fatal);
  if (message !== undefined && stop !== undefined && message.fields.every((f) => f.number === 0)) {
    // Nothing decoded (a payload kept whole has number 0): say why, and show the bytes.
    const type = message.typeName === undefined ? "" : shortName(message.typeName) + " ";
    return clip(
      `${lead === "" ? "" : lead + " "}${type}not decoded (${stop.code}): ${payloadPreview(payload)}`,
    );
  }
  if (message !== undefined && message.fields.length + message.issues.length > 0) {
    const type = message.typeName === undefined ? "" : shortName(message.typeName) + " ";
    const body = fieldsText(message.fields, message.typeName !== undefined, SUMMARY_MAX);
    return clip((lead === "" ? "" : lead + " ") + type + body);
  }
  if (lead !== "") return clip(payload.length > 0 ? `${lead} (${payload.length} B body)` : lead);
  if (message !== undefined)
    return clip(message.typeName === undefined ? "(empty)" : `${shortName(message.typeName)} {}`);
  return clip(payloadPreview(payload));
}

/** A payload as `"text"` when it is printable, else its first bytes in hex. */
export function payloadPreview(payload: Uint8Array): string {
  if (payload.length === 0) return "(empty)";
  if (isPrintableText(payload)) return `"${escapeBytes(payload, SUMMARY_MAX)}"`;
  const hex = spacedHex(payload.subarray(0, HEX_MAX * 2));
  return payload.length > HEX_MAX * 2 ? `${hex} … (${payload.length} B)` : hex;
}

/** "abi.CommandRequest" -> "CommandRequest". */
export function shortName(typeName: string): string {
  return typeName.slice(typeName.lastIndexOf(".") + 1);
}

function clip(s: string): string {
  return s.length > SUMMARY_MAX ? s.slice(0, SUMMARY_MAX - 1) + "…" : s;
}

/**
 * Fields as `name: value, name: value` (by number without a schema); a
 * message's own first field is written without braces when it is alone at the
 * top level (`hset {…}`), which is how a oneof request reads best.
 */
function fieldsText(fields: readonly FieldNode[], named: boolean, budget: number): string {
  if (fields.length === 1 && named) {
    const only = fields[0] as FieldNode;
    const d = fieldDecoded(only);
    if (d.kind === "message") return `${label(only, named)} ${valueText(d, named, budget)}`;
  }
  return listText(fields, named, budget);
}

function listText(fields: readonly FieldNode[], named: boolean, budget: number): string {
  let out = "";
  for (const f of fields) {
    if (out.length >= budget) return out + ", …";
    const part = `${label(f, named)}: ${valueText(fieldDecoded(f), named, budget - out.length)}`;
    out += (out === "" ? "" : ", ") + part;
  }
  return out;
}

function label(f: FieldNode, named: boolean): string {
  return named && f.facts.name !== undefined ? f.facts.name : String(f.number);
}

function valueText(v: FieldValue, named: boolean, budget: number): string {
  switch (v.kind) {
    case "int":
      return typeof v.value === "bigint" ? v.value.toString() : String(v.value);
    case "float":
      return String(v.value);
    case "bool":
      return String(v.value);
    case "string":
      return JSON.stringify(
        v.value.length > STRING_MAX ? v.value.slice(0, STRING_MAX) + "…" : v.value,
      );
    case "bytes":
    case "raw":
      return bytesText(v.value);
    case "enum":
      return v.name ?? String(v.value);
    case "message":
      return budget <= 8 ? "{…}" : `{${listText(v.fields, named, budget - 2)}}`;
    case "packed":
      return `[${v.elements
        .slice(0, 8)
        .map((e) => valueText(fieldDecoded(e), named, 8))
        .join(", ")}${v.elements.length > 8 ? ", …" : ""}]`;
  }
}

function bytesText(b: Uint8Array): string {
  if (b.length === 0) return '""';
  if (isPrintableText(b)) return `"${escapeBytes(b, STRING_MAX)}"`;
  return `<${spacedHex(b.subarray(0, HEX_MAX))}${b.length > HEX_MAX ? ` … ${b.length} B` : ""}>`;
}
