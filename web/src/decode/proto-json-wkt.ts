import { toBase64 } from "./base64.js";
import { fieldDecoded } from "./field-decode.js";
import type { JsonValue } from "./proto-json.js";
import type { FieldNode, FieldValue } from "./proto-tree.js";
import type { Span } from "./span.js";
import {
  childInfo,
  getTypeInfo,
  isType,
  toJsonName,
  type FieldInfo,
  type TypeInfo,
} from "./schema-walk-info.js";
import { MAX_DEPTH, walkMessage } from "./schema-walk.js";

/**
 * The special JSON forms of the well-known types (google/protobuf/*.proto):
 * Timestamp, Duration, the wrappers, Struct/Value/ListValue, FieldMask, Empty
 * and Any. Recognised by full name, read by field number, so they work with any
 * copy of the descriptors (protobufjs's bundled ones included).
 */

/** What the well-known forms need from the generic mapping. */
export interface JsonHooks {
  /** Nesting depth of the message being printed. */
  readonly depth: number;
  /** A field's JSON from its occurrences (undefined: not printed). */
  field(f: FieldInfo, occurrences: readonly FieldNode[]): JsonValue | undefined;
  /** A nested message's JSON (one level deeper). */
  message(nodes: readonly FieldNode[], info: TypeInfo): JsonValue;
  scalar(f: FieldInfo, v: FieldValue): JsonValue;
  defaultValue(f: FieldInfo): JsonValue;
}

const WKT = "google.protobuf.";
const WRAPPERS = new Set(
  ["Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes"].map(
    (w) => `${WKT}${w}Value`,
  ),
);
/** Types that an Any shows as {"@type", "value": special form} (protobuf-java's list; Empty is not on it). */
const VALUE_IN_ANY = new Set([
  ...WRAPPERS,
  ...["Any", "Timestamp", "Duration", "FieldMask", "Struct", "Value", "ListValue"].map(
    (t) => WKT + t,
  ),
]);

const MIN_TIMESTAMP = -62135596800n; // 0001-01-01T00:00:00Z
const MAX_TIMESTAMP = 253402300799n; // 9999-12-31T23:59:59Z
const MAX_DURATION = 315576000000n; // 10000 years

/** True for the types in package google.protobuf (only they can have a special form). */
export function isWellKnown(info: TypeInfo): boolean {
  return info.fullName.startsWith(WKT);
}

/**
 * The special JSON of a well-known type, or undefined when `info` is not one
 * (or holds values outside the type's range: then the generic form is printed).
 */
export function wellKnownJson(
  info: TypeInfo,
  fields: ReadonlyMap<number, FieldNode[]>,
  hooks: JsonHooks,
): JsonValue | undefined {
  const name = info.fullName;
  if (!name.startsWith(WKT)) return undefined;
  if (WRAPPERS.has(name)) {
    const f = info.fields[0];
    if (f === undefined) return undefined;
    const last = lastValue(fields, 1);
    return last === undefined ? hooks.defaultValue(f) : hooks.scalar(f, last);
  }
  switch (name.slice(WKT.length)) {
    case "Timestamp":
      return timestampJson(lastInt(fields, 1), lastInt(fields, 2));
    case "Duration":
      return durationJson(lastInt(fields, 1), lastInt(fields, 2));
    case "Struct":
      return fieldOr(info, fields, hooks, 1, {});
    case "ListValue":
      return fieldOr(info, fields, hooks, 1, []);
    case "Value": {
      // The one kind that is set (collect kept only the last oneof member).
      for (const f of info.fields) {
        const occurrences = fields.get(f.number);
        if (occurrences !== undefined) return hooks.field(f, occurrences) ?? null;
      }
      return null;
    }
    case "FieldMask": {
      const paths: string[] = [];
      for (const node of fields.get(1) ?? []) {
        const d = fieldDecoded(node);
        if (d.kind === "string") paths.push(toJsonName(d.value));
      }
      return paths.join(",");
    }
    case "Any":
      return anyJson(info, fields, hooks);
    default:
      return undefined;
  }
}

function fieldOr(
  info: TypeInfo,
  fields: ReadonlyMap<number, FieldNode[]>,
  hooks: JsonHooks,
  number: number,
  empty: JsonValue,
): JsonValue {
  const f = info.fields.find((x) => x.number === number);
  const occurrences = fields.get(number);
  if (f === undefined || occurrences === undefined) return empty;
  return hooks.field(f, occurrences) ?? empty;
}

function lastValue(
  fields: ReadonlyMap<number, FieldNode[]>,
  number: number,
): FieldValue | undefined {
  const list = fields.get(number);
  const last = list?.[list.length - 1];
  return last === undefined ? undefined : fieldDecoded(last);
}

function lastInt(fields: ReadonlyMap<number, FieldNode[]>, number: number): bigint {
  const v = lastValue(fields, number);
  return v?.kind === "int" ? BigInt(v.value) : 0n;
}

/** Where a Timestamp's or Duration's shown value is: its last seconds and nanos fields. */
export function wellKnownSpan(fields: ReadonlyMap<number, FieldNode[]>): Span | undefined {
  const nodes = [fields.get(1)?.at(-1), fields.get(2)?.at(-1)].filter((n) => n !== undefined);
  if (nodes.length === 0) return undefined;
  return [Math.min(...nodes.map((n) => n.start)), Math.max(...nodes.map((n) => n.end))];
}

const CHECKED_TYPES = new Set(["Timestamp", "Duration"].map((t) => WKT + t));
const mayHold = new WeakMap<TypeInfo, boolean>();

/**
 * Whether a message of this type can hold a value wellKnownProblem refuses: a
 * Timestamp or Duration in a field, deeper down, in a map's values, or packed
 * in an Any. False lets a caller skip making JSON only to look for such values.
 */
export function mayHoldCheckedValue(info: TypeInfo): boolean {
  const known = mayHold.get(info);
  if (known !== undefined) return known;
  // Every type reachable from this one, each looked at once (types may be recursive).
  const seen = new Set<TypeInfo>([info]);
  const todo = [info];
  let found = false;
  for (let t = todo.pop(); t !== undefined && !found; t = todo.pop()) {
    found = CHECKED_TYPES.has(t.fullName) || t.fullName === WKT + "Any";
    for (const f of t.fields) {
      const child = childInfo(f);
      if (child !== undefined && !seen.has(child)) {
        seen.add(child);
        todo.push(child);
      }
    }
  }
  mayHold.set(info, found);
  return found;
}

/**
 * Why a Timestamp or Duration holds a value its JSON form cannot show (out of
 * range, nanos of the wrong sign), or undefined when it can (or `info` is
 * another type). The official runtimes refuse to print such a value.
 */
export function wellKnownProblem(
  info: TypeInfo,
  fields: ReadonlyMap<number, FieldNode[]>,
): string | undefined {
  const name = info.fullName.slice(WKT.length);
  if (!info.fullName.startsWith(WKT) || (name !== "Timestamp" && name !== "Duration"))
    return undefined;
  const seconds = lastInt(fields, 1);
  const nanos = lastInt(fields, 2);
  if (name === "Timestamp") {
    if (timestampJson(seconds, nanos) !== undefined) return undefined;
    return `Timestamp {seconds: ${seconds}, nanos: ${nanos}} is outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z (nanos 0 to 999999999): shown as its fields`;
  }
  if (durationJson(seconds, nanos) !== undefined) return undefined;
  return `Duration {seconds: ${seconds}, nanos: ${nanos}} is outside ±315576000000 s, or its nanos are out of range or of the other sign: shown as its fields`;
}

/** RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits: "1972-01-01T10:00:20.021Z". */
export function timestampJson(seconds: bigint, nanos: bigint): JsonValue | undefined {
  if (seconds < MIN_TIMESTAMP || seconds > MAX_TIMESTAMP || nanos < 0n || nanos > 999999999n)
    return undefined;
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return `${iso.slice(0, 19)}${fraction(Number(nanos))}Z`;
}

/** Seconds with 0, 3, 6 or 9 fraction digits and an "s": "1.000340012s", "-0.500s". */
export function durationJson(seconds: bigint, nanos: bigint): JsonValue | undefined {
  if (seconds < -MAX_DURATION || seconds > MAX_DURATION) return undefined;
  if (nanos <= -1000000000n || nanos >= 1000000000n) return undefined;
  if ((seconds > 0n && nanos < 0n) || (seconds < 0n && nanos > 0n)) return undefined;
  const negative = seconds < 0n || nanos < 0n;
  const s = negative ? -seconds : seconds;
  const n = Number(negative ? -nanos : nanos);
  return `${negative ? "-" : ""}${s}${fraction(n)}s`;
}

function fraction(nanos: number): string {
  if (nanos === 0) return "";
  if (nanos % 1000000 === 0) return "." + String(nanos / 1000000).padStart(3, "0");
  if (nanos % 1000 === 0) return "." + String(nanos / 1000).padStart(6, "0");
  return "." + String(nanos).padStart(9, "0");
}

/**
 * {"@type": url, ...fields of the packed message} when the Root knows the
 * type (its special form under "value" for well-known types), else
 * {"@type": url, "value": base64 of the packed bytes}.
 */
function anyJson(
  info: TypeInfo,
  fields: ReadonlyMap<number, FieldNode[]>,
  hooks: JsonHooks,
): JsonValue {
  const urlValue = lastValue(fields, 1);
  const valueNode = fields.get(2)?.at(-1);
  const bytesValue = valueNode === undefined ? undefined : fieldDecoded(valueNode);
  const url = urlValue?.kind === "string" ? urlValue.value : "";
  const bytes = bytesValue?.kind === "bytes" ? bytesValue.value : new Uint8Array(0);
  if (url === "" && bytes.length === 0) return {};
  const found =
    info.type === undefined || hooks.depth >= MAX_DEPTH
      ? null
      : info.type.root.lookup("." + url.slice(url.lastIndexOf("/") + 1));
  if (url === "" || !isType(found)) return { "@type": url, value: toBase64(bytes) };
  const packedInfo = getTypeInfo(found);
  // Walked where its bytes are, so what is found in it has stream offsets.
  const packed = walkMessage(found, bytes, valueNode?.valueStart ?? 0);
  const inner = hooks.message(packed.fields, packedInfo);
  if (VALUE_IN_ANY.has(packedInfo.fullName)) return { "@type": url, value: inner };
  const out: { [key: string]: JsonValue } = { "@type": url };
  if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) {
    for (const [k, v] of Object.entries(inner)) {
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out;
}
