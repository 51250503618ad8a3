import fc from "fast-check";
import type protobuf from "protobufjs";
import protojson from "protobufjs/ext/protojson.js";
import { describe, expect, it } from "vitest";
import { fieldDecoded } from "../../web/src/decode/field-decode.js";
import { messageToJson, type JsonValue } from "../../web/src/decode/proto-json.js";
import {
  fieldSpan,
  fieldValue,
  type DecodedMessage,
  type FieldNode,
  type FieldValue,
} from "../../web/src/decode/proto-tree.js";
import { walkMessage } from "../../web/src/decode/schema-walk.js";
import { loadFixtures } from "../fixtures/proto/load.js";
import { tilingProblems, uncovered } from "../fixtures/proto/tree-checks.js";

const root = loadFixtures(["kv.proto", "all-types-proto3.proto", "all-types-proto2.proto"]);
const AllTypes = root.lookupType("fixture.p3.AllTypes");
const Proto2 = root.lookupType("fixture.p2.Proto2");
const WellKnown = root.lookupType("fixture.p3.WellKnown");
const kvTypes = ["abi.CommandRequest", "abi.CommandResponse"].map((n) => root.lookupType(n));
const TYPES = [AllTypes, Proto2, ...kvTypes];

type Obj = Record<string, unknown>;

/** How floats are generated: any float32, or only values whose shortest decimal is also the double's. */
type FloatMode = "any" | "exact";

const I64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
const U64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
const U32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
// -0 is left out: protojson treats it as the proto3 default and omits it, while protobuf C++
// (bit_cast != 0) and Java (Double.equals) count it as set; the walk follows them (see proto-json.test.ts).
const EXACT_FLOAT = fc.oneof(
  fc.integer({ min: -(2 ** 20), max: 2 ** 20 }).map((i) => (i === 0 ? 0 : i / 8)),
  fc.constantFrom(NaN, Infinity, -Infinity, 1e10),
);

function scalarArb(typeName: string, floats: FloatMode): fc.Arbitrary<unknown> {
  switch (typeName) {
    case "double":
      return floats === "any" ? fc.double() : EXACT_FLOAT;
    case "float":
      return floats === "any" ? fc.float() : EXACT_FLOAT;
    case "int64":
    case "sint64":
    case "sfixed64":
      return I64;
    case "uint64":
    case "fixed64":
      return U64;
    case "int32":
    case "sint32":
    case "sfixed32":
      return fc.integer();
    case "uint32":
    case "fixed32":
      return U32;
    case "bool":
      return fc.boolean();
    case "string":
      return fc.string({ unit: "grapheme", maxLength: 6 });
    case "bytes":
      return fc.uint8Array({ maxLength: 6 });
    default:
      throw new Error(`not a scalar: ${typeName}`);
  }
}

function isEnum(t: protobuf.ReflectionObject | null): t is protobuf.Enum {
  return t !== null && "valuesById" in t;
}

function isClosed(e: protobuf.Enum): boolean {
  return (e as unknown as { _features?: { enum_type?: string } })._features?.enum_type === "CLOSED";
}

function valueArb(
  type: string,
  resolved: protobuf.ReflectionObject | null,
  depth: number,
  floats: FloatMode,
): fc.Arbitrary<unknown> | undefined {
  if (isEnum(resolved)) {
    const known = fc.constantFrom(...Object.values(resolved.values));
    return isClosed(resolved) ? known : fc.oneof(known, fc.integer({ min: -5, max: 50 }));
  }
  if (resolved !== null && "fieldsArray" in resolved) {
    return depth >= 2 ? undefined : messageArb(resolved as protobuf.Type, depth + 1, floats);
  }
  return scalarArb(type, floats);
}

/** Random plain objects for a message type (every field type, at most one member per oneof). */
function messageArb(type: protobuf.Type, depth: number, floats: FloatMode): fc.Arbitrary<Obj> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const f of type.fieldsArray) {
    if (f.declaringField !== null) continue;
    if (f.map) {
      const m = f as unknown as protobuf.MapField;
      const v = valueArb(m.type, m.resolvedType, depth, floats);
      if (v === undefined) continue;
      const key = scalarArb(m.keyType, floats).map((k) => String(k));
      parts[f.name] = fc
        .array(fc.tuple(key, v), { maxLength: 3 })
        .map((es) => Object.fromEntries(es));
      continue;
    }
    const v = valueArb(f.type, f.resolvedType, depth, floats);
    if (v === undefined) continue;
    parts[f.name] = f.repeated ? fc.array(v, { maxLength: 4 }) : v;
    if (f.required) required.push(f.name);
  }
  const oneofs = type.oneofsArray.map((o) => o.oneof);
  return fc.record(parts, { requiredKeys: required }).map((obj) => {
    for (const members of oneofs) {
      const present = members.filter((m) => m in obj);
      for (const extra of present.slice(1)) delete (obj as Obj)[extra];
    }
    return obj as Obj;
  });
}

const encode = (type: protobuf.Type, obj: Obj): Uint8Array =>
  type.encode(type.fromObject(obj)).finish();

/** Our tree as protobufjs's toObject({ longs: String, bytes: Array }) shows a decoded message. */
function toPlain(fields: readonly FieldNode[], type: protobuf.Type): Obj {
  const out: Obj = {};
  for (const node of fields) {
    const f = type.fieldsById[node.number];
    if (f === undefined || node.facts.type === "unknown") continue;
    const d = fieldDecoded(node);
    if (f.map) {
      const [k, v] = d.kind === "message" ? d.fields : [];
      const map = (out[f.name] ??= {}) as Obj;
      const vd = v && fieldDecoded(v);
      const value =
        vd &&
        (vd.kind === "message" ? toPlain(vd.fields, f.resolvedType as protobuf.Type) : plain(vd));
      map[String(k && plain(fieldDecoded(k)))] = value;
    } else if (f.repeated) {
      const list = (out[f.name] ??= []) as unknown[];
      if (d.kind === "packed") list.push(...d.elements.map((e) => plain(fieldDecoded(e))));
      else if (d.kind === "message") list.push(toPlain(d.fields, f.resolvedType as protobuf.Type));
      else list.push(plain(d));
    } else {
      out[f.name] =
        d.kind === "message" ? toPlain(d.fields, f.resolvedType as protobuf.Type) : plain(d);
    }
  }
  return out;
}

function plain(v: FieldValue): unknown {
  switch (v.kind) {
    case "int":
      return typeof v.value === "bigint" ? v.value.toString() : v.value;
    case "bytes":
    case "raw":
      return Array.from(v.value);
    case "message":
    case "packed":
      throw new Error("not a scalar");
    default:
      return v.value;
  }
}

/** Every issue span lies inside the message's span. */
function issuesInside(m: DecodedMessage): boolean {
  return m.issues.every(
    (i) => i.span[0] >= m.span[0] && i.span[1] <= m.span[1] && i.span[0] < i.span[1],
  );
}

/** Every node span lies inside its parent's value (or the message). */
function nodesInside(fields: readonly FieldNode[], start: number, end: number): boolean {
  return fields.every((f) => {
    const [s, e] = fieldSpan(f);
    const [vs, ve] = fieldValue(f);
    const inside = s >= start && e <= end && vs >= s && ve <= e;
    if (!inside) return false;
    const d = fieldDecoded(f);
    if (d.kind === "message") return nodesInside(d.fields, vs, ve);
    if (d.kind === "packed") return nodesInside(d.elements, vs, ve);
    return true;
  });
}

const typeAndObject = (floats: FloatMode) =>
  fc.oneof(
    ...[AllTypes, Proto2, ...kvTypes].map((t) =>
      messageArb(t, 0, floats).map((obj) => ({ type: t, obj })),
    ),
  );

describe("generated messages of every field type", () => {
  it("walk to the values protobufjs decodes (toObject, longs as strings, bytes as arrays)", () => {
    fc.assert(
      fc.property(typeAndObject("any"), ({ type, obj }) => {
        const bytes = encode(type, obj);
        const m = walkMessage(type, bytes, 0);
        expect(m.issues).toEqual([]);
        const expected = type.toObject(type.decode(bytes), { longs: String, bytes: Array });
        expect(toPlain(m.fields, type)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("field spans tile the payload exactly, children tile their parent's value (any base)", () => {
    fc.assert(
      fc.property(typeAndObject("any"), fc.nat({ max: 2 ** 40 }), ({ type, obj }, base) => {
        const bytes = encode(type, obj);
        const m = walkMessage(type, bytes, base);
        expect(m.span).toEqual([base, base + bytes.length]);
        expect(tilingProblems(m.fields, base, base + bytes.length)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("the JSON is protobufjs protojson's (floats chosen so that float and double print alike)", () => {
    fc.assert(
      fc.property(typeAndObject("exact"), ({ type, obj }) => {
        const bytes = encode(type, obj);
        const expected = protojson.toJson(type, type.decode(bytes)) as JsonValue;
        expect(messageToJson(walkMessage(type, bytes, 0), type)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe("any bytes", () => {
  const check = (type: protobuf.Type, bytes: Uint8Array, base: number): void => {
    const m = walkMessage(type, bytes, base);
    expect(issuesInside(m)).toBe(true);
    expect(nodesInside(m.fields, base, base + bytes.length)).toBe(true);
    expect(uncovered(m, bytes.length)).toEqual([]);
    expect(() => JSON.stringify(messageToJson(m, type))).not.toThrow();
  };

  it("random bytes never throw; every issue lies inside the payload; no byte is lost", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPES, WellKnown),
        fc.uint8Array({ maxLength: 80 }),
        fc.nat({ max: 1e9 }),
        (type, bytes, base) => check(type, bytes, base),
      ),
      { numRuns: 2000 },
    );
  });

  it("bytes from a small tag alphabet (groups, LEN, bad wire types) never throw either", () => {
    const piece = fc.oneof(
      fc.constantFrom(
        0x08,
        0x0b,
        0x0c,
        0x12,
        0x1a,
        0x43,
        0x44,
        0x5b,
        0x5c,
        0x6b,
        0x6c,
        0x0e,
        0x0f,
        0x00,
        0x80,
        0xff,
      ),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.array(piece, { maxLength: 60 }), (type, arr) =>
        check(type, Uint8Array.from(arr), 7),
      ),
      { numRuns: 2000 },
    );
  });

  it("mutated valid encodings (flip, cut, insert, delete) never throw; no byte is lost", () => {
    const mutation = fc.record({
      kind: fc.constantFrom("flip", "cut", "insert", "delete"),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
      length: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(
        typeAndObject("any"),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        ({ type, obj }, muts) => {
          let bytes = Array.from(encode(type, obj));
          for (const mu of muts) {
            const at = bytes.length === 0 ? 0 : mu.at % bytes.length;
            if (mu.kind === "flip" && bytes.length > 0) bytes[at] = mu.value;
            else if (mu.kind === "cut") bytes = bytes.slice(0, at);
            else if (mu.kind === "insert") bytes.splice(at, 0, mu.value);
            else bytes.splice(at, mu.length);
          }
          check(type, Uint8Array.from(bytes), 100);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("well-known types", () => {
  const seconds = fc.bigInt({ min: -62135596800n, max: 253402300799n });
  const nanos = fc.integer({ min: 0, max: 999999999 });
  const durationSeconds = fc.bigInt({ min: -315576000000n, max: 315576000000n });

  it("Timestamps in range print as RFC 3339 with 0/3/6/9 digits, as protojson does", () => {
    fc.assert(
      fc.property(seconds, nanos, (s, n) => {
        const obj = { timestamp: { seconds: String(s), nanos: n } };
        const bytes = encode(WellKnown, obj);
        const json = messageToJson(walkMessage(WellKnown, bytes, 0), WellKnown) as {
          timestamp: string;
        };
        expect(json).toEqual(protojson.toJson(WellKnown, WellKnown.decode(bytes)));
        const iso = new Date(Number(s) * 1000).toISOString().slice(0, 19);
        const digits = n === 0 ? 0 : n % 1e6 === 0 ? 3 : n % 1e3 === 0 ? 6 : 9;
        const fraction = digits === 0 ? "" : "." + String(n).padStart(9, "0").slice(0, digits);
        expect(json.timestamp).toBe(`${iso}${fraction}Z`);
      }),
      { numRuns: 500 },
    );
  });

  it("Durations in range print as seconds with an s, as protojson does", () => {
    fc.assert(
      fc.property(durationSeconds, nanos, (s, n) => {
        const signed = s < 0n ? -n : s > 0n ? n : n * (n % 2 === 0 ? 1 : -1);
        const bytes = encode(WellKnown, { duration: { seconds: String(s), nanos: signed } });
        const json = messageToJson(walkMessage(WellKnown, bytes, 0), WellKnown);
        expect(json).toEqual(protojson.toJson(WellKnown, WellKnown.decode(bytes)));
      }),
      { numRuns: 500 },
    );
  });
});
