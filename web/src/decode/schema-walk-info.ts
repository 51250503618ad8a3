import type { Enum, Field, MapField, NamespaceBase, ReflectionObject, Type } from "protobufjs";
import { newFieldFacts, type FieldFacts } from "./proto-tree.js";
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_SGROUP, WIRE_VARINT, type WireType } from "./wire.js";

/**
 * What the schema walk and the JSON mapping need to know about a protobufjs
 * Type, computed once per Type and cached in a WeakMap: fields by number, their
 * kinds, wire types, proto and JSON names, presence and nested types.
 */

/** Field kinds (small integers so the walk can switch on them cheaply). */
export const K_DOUBLE = 1;
export const K_FLOAT = 2;
export const K_INT64 = 3;
export const K_UINT64 = 4;
export const K_INT32 = 5;
export const K_FIXED64 = 6;
export const K_FIXED32 = 7;
export const K_BOOL = 8;
export const K_STRING = 9;
export const K_BYTES = 10;
export const K_UINT32 = 11;
export const K_SFIXED32 = 12;
export const K_SFIXED64 = 13;
export const K_SINT32 = 14;
export const K_SINT64 = 15;
export const K_ENUM = 16;
export const K_MESSAGE = 17;
export const K_GROUP = 18;
export const K_MAP = 19;

const SCALARS: Readonly<Record<string, readonly [kind: number, wire: WireType]>> = {
  double: [K_DOUBLE, WIRE_I64],
  float: [K_FLOAT, WIRE_I32],
  int64: [K_INT64, WIRE_VARINT],
  uint64: [K_UINT64, WIRE_VARINT],
  int32: [K_INT32, WIRE_VARINT],
  fixed64: [K_FIXED64, WIRE_I64],
  fixed32: [K_FIXED32, WIRE_I32],
  bool: [K_BOOL, WIRE_VARINT],
  string: [K_STRING, WIRE_LEN],
  bytes: [K_BYTES, WIRE_LEN],
  uint32: [K_UINT32, WIRE_VARINT],
  sfixed32: [K_SFIXED32, WIRE_I32],
  sfixed64: [K_SFIXED64, WIRE_I64],
  sint32: [K_SINT32, WIRE_VARINT],
  sint64: [K_SINT64, WIRE_VARINT],
};

/** One field of a schema type, ready for the walk. */
export interface FieldInfo {
  readonly number: number;
  /** The proto name (snake_case as declared; a legacy group's field name is the lowercased group name). */
  readonly name: string;
  /** The canonical JSON name: `json_name` if declared, else protoc's lowerCamelCase of `name`. */
  readonly jsonName: string;
  /** FieldNode.type: "int32", "abi.Hget", "group", "map<string, abi.Value>". */
  readonly typeName: string;
  readonly kind: number;
  /** The wire type the schema expects (for maps: LEN). */
  readonly wire: WireType;
  readonly repeated: boolean;
  /** Repeated numeric scalar or enum: accepted both packed (LEN) and unpacked. */
  readonly packable: boolean;
  /** The name of the (non-synthetic) oneof the field belongs to. */
  readonly oneof: string | undefined;
  /** Explicit presence: JSON prints the field even when it holds its default value. */
  readonly presence: boolean;
  /** Enum fields: names by number, the enum's full name, and whether it is closed (proto2). */
  readonly enumValues: Readonly<Record<number, string>> | undefined;
  readonly enumName: string | undefined;
  readonly closedEnum: boolean;
  /** Message and group fields: the nested type. */
  readonly messageType: Type | undefined;
  /** Map fields: the synthetic entry type (key = 1, value = 2). */
  readonly entry: TypeInfo | undefined;
  /** The nested type's info, filled on first use (recursive types stay lazy). */
  child: TypeInfo | undefined;
  /** What the field's nodes share (names, type, how to decode). */
  readonly facts: FieldFacts;
  /** The same for the elements of a packed field (no oneof, not a map entry). */
  readonly elementFacts: FieldFacts;
}

/** A schema type's fields by number, in declaration order, and its full name. */
export interface TypeInfo {
  /** Full name without the leading dot. */
  readonly fullName: string;
  /** The protobufjs type; undefined for a synthetic map entry. */
  readonly type: Type | undefined;
  readonly fields: readonly FieldInfo[];
  /** Fields with numbers below DENSE_LIMIT, indexed by number. */
  readonly dense: readonly (FieldInfo | undefined)[];
  /** Fields with larger numbers. */
  readonly sparse: ReadonlyMap<number, FieldInfo> | undefined;
}

const DENSE_LIMIT = 256;
const cache = new WeakMap<Type, TypeInfo>();

/** The cached TypeInfo of a protobufjs Type (resolves the Type's root once; throws if the schema cannot be resolved). */
export function getTypeInfo(type: Type): TypeInfo {
  const hit = cache.get(type);
  if (hit !== undefined) return hit;
  (type.root as NamespaceBase).resolveAll();
  const fields = type.fieldsArray.map((f) => buildField(f, type));
  const info = makeTypeInfo(type.fullName.slice(1), type, fields);
  cache.set(type, info);
  return info;
}

/** The field with this number, or undefined. */
export function lookupField(info: TypeInfo, number: number): FieldInfo | undefined {
  return number < DENSE_LIMIT ? info.dense[number] : info.sparse?.get(number);
}

/** The info of a message or group field's type (cached on the field). */
export function childInfo(field: FieldInfo): TypeInfo | undefined {
  if (field.child !== undefined) return field.child;
  if (field.messageType === undefined) return field.entry;
  field.child = getTypeInfo(field.messageType);
  return field.child;
}

/** protoc's ToJsonName: drop each "_" and upper-case the letter after it. */
export function toJsonName(name: string): string {
  let out = "";
  let upper = false;
  for (const ch of name) {
    if (ch === "_") upper = true;
    else if (upper) {
      out += ch.toUpperCase();
      upper = false;
    } else out += ch;
  }
  return out;
}

function makeTypeInfo(fullName: string, type: Type | undefined, fields: FieldInfo[]): TypeInfo {
  const dense: (FieldInfo | undefined)[] = [];
  let sparse: Map<number, FieldInfo> | undefined;
  for (const f of fields) {
    if (f.number < DENSE_LIMIT) {
      while (dense.length <= f.number) dense.push(undefined);
      dense[f.number] = f;
    } else (sparse ??= new Map()).set(f.number, f);
  }
  return { fullName, type, fields, dense, sparse };
}

interface Features {
  readonly _features?: { readonly enum_type?: string };
}

/** True when a reflection object is a message Type (duck-typed: the core imports protobufjs for types only). */
export function isType(obj: ReflectionObject | null): obj is Type {
  return obj !== null && "fieldsById" in obj && "oneofsArray" in obj;
}

function isEnum(obj: ReflectionObject | null): obj is Enum {
  return obj !== null && "valuesById" in obj;
}

type FieldProps = Omit<FieldInfo, "child" | "facts" | "elementFacts">;

/** Builds a FieldInfo with one property order, so the walk's property reads stay monomorphic. */
function makeField(p: FieldProps): FieldInfo {
  const facts = {
    name: p.name,
    jsonName: p.jsonName,
    type: p.typeName,
    decode: p.kind,
    enumValues: p.enumValues,
  };
  return {
    number: p.number,
    name: p.name,
    jsonName: p.jsonName,
    typeName: p.typeName,
    kind: p.kind,
    wire: p.wire,
    repeated: p.repeated,
    packable: p.packable,
    oneof: p.oneof,
    presence: p.presence,
    enumValues: p.enumValues,
    enumName: p.enumName,
    closedEnum: p.closedEnum,
    messageType: p.messageType,
    entry: p.entry,
    child: p.entry,
    facts: newFieldFacts({ ...facts, oneof: p.oneof, mapEntry: p.kind === K_MAP }),
    elementFacts: newFieldFacts(facts),
  };
}

type ValueProps = Pick<
  FieldProps,
  "typeName" | "kind" | "wire" | "enumValues" | "enumName" | "closedEnum" | "messageType"
>;

/** Kind, wire type and nested type of a field's (or a map value's) declared type. */
function describeType(
  typeName: string,
  resolved: ReflectionObject | null,
  delimited: boolean,
  where: string,
): ValueProps {
  const scalar = SCALARS[typeName];
  const none = { enumValues: undefined, enumName: undefined, closedEnum: false };
  if (scalar !== undefined && resolved === null) {
    return { typeName, kind: scalar[0], wire: scalar[1], ...none, messageType: undefined };
  }
  if (isEnum(resolved)) {
    const enumName = resolved.fullName.slice(1);
    return {
      typeName: enumName,
      kind: K_ENUM,
      wire: WIRE_VARINT,
      enumValues: resolved.valuesById,
      enumName,
      closedEnum: (resolved as unknown as Features)._features?.enum_type === "CLOSED",
      messageType: undefined,
    };
  }
  if (isType(resolved)) {
    return delimited
      ? { typeName: "group", kind: K_GROUP, wire: WIRE_SGROUP, ...none, messageType: resolved }
      : {
          typeName: resolved.fullName.slice(1),
          kind: K_MESSAGE,
          wire: WIRE_LEN,
          ...none,
          messageType: resolved,
        };
  }
  throw new Error(`${where}: unresolved type ${typeName}`);
}

function buildField(f: Field, parent: Type): FieldInfo {
  const resolved = f.resolvedType;
  const explicitJson = f.getOption("json_name") as unknown;
  let name = f.protoName ?? f.name;
  let jsonName = f.jsonName ?? toJsonName(name);
  if (f.declaringField !== null || name.startsWith(".")) {
    // An extension: protobufjs names it by its full name; JSON prints "[full.name]".
    name = name.replace(/^\./, "");
    jsonName = `[${name}]`;
  } else if (
    isType(resolved) &&
    (resolved as { group?: boolean }).group === true &&
    typeof explicitJson !== "string"
  ) {
    // protoc names a legacy group's field after the lowercased group type name.
    name = resolved.name.toLowerCase();
    jsonName = toJsonName(name);
  }
  const where = `field ${parent.fullName.slice(1)}.${name}`;
  if (f.map) return buildMapField(f as unknown as MapField, parent, name, jsonName, where);
  const partOf = f.partOf;
  const t = describeType(f.type, resolved, f.delimited, where);
  const repeated = f.repeated;
  return makeField({
    number: f.id,
    name,
    jsonName,
    ...t,
    repeated,
    packable: repeated && (t.wire === WIRE_VARINT || t.wire === WIRE_I32 || t.wire === WIRE_I64),
    oneof: partOf !== null && !partOf.isProto3Optional ? partOf.name : undefined,
    presence: !repeated && (f.hasPresence || t.messageType !== undefined),
    entry: undefined,
  });
}

function buildMapField(
  f: MapField,
  parent: Type,
  name: string,
  jsonName: string,
  where: string,
): FieldInfo {
  const entryField = (number: number, fieldName: string, t: ValueProps): FieldInfo =>
    makeField({
      number,
      name: fieldName,
      jsonName: fieldName,
      ...t,
      repeated: false,
      packable: false,
      oneof: undefined,
      presence: true,
      entry: undefined,
    });
  const key = entryField(1, "key", describeType(f.keyType, null, false, where));
  if (key.kind === K_DOUBLE || key.kind === K_FLOAT || key.kind === K_BYTES)
    throw new Error(`${where}: bad map key type ${f.keyType}`);
  const value = entryField(2, "value", describeType(f.type, f.resolvedType, false, where));
  const pascal = toJsonName(name).replace(/^./, (c) => c.toUpperCase());
  const entry = makeTypeInfo(`${parent.fullName.slice(1)}.${pascal}Entry`, undefined, [key, value]);
  return makeField({
    number: f.id,
    name,
    jsonName,
    typeName: `map<${key.typeName}, ${value.typeName}>`,
    kind: K_MAP,
    wire: WIRE_LEN,
    repeated: true,
    packable: false,
    oneof: undefined,
    presence: false,
    enumValues: undefined,
    enumName: undefined,
    closedEnum: false,
    messageType: undefined,
    entry,
  });
}
