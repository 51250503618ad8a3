/**
 * The field tree as rows: a depth-first list of the fields that are visible
 * (their parents open), and each field's label, wire type and value as text.
 */
import {
  fieldAlternatives,
  fieldDecoded,
  fieldFloat,
  fieldZigzag,
} from "../decode/field-decode.js";
import type { FieldNode, FieldValue } from "../decode/proto-tree.js";
import { escapeBytes, isPrintableText, spacedHex } from "./byte-text.js";
import { childrenOf } from "./field-path.js";

/** Levels open by default; deeper ones open on demand. */
export const DEFAULT_OPEN_DEPTH = 3;
/** Longest value text in characters. */
const VALUE_MAX = 160;

export interface FieldRow {
  readonly path: readonly number[];
  /** The path joined with dots: a stable key for React and for the open state. */
  readonly key: string;
  readonly depth: number;
  readonly node: FieldNode;
  readonly hasChildren: boolean;
  readonly open: boolean;
  /** An element of a packed field (it has no tag of its own). */
  readonly packedElement: boolean;
}

/**
 * The visible rows: every top-level field, and the children of each open
 * field. `opened` overrides the default (open above DEFAULT_OPEN_DEPTH).
 */
export function flattenFields(
  fields: readonly FieldNode[],
  opened: ReadonlyMap<string, boolean>,
): FieldRow[] {
  const out: FieldRow[] = [];
  const visit = (level: readonly FieldNode[], prefix: readonly number[], packed = false): void => {
    level.forEach((node, i) => {
      const path = [...prefix, i];
      const key = path.join(".");
      const kids = childrenOf(node);
      const open = kids.length > 0 && (opened.get(key) ?? path.length <= DEFAULT_OPEN_DEPTH);
      out.push({
        path,
        key,
        depth: path.length - 1,
        node,
        hasChildren: kids.length > 0,
        open,
        packedElement: packed,
      });
      if (open) visit(kids, path, fieldDecoded(node).kind === "packed");
    });
  };
  visit(fields, []);
  return out;
}

const WIRE = ["VARINT", "I64", "LEN", "SGROUP", "EGROUP", "I32"];

/** The wire type's name ("LEN"). */
export function wireTypeName(wireType: number): string {
  return WIRE[wireType] ?? String(wireType);
}

/** The field's name, "#number" for a field the schema does not know, "[i]" for a packed element. */
export function fieldLabel(row: FieldRow): string {
  if (row.packedElement) return `[${row.path[row.path.length - 1] ?? 0}]`;
  return row.node.facts.name ?? `#${row.node.number}`;
}

/** Number, wire type and type, and the oneof a field is a member of: "#4 LEN abi.Hset · oneof command". */
export function fieldMetaText(row: FieldRow): string {
  const n = row.node;
  // Number 0 is no field: a payload kept whole (one that does not decompress).
  if (n.number === 0) return n.facts.type;
  const oneof = n.facts.oneof === undefined ? "" : ` · oneof ${n.facts.oneof}`;
  return `${row.packedElement ? "" : `#${n.number} `}${wireTypeName(n.wireType)} ${n.facts.type}${oneof}`;
}

/** The decoded value as one line; a map entry reads "key → value". */
export function fieldValueText(node: FieldNode): string {
  const value = fieldDecoded(node);
  const text =
    node.facts.mapEntry && value.kind === "message" ? entryText(value.fields) : undefined;
  const line = text ?? valueText(value, node);
  return line.length > VALUE_MAX ? line.slice(0, VALUE_MAX - 1) + "…" : line;
}

/** A map entry's key and value (fields 1 and 2; a missing one has its type's default and reads "(unset)"). */
function entryText(fields: readonly FieldNode[]): string | undefined {
  let key = "(unset)";
  let value = "(unset)";
  for (const f of fields) {
    if (f.number === 1) key = valueText(fieldDecoded(f), f);
    else if (f.number === 2) value = valueText(fieldDecoded(f), f);
    else return undefined;
  }
  return `${key} → ${value}`;
}

function valueText(v: FieldValue, node: FieldNode): string {
  switch (v.kind) {
    case "int": {
      const plain = typeof v.value === "bigint" ? v.value.toString() : String(v.value);
      const zigzag = fieldZigzag(node);
      return zigzag === undefined || zigzag === v.value ? plain : `${plain} (zigzag ${zigzag})`;
    }
    case "float":
      return String(v.value);
    case "bool":
      return String(v.value);
    case "string":
      return JSON.stringify(v.value.length > VALUE_MAX ? v.value.slice(0, VALUE_MAX) : v.value);
    case "bytes":
    case "raw": {
      const shown = v.value.length <= 24 && isPrintableText(v.value) && v.value.length > 0;
      const body = shown
        ? `"${escapeBytes(v.value)}"`
        : spacedHex(v.value.subarray(0, 24)) + (v.value.length > 24 ? " …" : "");
      return `${v.kind === "raw" ? "raw " : ""}${body} (${v.value.length} B)`;
    }
    case "enum":
      return v.name === undefined ? String(v.value) : `${v.name} (${v.value})`;
    case "message":
      return `{${v.fields.length} field${v.fields.length === 1 ? "" : "s"}}`;
    case "packed":
      return `[${v.elements.length} packed]`;
  }
}

/** Schemaless only: what the walk read a LEN field as, and the other readings ("string; also bytes, message"). */
export function readingText(node: FieldNode): string | undefined {
  const reading = node.facts.reading;
  if (reading === undefined) {
    const float = fieldFloat(node);
    return float === undefined ? undefined : `as float: ${float}`;
  }
  const alts = fieldAlternatives(node) ?? [];
  return alts.length === 0
    ? `read as ${reading}`
    : `read as ${reading}; could be ${alts.join(", ")}`;
}
