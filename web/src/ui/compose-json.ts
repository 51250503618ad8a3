/**
 * A protobuf message written as JSON, checked field by field against its type
 * and encoded with protobufjs: every problem names the field path it is at
 * ("hget.table: a string is expected"), so the composer can show them all.
 */
import protobuf from "protobufjs";
import { isIntegerKind, readInteger, toLongBits } from "./compose-int.js";

/** One problem in the JSON, at a dotted field path ("" for the whole message). */
export interface JsonFieldError {
  readonly path: string;
  readonly text: string;
}

export type JsonEncodeResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly errors: readonly JsonFieldError[] };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: Json): v is { [key: string]: Json } =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const join = (path: string, name: string): string => (path === "" ? name : `${path}.${name}`);

/** What is wrong with one scalar or enum value of type `t`, or undefined when it fits. */
function checkScalar(
  t: string,
  resolved: protobuf.ReflectionObject | null | undefined,
  value: Json,
): string | undefined {
  if (resolved instanceof protobuf.Enum) {
    const e = resolved;
    if (typeof value === "string")
      return value in e.values
        ? undefined
        : `${JSON.stringify(value)} is not a value of ${e.name} (${Object.keys(e.values).join(", ")})`;
    return typeof value === "number" && readInteger("int32", value).ok
      ? undefined
      : `a name of ${e.name} or its number (an int32) is expected`;
  }
  if (isIntegerKind(t)) {
    const r = readInteger(t, value);
    return r.ok ? undefined : r.text;
  }
  switch (t) {
    case "double":
    case "float":
      return typeof value === "number" ||
        (typeof value === "string" && ["NaN", "Infinity", "-Infinity"].includes(value))
        ? undefined
        : `${t} takes a number`;
    case "bool":
      return typeof value === "boolean" ? undefined : "bool takes true or false";
    case "string":
      return typeof value === "string" ? undefined : "a string is expected";
    case "bytes":
      return typeof value === "string" && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)
        ? undefined
        : "bytes take a base64 string";
  }
  return `unsupported field type ${t}`;
}

function checkValue(field: protobuf.Field, value: Json, path: string, out: JsonFieldError[]): void {
  if (field.resolvedType instanceof protobuf.Type) {
    checkMessage(field.resolvedType, value, path, out);
    return;
  }
  const problem = checkScalar(field.type, field.resolvedType, value);
  if (problem !== undefined) out.push({ path, text: problem });
}

function checkMessage(type: protobuf.Type, value: Json, path: string, out: JsonFieldError[]): void {
  if (!isObject(value)) {
    out.push({ path, text: `an object (${type.name}) is expected` });
    return;
  }
  const oneofs = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    const at = join(path, key);
    const field = type.fields[key] ?? Object.values(type.fields).find((f) => camel(f.name) === key);
    if (field === undefined) {
      out.push({
        path: at,
        text: `${type.name} has no field ${key} (fields: ${Object.keys(type.fields).join(", ")})`,
      });
      continue;
    }
    if (v === null) continue;
    field.resolve();
    const group = field.partOf?.name;
    if (group !== undefined) {
      const other = oneofs.get(group);
      if (other !== undefined)
        out.push({ path: at, text: `${key} and ${other} are both members of oneof ${group}` });
      else oneofs.set(group, key);
    }
    if (field instanceof protobuf.MapField) {
      if (!isObject(v)) out.push({ path: at, text: "a map takes an object" });
      else
        for (const [k, item] of Object.entries(v)) {
          const key = checkMapKey(field.keyType, k);
          if (key !== undefined) out.push({ path: `${at}[${k}]`, text: `key: ${key}` });
          checkValue(field, item, `${at}[${k}]`, out);
        }
    } else if (field.repeated) {
      if (!Array.isArray(v)) out.push({ path: at, text: "a repeated field takes an array" });
      else v.forEach((item, i) => checkValue(field, item, `${at}[${i}]`, out));
    } else checkValue(field, v, at, out);
  }
}

/** What is wrong with a map key (JSON writes every key as a string), or undefined. */
function checkMapKey(keyType: string, key: string): string | undefined {
  if (keyType === "bool")
    return key === "true" || key === "false" ? undefined : "bool keys are true or false";
  return isIntegerKind(keyType) ? checkScalar(keyType, undefined, key) : undefined;
}

const camel = (name: string): string =>
  name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Parses `text` as JSON, checks it against `type` and encodes it; all problems found are returned. */
export function encodeJsonMessage(type: protobuf.Type, text: string): JsonEncodeResult {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (err) {
    return { ok: false, errors: [{ path: "", text: `not JSON: ${(err as Error).message}` }] };
  }
  const errors: JsonFieldError[] = [];
  checkMessage(type, value, "", errors);
  if (errors.length > 0) return { ok: false, errors };
  const writer = protobuf.Writer.create();
  writeMessage(type, value as { [key: string]: Json }, writer);
  return { ok: true, bytes: writer.finish() };
}

/**
 * Writes a checked message by reflection, fields in number order as protobufjs's
 * encoder does (its generated code cannot run under the page's CSP, no eval).
 */
function writeMessage(
  type: protobuf.Type,
  value: { [key: string]: Json },
  w: protobuf.Writer,
): void {
  const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
  for (const field of fields) {
    const v = value[field.name] ?? value[camel(field.name)];
    if (v === undefined || v === null) continue;
    field.resolve();
    if (field instanceof protobuf.MapField && isObject(v)) {
      const keyWire = wireOf(field.keyType);
      for (const [k, item] of Object.entries(v)) {
        w.uint32((field.id << 3) | 2).fork();
        writeScalar(field.keyType, undefined, k, w.uint32((1 << 3) | keyWire));
        writeOne(field, item, 2, w);
        w.ldelim();
      }
    } else if (field.repeated && Array.isArray(v)) {
      const wire = field.resolvedType instanceof protobuf.Type ? 2 : wireOf(field.type);
      if (field.packed && wire !== 2) {
        w.uint32((field.id << 3) | 2).fork();
        for (const item of v) writeScalar(field.type, field.resolvedType, item, w);
        w.ldelim();
      } else for (const item of v) writeOne(field, item, field.id, w);
    } else writeOne(field, v, field.id, w);
  }
}

function writeOne(field: protobuf.Field, v: Json, id: number, w: protobuf.Writer): void {
  if (field.resolvedType instanceof protobuf.Type) {
    w.uint32((id << 3) | 2).fork();
    if (isObject(v)) writeMessage(field.resolvedType, v, w);
    w.ldelim();
  } else {
    const t = field.type;
    w.uint32((id << 3) | wireOf(t));
    writeScalar(t, field.resolvedType, v, w);
  }
}

const wireOf = (t: string): number =>
  (protobuf.types.basic as Record<string, number | undefined>)[t] ?? 0;

function writeScalar(
  t: string,
  resolved: protobuf.ReflectionObject | null | undefined,
  v: Json,
  w: protobuf.Writer,
): void {
  if (resolved instanceof protobuf.Enum) {
    w.int32(typeof v === "string" ? (resolved.values[v] ?? 0) : Number(v));
    return;
  }
  switch (t) {
    case "string":
      w.string(String(v));
      return;
    case "bytes":
      w.bytes(String(v));
      return;
    case "bool":
      w.bool(v === true || v === "true");
      return;
    case "double":
      w.double(Number(v));
      return;
    case "float":
      w.float(Number(v));
      return;
    case "int64":
    case "uint64":
    case "sint64":
    case "fixed64":
    case "sfixed64":
      // Checked to be in range, so the bigint's 64 bits are the value: no wrapping here.
      w[t](toLongBits(typeof v === "string" || typeof v === "number" ? BigInt(v) : 0n));
      return;
    case "int32":
    case "uint32":
    case "sint32":
    case "fixed32":
    case "sfixed32":
      w[t](Number(v));
      return;
  }
}
