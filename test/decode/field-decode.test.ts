import type protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import {
  fieldAlternatives,
  fieldDecoded,
  fieldFloat,
  fieldZigzag,
} from "../../web/src/decode/field-decode.js";
import type { DecodedMessage, FieldNode } from "../../web/src/decode/proto-tree.js";
import { walkRaw } from "../../web/src/decode/raw-walk.js";
import { fieldsJson } from "../../web/src/decode/records.js";
import { walkMessage } from "../../web/src/decode/schema-walk.js";
import { loadFixtures } from "../fixtures/proto/load.js";
import { hexToBytes } from "./helpers.js";

const root = loadFixtures(["kv.proto", "all-types-proto3.proto"]);
const AllTypes = root.lookupType("fixture.p3.AllTypes");
const CommandResponse = root.lookupType("abi.CommandResponse");

const encode = (type: protobuf.Type, obj: Record<string, unknown>): Uint8Array =>
  type.encode(type.fromObject(obj)).finish();

/** Every node of a tree, depth first (children decoded, so their values are cached). */
function nodes(fields: readonly FieldNode[]): FieldNode[] {
  return fields.flatMap((f) => {
    const d = fieldDecoded(f);
    return [f, ...nodes(d.kind === "message" ? d.fields : d.kind === "packed" ? d.elements : [])];
  });
}

const allTypes = encode(AllTypes, {
  f_int32: -5,
  f_string: "héllo",
  f_bytes: Uint8Array.of(0, 255),
  f_enum: 2,
  f_double: 1.5,
  r_int32: [1, 2, 300],
  m_int64_string: { "-7": "x" },
});
const kv = encode(CommandResponse, {
  status: 200,
  values: [{ string: "a" }, { integer: -3 }, { float: 0.25 }],
});

describe("values decoded on first use", () => {
  it("a value is decoded once and kept: later calls return the same object", () => {
    const m = walkMessage(AllTypes, allTypes, 0);
    for (const f of nodes(m.fields)) expect(fieldDecoded(f)).toBe(fieldDecoded(f));
  });

  it("the walks keep nested fields and raw bytes; scalars, strings and bytes wait in the bytes", () => {
    const m = walkMessage(AllTypes, allTypes, 0);
    const named = (name: string) => m.fields.find((f) => f.facts.name === name);
    const int32 = named("f_int32");
    const str = named("f_string");
    expect([int32?.facts.type, str?.facts.type]).toEqual(["int32", "string"]);
    expect(int32?.cache).toBeUndefined();
    expect(str?.cache).toBeUndefined();
    expect(str && fieldDecoded(str)).toEqual({ kind: "string", value: "héllo" });
    expect(str?.cache).toEqual({ kind: "string", value: "héllo" });
    const raw = walkRaw(kv, 0);
    expect(Array.isArray(raw.fields[1]?.cache)).toBe(true); // a message: its fields
  });

  for (const [name, walk] of [
    ["schema walk", () => walkMessage(AllTypes, allTypes, 7)],
    ["schemaless walk", () => walkRaw(kv, 7)],
  ] as const) {
    it(`a ${name} tree decodes the same after structuredClone (postMessage to the page)`, () => {
      const before: DecodedMessage = walk();
      const after = structuredClone(walk());
      expect(fieldsJson(after.fields)).toEqual(fieldsJson(before.fields));
      const extras = (m: DecodedMessage) =>
        nodes(m.fields).map((f) => [fieldZigzag(f), fieldFloat(f), fieldAlternatives(f)]);
      expect(extras(after)).toEqual(extras(before));
    });
  }

  it("schemaless extras come from the bytes: zigzag, float, alternatives", () => {
    const [v] = walkRaw(hexToBytes("0805"), 0).fields;
    expect(v && [fieldDecoded(v), fieldZigzag(v), fieldFloat(v), fieldAlternatives(v)]).toEqual([
      { kind: "int", value: 5 },
      -3,
      undefined,
      undefined,
    ]);
    const [d] = walkRaw(hexToBytes("09000000000000f83f"), 0).fields;
    expect(d && [fieldZigzag(d), fieldFloat(d)]).toEqual([undefined, 1.5]);
    const [s] = walkRaw(hexToBytes("0a026869"), 0).fields;
    expect(s && [s.facts.reading, fieldAlternatives(s)]).toEqual([
      "string",
      ["message", "packed-varint", "bytes"],
    ]);
  });

  it("schema nodes have no schemaless extras", () => {
    const m = walkMessage(AllTypes, allTypes, 0);
    for (const f of nodes(m.fields)) {
      expect([fieldZigzag(f), fieldFloat(f), fieldAlternatives(f), f.facts.reading]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    }
  });
});
