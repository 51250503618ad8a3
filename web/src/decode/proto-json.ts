import type { Type } from "protobufjs";
import { toBase64 } from "./base64.js";
import { fieldDecoded } from "./field-decode.js";
import type { DecodedMessage, FieldNode, FieldValue } from "./proto-tree.js";
import { makeIssue, type Issue } from "./issue.js";
import {
  isWellKnown,
  mayHoldCheckedValue,
  wellKnownJson,
  wellKnownProblem,
  wellKnownSpan,
  type JsonHooks,
} from "./proto-json-wkt.js";
import {
  childInfo,
  getTypeInfo,
  K_BOOL,
  K_BYTES,
  K_ENUM,
  K_FIXED64,
  K_FLOAT,
  K_GROUP,
  K_INT64,
  K_MAP,
  K_MESSAGE,
  K_SFIXED64,
  K_SINT64,
  K_STRING,
  K_UINT64,
  lookupField,
  type FieldInfo,
  type TypeInfo,
} from "./schema-walk-info.js";
import { readUtf8Lossy } from "./schema-walk-values.js";

/** A JSON value as JSON.parse returns it. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A walked message in the proto3 canonical JSON mapping, as protobuf-java's
 * JsonFormat prints it with default options: lowerCamelCase JSON names, 64-bit
 * integers as decimal strings, bytes as padded base64, enums by name (unknown
 * values as numbers), NaN/Infinity as strings, proto3 fields at their default
 * omitted unless they have presence, repeated occurrences concatenated, maps as
 * objects (last entry wins), the last singular scalar winning, repeated
 * singular messages merged, the last oneof member winning, well-known types in
 * their special forms, unknown fields left out. Bytes the walk could not decode
 * are left out, except invalid UTF-8 strings (printed with U+FFFD). A Timestamp
 * or Duration whose value has no JSON form (the official runtimes refuse it) is
 * printed as its fields, with an INVALID_WELL_KNOWN_VALUE issue in `issues`.
 */
export function messageToJson(message: DecodedMessage, type: Type, issues?: Issue[]): JsonValue {
  const outer = notes;
  notes = issues;
  try {
    return messageJson(message.fields, getTypeInfo(type), 0);
  } finally {
    notes = outer;
  }
}

/**
 * The issues of values in `message` that have no canonical JSON form (see
 * messageToJson), without keeping the JSON; no work for types that cannot hold one.
 */
export function jsonIssues(message: DecodedMessage, type: Type): Issue[] {
  const issues: Issue[] = [];
  if (mayHoldCheckedValue(getTypeInfo(type))) messageToJson(message, type, issues);
  return issues;
}

/**
 * Where messageToJson puts the issues of values the canonical form cannot
 * show (a Timestamp out of range): set for the length of one synchronous call.
 */
let notes: Issue[] | undefined;

/** A message's JSON from its field nodes (occurrences in wire order). */
function messageJson(nodes: readonly FieldNode[], info: TypeInfo, depth: number): JsonValue {
  const fields = collect(nodes, info);
  if (isWellKnown(info)) {
    const special = wellKnownJson(info, fields, hooks(depth));
    if (special !== undefined) return special;
    const why = notes === undefined ? undefined : wellKnownProblem(info, fields);
    const span = why === undefined ? undefined : wellKnownSpan(fields);
    if (why !== undefined && span !== undefined)
      notes?.push(makeIssue("INVALID_WELL_KNOWN_VALUE", why, span, false));
  }
  const out: { [key: string]: JsonValue } = {};
  for (const f of info.fields) {
    const occurrences = fields.get(f.number);
    if (occurrences === undefined) continue;
    const value = fieldJson(f, occurrences, depth);
    if (value !== undefined) setKey(out, f.jsonName, value);
  }
  return out;
}

function hooks(depth: number): JsonHooks {
  return {
    depth,
    field: (f, occurrences) => fieldJson(f, occurrences, depth),
    message: (nodes, info) => messageJson(nodes, info, depth + 1),
    scalar: scalarJson,
    defaultValue: (f) => defaultJson(f, depth),
  };
}

/**
 * The known fields' occurrences by number, as a parser sees them: a oneof
 * member clears the other members, and a closed (proto2) enum's unknown value
 * is an unknown field.
 */
function collect(nodes: readonly FieldNode[], info: TypeInfo): Map<number, FieldNode[]> {
  const out = new Map<number, FieldNode[]>();
  let oneofs: Map<string, number> | undefined;
  for (const node of nodes) {
    if (node.facts.type === "unknown") continue;
    const f = lookupField(info, node.number);
    if (f === undefined || (f.closedEnum && unknownEnum(fieldDecoded(node)))) continue;
    if (f.oneof !== undefined) {
      oneofs ??= new Map();
      const current = oneofs.get(f.oneof);
      if (current !== undefined && current !== f.number) out.delete(current);
      oneofs.set(f.oneof, f.number);
    }
    const list = out.get(node.number);
    if (list === undefined) out.set(node.number, [node]);
    else list.push(node);
  }
  return out;
}

function unknownEnum(v: FieldValue): boolean {
  return v.kind === "enum" && v.name === undefined;
}

/** One field's JSON from its occurrences, or undefined when it is not printed. */
function fieldJson(
  f: FieldInfo,
  occurrences: readonly FieldNode[],
  depth: number,
): JsonValue | undefined {
  if (f.kind === K_MAP) return mapJson(f, occurrences, depth);
  const isMessage = f.kind === K_MESSAGE || f.kind === K_GROUP;
  if (f.repeated) {
    const out: JsonValue[] = [];
    for (const node of occurrences) {
      const d = fieldDecoded(node);
      if (d.kind === "packed") {
        for (const e of d.elements) {
          const v = fieldDecoded(e);
          if (!(f.closedEnum && unknownEnum(v))) out.push(scalarJson(f, v));
        }
      } else if (isMessage) {
        if (d.kind === "message") out.push(messageJson(d.fields, childOf(f), depth + 1));
      } else if (d.kind !== "raw" || f.kind === K_STRING) {
        out.push(scalarJson(f, d));
      }
    }
    return out.length > 0 ? out : undefined;
  }
  if (isMessage) {
    // A singular message that occurs more than once is merged, as parsers do.
    const merged: FieldNode[] = [];
    let seen = false;
    for (const node of occurrences) {
      const d = fieldDecoded(node);
      if (d.kind !== "message") continue;
      seen = true;
      for (const child of d.fields) merged.push(child);
    }
    return seen ? messageJson(merged, childOf(f), depth + 1) : undefined;
  }
  let last: FieldValue | undefined;
  for (const node of occurrences) {
    const d = fieldDecoded(node);
    if (d.kind !== "raw" || f.kind === K_STRING) last = d;
  }
  if (last === undefined || (!f.presence && isDefault(last))) return undefined;
  return scalarJson(f, last);
}

/** A map field: an object keyed by the entries' keys as strings; the last entry for a key wins. */
function mapJson(
  f: FieldInfo,
  entries: readonly FieldNode[],
  depth: number,
): JsonValue | undefined {
  const entry = f.entry;
  const keyField = entry?.fields[0];
  const valueField = entry?.fields[1];
  if (entry === undefined || keyField === undefined || valueField === undefined) return undefined;
  const out: { [key: string]: JsonValue } = {};
  let any = false;
  for (const node of entries) {
    const d = fieldDecoded(node);
    if (d.kind !== "message") continue;
    const children = d.fields;
    // A closed enum's unknown value makes the whole entry an unknown field (as parsers do).
    if (
      valueField.closedEnum &&
      children.some((c) => c.number === 2 && unknownEnum(fieldDecoded(c)))
    )
      continue;
    const fields = collect(children, entry);
    const keys = fields.get(1);
    const values = fields.get(2);
    const keyNode = keys?.[keys.length - 1];
    const lastKey = keyNode === undefined ? undefined : fieldDecoded(keyNode);
    const key =
      lastKey === undefined ? defaultJson(keyField, depth) : scalarJson(keyField, lastKey);
    const value =
      values === undefined
        ? defaultJson(valueField, depth + 1)
        : fieldJson(valueField, values, depth + 1);
    if (value === undefined) continue;
    setKey(out, String(key), value);
    any = true;
  }
  return any ? out : undefined;
}

function childOf(f: FieldInfo): TypeInfo {
  const info = childInfo(f);
  if (info === undefined) throw new Error(`field ${f.name} has no message type`);
  return info;
}

/** The JSON of one scalar (or enum) value of field f. */
function scalarJson(f: FieldInfo, v: FieldValue): JsonValue {
  switch (v.kind) {
    case "int":
      return typeof v.value === "bigint" ? v.value.toString() : v.value;
    case "float":
      return f.kind === K_FLOAT ? floatJson(v.value) : doubleJson(v.value);
    case "bool":
    case "string":
      return v.value;
    case "bytes":
      return toBase64(v.value);
    case "enum":
      if (f.enumName === "google.protobuf.NullValue") return null;
      return v.name ?? v.value;
    case "raw":
      return f.kind === K_STRING ? readUtf8Lossy(v.value, 0, v.value.length) : toBase64(v.value);
    case "message":
    case "packed":
      throw new Error(`field ${f.name}: not a scalar value`);
  }
}

/** The JSON of a field's default value (a map entry without key or value, an empty wrapper). */
function defaultJson(f: FieldInfo, depth: number): JsonValue {
  switch (f.kind) {
    case K_INT64:
    case K_UINT64:
    case K_SINT64:
    case K_FIXED64:
    case K_SFIXED64:
      return "0";
    case K_BOOL:
      return false;
    case K_STRING:
    case K_BYTES:
      return "";
    case K_ENUM:
      if (f.enumName === "google.protobuf.NullValue") return null;
      return f.enumValues?.[0] ?? 0;
    case K_MESSAGE:
    case K_GROUP:
      return messageJson([], childOf(f), depth);
    default:
      return 0;
  }
}

function isDefault(v: FieldValue): boolean {
  switch (v.kind) {
    case "int":
      return v.value === 0 || v.value === 0n;
    case "float":
      return Object.is(v.value, 0);
    case "bool":
      return !v.value;
    case "string":
      return v.value === "";
    case "bytes":
    case "raw":
      return v.value.length === 0;
    case "enum":
      return v.value === 0;
    default:
      return false;
  }
}

/** A double: NaN and the infinities are strings. */
function doubleJson(x: number): JsonValue {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  return x;
}

/** A float: the shortest decimal that reads back as the same float (0.1f prints 0.1, as Java and C++ do). */
export function floatJson(x: number): JsonValue {
  if (!Number.isFinite(x) || x === 0) return doubleJson(x);
  for (let digits = 1; digits < 10; digits++) {
    const y = Number(x.toPrecision(digits));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** Sets a key, also when it is "__proto__" (which plain assignment would treat as the prototype). */
function setKey(obj: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else obj[key] = value;
}
