import type protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { fieldDecoded } from "../../web/src/decode/field-decode.js";
import type { Issue } from "../../web/src/decode/issue.js";
import {
  fieldGroupEnd,
  fieldLength,
  fieldSpan,
  fieldTag,
  fieldValue,
  type DecodedMessage,
  type FieldNode,
  type FieldValue,
} from "../../web/src/decode/proto-tree.js";
import { MAX_DEPTH, walkMessage } from "../../web/src/decode/schema-walk.js";
import { fixtureText, loadFixtures } from "../fixtures/proto/load.js";
import { uncovered } from "../fixtures/proto/tree-checks.js";
import { bytesToHex, hexToBytes } from "./helpers.js";
import { decodedOf } from "./raw-walk-helpers.js";

const FILES = ["kv.proto", "all-types-proto3.proto", "all-types-proto2.proto"];
const root = loadFixtures(FILES);
const AllTypes = root.lookupType("fixture.p3.AllTypes");
const Nested = root.lookupType("fixture.p3.Nested");
const Proto2 = root.lookupType("fixture.p2.Proto2");
const CommandRequest = root.lookupType("abi.CommandRequest");

const encode = (type: protobuf.Type, obj: Record<string, unknown>): Uint8Array =>
  type.encode(type.fromObject(obj)).finish();

/** A node without the schemaless-only and undefined members, children simplified too. */
interface Shape {
  number: number;
  name?: string;
  type: string;
  span: readonly number[];
  tag: readonly number[];
  length?: readonly number[];
  value: readonly number[];
  decoded?: FieldValue;
  children?: Shape[];
  oneof?: string;
}

function shape(n: FieldNode): Shape {
  const out: Shape = {
    number: n.number,
    type: n.facts.type,
    span: fieldSpan(n),
    tag: fieldTag(n),
    value: fieldValue(n),
  };
  if (n.facts.name !== undefined) out.name = n.facts.name;
  const length = fieldLength(n);
  if (length !== undefined) out.length = length;
  if (n.facts.oneof !== undefined) out.oneof = n.facts.oneof;
  const d = fieldDecoded(n);
  if (d.kind === "message") out.children = d.fields.map(shape);
  else if (d.kind === "packed") out.children = d.elements.map(shape);
  else out.decoded = d;
  return out;
}

const codes = (m: DecodedMessage): string[] => m.issues.map((i) => i.code);
const issue = (code: Issue["code"], start: number, end: number, fatal: boolean) =>
  expect.objectContaining({ code, span: [start, end], fatal });

describe("kv abi.CommandRequest hset, hand-checked spans (base 100)", () => {
  // 22 0e                 hset (4), 14 bytes
  //   0a 02 74 31         table (1) "t1"
  //   12 08               pair (2), 8 bytes
  //     0a 01 6b          key (1) "k"
  //     12 03             value (2), 3 bytes
  //       0a 01 76        string (1) "v"
  const hex = "220e0a02743112080a016b12030a0176";
  it("protobufjs encodes the fixture to these bytes", () => {
    const obj = { hset: { table: "t1", pair: { key: "k", value: { string: "v" } } } };
    expect(bytesToHex(encode(CommandRequest, obj))).toBe(hex);
  });
  it("walks to the exact tree", () => {
    const m = walkMessage(CommandRequest, hexToBytes(hex), 100);
    expect(m.typeName).toBe("abi.CommandRequest");
    expect(m.span).toEqual([100, 116]);
    expect(m.source).toEqual({ kind: "stream" });
    expect(m.issues).toEqual([]);
    const str = (v: string) => ({ kind: "string", value: v });
    expect(m.fields.map(shape)).toEqual([
      {
        number: 4,
        name: "hset",
        type: "abi.Hset",
        oneof: "request_data",
        span: [100, 116],
        tag: [100, 101],
        length: [101, 102],
        value: [102, 116],
        children: [
          {
            number: 1,
            name: "table",
            type: "string",
            span: [102, 106],
            tag: [102, 103],
            length: [103, 104],
            value: [104, 106],
            decoded: str("t1"),
          },
          {
            number: 2,
            name: "pair",
            type: "abi.Kvpair",
            span: [106, 116],
            tag: [106, 107],
            length: [107, 108],
            value: [108, 116],
            children: [
              {
                number: 1,
                name: "key",
                type: "string",
                span: [108, 111],
                tag: [108, 109],
                length: [109, 110],
                value: [110, 111],
                decoded: str("k"),
              },
              {
                number: 2,
                name: "value",
                type: "abi.Value",
                span: [111, 116],
                tag: [111, 112],
                length: [112, 113],
                value: [113, 116],
                children: [
                  {
                    number: 1,
                    name: "string",
                    type: "string",
                    oneof: "value",
                    span: [113, 116],
                    tag: [113, 114],
                    length: [114, 115],
                    value: [115, 116],
                    decoded: str("v"),
                  },
                ],
              },
            ],
          },
        ],
      },
    ]);
    const hset = m.fields[0];
    expect(hset?.facts.jsonName).toBe("hset");
    expect(hset?.wireType).toBe(2);
    expect(hset?.facts.mapEntry).toBe(false);
    expect(hset?.facts.reading).toBeUndefined();
  });
});

const int = (value: number | bigint): FieldValue => ({ kind: "int", value });
const float = (value: number): FieldValue => ({ kind: "float", value });

/** One field of AllTypes: the object protobufjs encodes, the bytes it gives, what the walk decodes. */
const SCALAR_CASES: readonly {
  field: string;
  value: unknown;
  hex: string;
  type: string;
  tagBytes: number;
  decoded: FieldValue;
}[] = [
  {
    field: "f_double",
    value: 1.5,
    hex: "09000000000000f83f",
    type: "double",
    tagBytes: 1,
    decoded: float(1.5),
  },
  {
    field: "f_float",
    value: 0.25,
    hex: "150000803e",
    type: "float",
    tagBytes: 1,
    decoded: float(0.25),
  },
  {
    field: "f_float",
    value: 0.1,
    hex: "15cdcccc3d",
    type: "float",
    tagBytes: 1,
    decoded: float(Math.fround(0.1)),
  },
  {
    field: "f_int64",
    value: "-5",
    hex: "18fbffffffffffffffff01",
    type: "int64",
    tagBytes: 1,
    decoded: int(-5n),
  },
  {
    field: "f_int64",
    value: "9223372036854775807",
    hex: "18ffffffffffffffff7f",
    type: "int64",
    tagBytes: 1,
    decoded: int(9223372036854775807n),
  },
  {
    field: "f_uint64",
    value: "18446744073709551615",
    hex: "20ffffffffffffffffff01",
    type: "uint64",
    tagBytes: 1,
    decoded: int(18446744073709551615n),
  },
  {
    field: "f_uint64",
    value: "9007199254740993",
    hex: "208180808080808010",
    type: "uint64",
    tagBytes: 1,
    decoded: int(9007199254740993n),
  },
  {
    field: "f_int32",
    value: -1,
    hex: "28ffffffffffffffffff01",
    type: "int32",
    tagBytes: 1,
    decoded: int(-1),
  },
  { field: "f_int32", value: 150, hex: "289601", type: "int32", tagBytes: 1, decoded: int(150) },
  {
    field: "f_fixed64",
    value: "1234605616436508552",
    hex: "318877665544332211",
    type: "fixed64",
    tagBytes: 1,
    decoded: int(0x1122334455667788n),
  },
  {
    field: "f_fixed32",
    value: 4294967295,
    hex: "3dffffffff",
    type: "fixed32",
    tagBytes: 1,
    decoded: int(4294967295),
  },
  {
    field: "f_bool",
    value: true,
    hex: "4001",
    type: "bool",
    tagBytes: 1,
    decoded: { kind: "bool", value: true },
  },
  {
    field: "f_string",
    value: "héllo",
    hex: "4a0668c3a96c6c6f",
    type: "string",
    tagBytes: 1,
    decoded: { kind: "string", value: "héllo" },
  },
  {
    field: "f_bytes",
    value: [0, 255, 1],
    hex: "520300ff01",
    type: "bytes",
    tagBytes: 1,
    decoded: { kind: "bytes", value: Uint8Array.of(0, 255, 1) },
  },
  {
    field: "f_uint32",
    value: 4294967295,
    hex: "58ffffffff0f",
    type: "uint32",
    tagBytes: 1,
    decoded: int(4294967295),
  },
  {
    field: "f_enum",
    value: 2,
    hex: "6002",
    type: "fixture.p3.Color",
    tagBytes: 1,
    decoded: { kind: "enum", value: 2, name: "GREEN" },
  },
  {
    field: "f_enum",
    value: -1,
    hex: "60ffffffffffffffffff01",
    type: "fixture.p3.Color",
    tagBytes: 1,
    decoded: { kind: "enum", value: -1, name: "NEGATIVE" },
  },
  {
    field: "f_enum",
    value: 7,
    hex: "6007",
    type: "fixture.p3.Color",
    tagBytes: 1,
    decoded: { kind: "enum", value: 7, name: undefined },
  },
  {
    field: "f_sfixed32",
    value: -2,
    hex: "6dfeffffff",
    type: "sfixed32",
    tagBytes: 1,
    decoded: int(-2),
  },
  {
    field: "f_sfixed64",
    value: "-2",
    hex: "71feffffffffffffff",
    type: "sfixed64",
    tagBytes: 1,
    decoded: int(-2n),
  },
  { field: "f_sint32", value: -3, hex: "7805", type: "sint32", tagBytes: 1, decoded: int(-3) },
  {
    field: "f_sint32",
    value: 2147483647,
    hex: "78feffffff0f",
    type: "sint32",
    tagBytes: 1,
    decoded: int(2147483647),
  },
  {
    field: "f_sint32",
    value: -2147483648,
    hex: "78ffffffff0f",
    type: "sint32",
    tagBytes: 1,
    decoded: int(-2147483648),
  },
  {
    field: "f_sint64",
    value: "-9223372036854775808",
    hex: "8001ffffffffffffffffff01",
    type: "sint64",
    tagBytes: 2,
    decoded: int(-9223372036854775808n),
  },
  {
    field: "f_sint64",
    value: "300",
    hex: "8001d804",
    type: "sint64",
    tagBytes: 2,
    decoded: int(300n),
  },
  {
    field: "max_number",
    value: 1,
    hex: "f8ffffff0f01",
    type: "int32",
    tagBytes: 5,
    decoded: int(1),
  },
];

describe("every scalar type (AllTypes, base 1000)", () => {
  for (const c of SCALAR_CASES) {
    it(`${c.field} = ${JSON.stringify(c.value)}`, () => {
      const bytes = encode(AllTypes, { [c.field]: c.value });
      expect(bytesToHex(bytes)).toBe(c.hex);
      const m = walkMessage(AllTypes, bytes, 1000);
      expect(m.issues).toEqual([]);
      const end = 1000 + bytes.length;
      const isLen = c.type === "string" || c.type === "bytes";
      const valueStart = 1000 + c.tagBytes + (isLen ? 1 : 0);
      expect(m.fields.map(shape)).toEqual([
        {
          number: AllTypes.fields[c.field]?.id,
          name: c.field,
          type: c.type,
          span: [1000, end],
          tag: [1000, 1000 + c.tagBytes],
          ...(isLen ? { length: [1000 + c.tagBytes, valueStart] } : {}),
          value: [valueStart, end],
          decoded: c.decoded,
        },
      ]);
    });
  }
});

describe("repeated fields, packed and unpacked", () => {
  it("packed int32 [1, -1, 300]: one LEN field whose elements tile its value", () => {
    const bytes = encode(AllTypes, { r_int32: [1, -1, 300] });
    expect(bytesToHex(bytes)).toBe("9a020d01ffffffffffffffffff01ac02");
    const m = walkMessage(AllTypes, bytes, 0);
    expect(m.issues).toEqual([]);
    const el = (s: number, e: number, v: number): Shape => ({
      number: 35,
      name: "r_int32",
      type: "int32",
      span: [s, e],
      tag: [s, s],
      value: [s, e],
      decoded: int(v),
    });
    expect(m.fields.map(shape)).toEqual([
      {
        number: 35,
        name: "r_int32",
        type: "int32",
        span: [0, 16],
        tag: [0, 2],
        length: [2, 3],
        value: [3, 16],
        children: [el(3, 4, 1), el(4, 14, -1), el(14, 16, 300)],
      },
    ]);
    expect(decodedOf(m.fields[0])?.kind).toBe("packed");
  });

  it("unpacked int32 [1, 2]: one VARINT field per element", () => {
    const bytes = encode(AllTypes, { u_int32: [1, 2] });
    expect(bytesToHex(bytes)).toBe("980301980302");
    const m = walkMessage(AllTypes, bytes, 0);
    expect(m.fields.map((f) => [fieldDecoded(f), fieldSpan(f), f.wireType])).toEqual([
      [int(1), [0, 3], 0],
      [int(2), [3, 6], 0],
    ]);
  });

  const crossCases = [
    { name: "packed bytes for a [packed=false] field", hex: "9a03020102", kinds: ["packed"] },
    { name: "unpacked bytes for a packed field", hex: "980201980202", kinds: ["int", "int"] },
    { name: "packed fixed32 for a [packed=false] field", hex: "aa030401000000", kinds: ["packed"] },
    {
      name: "unpacked sint32 for a proto2 [packed=true] field",
      hex: "080028012802",
      kinds: ["int", "int", "int"],
    },
  ];
  for (const c of crossCases) {
    it(`accepts ${c.name}`, () => {
      const type = c.name.includes("proto2") ? Proto2 : AllTypes;
      const m = walkMessage(type, hexToBytes(c.hex), 0);
      expect(m.issues).toEqual([]);
      expect(m.fields.map((f) => fieldDecoded(f).kind)).toEqual(c.kinds);
      expect(m.fields.every((f) => f.facts.type !== "unknown")).toBe(true);
    });
  }

  it("proto2 packed sint32 [1, -1] decodes zigzag elements", () => {
    const bytes = encode(Proto2, { req: 0, r_packed: [1, -1] });
    expect(bytesToHex(bytes)).toBe("08002a020201");
    const packed = decodedOf(walkMessage(Proto2, bytes, 0).fields[1]);
    expect(packed?.kind === "packed" && packed.elements.map((e) => fieldDecoded(e))).toEqual([
      int(1),
      int(-1),
    ]);
  });

  it("a packed fixed32 value cut short: the elements read, the tail a fatal issue, the next field read", () => {
    // r_fixed32 (37) LEN 5: 01000000 0a | f_int32 (5) = 1
    const m = walkMessage(AllTypes, hexToBytes("aa0205010000000a2801"), 0);
    expect(m.issues).toEqual([issue("TRUNCATED_FIXED", 7, 8, true)]);
    const packed = decodedOf(m.fields[0]);
    expect(packed?.kind === "packed" && packed.elements.map((e) => fieldDecoded(e))).toEqual([
      int(1),
    ]);
    expect(decodedOf(m.fields[1])).toEqual(int(1));
  });

  it("a packed varint cut short: TRUNCATED_VARINT over the tail of the value only", () => {
    const m = walkMessage(AllTypes, hexToBytes("9a020201ff2801"), 0);
    expect(m.issues).toEqual([issue("TRUNCATED_VARINT", 4, 5, true)]);
    expect(m.fields.map((f) => f.facts.name)).toEqual(["r_int32", "f_int32"]);
  });
});

describe("enums, maps, oneofs, nested messages", () => {
  it("map<string, string>: an entry per element, marked mapEntry, key = 1 and value = 2", () => {
    const bytes = encode(AllTypes, { m_string_string: { a: "b" } });
    expect(bytesToHex(bytes)).toBe("b204060a0161120162");
    const [f] = walkMessage(AllTypes, bytes, 0).fields;
    expect(f?.facts.mapEntry).toBe(true);
    expect(f && shape(f)).toEqual({
      number: 70,
      name: "m_string_string",
      type: "map<string, string>",
      span: [0, 9],
      tag: [0, 2],
      length: [2, 3],
      value: [3, 9],
      children: [
        {
          number: 1,
          name: "key",
          type: "string",
          span: [3, 6],
          tag: [3, 4],
          length: [4, 5],
          value: [5, 6],
          decoded: { kind: "string", value: "a" },
        },
        {
          number: 2,
          name: "value",
          type: "string",
          span: [6, 9],
          tag: [6, 7],
          length: [7, 8],
          value: [8, 9],
          decoded: { kind: "string", value: "b" },
        },
      ],
    });
  });

  it("map<int64, string> and map<bool, Color> keys and values", () => {
    const m = walkMessage(
      AllTypes,
      encode(AllTypes, { m_int64_string: { "-7": "x" }, m_bool_enum: { true: 2 } }),
      0,
    );
    const entries = m.fields.map((f) => {
      const d = fieldDecoded(f);
      return d.kind === "message" ? d.fields.map((c) => fieldDecoded(c)) : [];
    });
    expect(entries).toEqual([
      [
        { kind: "bool", value: true },
        { kind: "enum", value: 2, name: "GREEN" },
      ],
      [int(-7n), { kind: "string", value: "x" }],
    ]);
    expect(m.fields.map((f) => f.facts.type)).toEqual([
      "map<bool, fixture.p3.Color>",
      "map<int64, string>",
    ]);
  });

  it("oneof members carry the oneof's name; a proto3 optional field does not", () => {
    const m = walkMessage(AllTypes, encode(AllTypes, { opt_int32: 0, o_string: "hi" }), 0);
    expect(m.fields.map((f) => [f.facts.name, f.facts.oneof])).toEqual([
      ["opt_int32", undefined],
      ["o_string", "choice"],
    ]);
  });

  it("a nested message's children tile its value span", () => {
    const bytes = encode(AllTypes, { nested: { a: 1, b: "x" } });
    expect(bytesToHex(bytes)).toBe("a201050801120178");
    const [f] = walkMessage(AllTypes, bytes, 10).fields;
    expect(f && shape(f)).toMatchObject({
      type: "fixture.p3.Nested",
      value: [13, 18],
      children: [
        { name: "a", span: [13, 15], decoded: int(1) },
        { name: "b", span: [15, 18], decoded: { kind: "string", value: "x" } },
      ],
    });
  });

  it("names: json_name, underscores and the proto name are kept apart", () => {
    const m = walkMessage(
      AllTypes,
      encode(AllTypes, { json_named: 1, snake_case_name_2: 2, _under__score_: 3 }),
      0,
    );
    expect(m.fields.map((f) => [f.facts.name, f.facts.jsonName])).toEqual([
      ["json_named", "customJson"],
      ["snake_case_name_2", "snakeCaseName2"],
      ["_under__score_", "UnderScore"],
    ]);
  });
});

describe("proto2: groups, extensions, closed enums", () => {
  it("protobufjs parses the proto2 fixture with groups (keepCase: true and default) and round-trips it", () => {
    for (const keepCase of [true, false]) {
      const r = loadFixtures(["all-types-proto2.proto"], keepCase);
      const t = r.lookupType("fixture.p2.Proto2");
      // protobufjs names a group's field lcFirst(group name) whatever keepCase says: "sub_Part".
      const obj = {
        req: 1,
        result: { url: "u", rank: 2 },
        item: [{ id: 1, sub_Part: { deep: true } }],
      };
      expect(t.toObject(t.decode(t.encode(t.fromObject(obj)).finish()))).toEqual(obj);
    }
    expect(fixtureText("all-types-proto2.proto")).toContain("optional group Result = 8");
  });

  it("an optional group: value span = the contents, groupEnd = the end-group tag", () => {
    const bytes = encode(Proto2, { req: 0, result: { url: "u", rank: 2 } });
    expect(bytesToHex(bytes)).toBe("0800434a0175500244");
    const m = walkMessage(Proto2, bytes, 0);
    expect(m.issues).toEqual([]);
    const g = m.fields[1];
    expect(g && shape(g)).toEqual({
      number: 8,
      name: "result",
      type: "group",
      span: [2, 9],
      tag: [2, 3],
      value: [3, 8],
      children: [
        {
          number: 9,
          name: "url",
          type: "string",
          span: [3, 6],
          tag: [3, 4],
          length: [4, 5],
          value: [5, 6],
          decoded: { kind: "string", value: "u" },
        },
        {
          number: 10,
          name: "rank",
          type: "int32",
          span: [6, 8],
          tag: [6, 7],
          value: [7, 8],
          decoded: int(2),
        },
      ],
    });
    expect(g?.wireType).toBe(3);
    expect(g?.facts.jsonName).toBe("result");
    expect(g && fieldGroupEnd(g)).toEqual([8, 9]);
  });

  it("repeated groups with a nested group; protoc's names (lowercased group name)", () => {
    const bytes = encode(Proto2, {
      req: 0,
      item: [{ id: 1, sub_Part: { deep: true } }, { id: 2 }],
    });
    expect(bytesToHex(bytes)).toBe("08005b60016b70016c5c5b60025c");
    const m = walkMessage(Proto2, bytes, 0);
    expect(m.issues).toEqual([]);
    expect(
      m.fields.map((f) => [f.facts.name, fieldSpan(f), fieldValue(f), fieldGroupEnd(f)]),
    ).toEqual([
      ["req", [0, 2], [1, 2], undefined],
      ["item", [2, 10], [3, 9], [9, 10]],
      ["item", [10, 14], [11, 13], [13, 14]],
    ]);
    const first = decodedOf(m.fields[1]);
    const sub = first?.kind === "message" ? first.fields[1] : undefined;
    expect(
      sub && [
        sub.facts.name,
        sub.facts.jsonName,
        sub.facts.type,
        fieldSpan(sub),
        fieldValue(sub),
        fieldGroupEnd(sub),
      ],
    ).toEqual(["sub_part", "subPart", "group", [5, 9], [6, 8], [8, 9]]);
  });

  it("an extension field is named by its full name, JSON name in brackets", () => {
    const bytes = encode(Proto2, { req: 0, ".fixture.p2.ext_value": 5 });
    expect(bytesToHex(bytes)).toBe("0800a00605");
    const f = walkMessage(Proto2, bytes, 0).fields[1];
    expect(f && [f.facts.name, f.facts.jsonName, f.facts.type, fieldDecoded(f)]).toEqual([
      "fixture.p2.ext_value",
      "[fixture.p2.ext_value]",
      "int32",
      int(5),
    ]);
  });

  it("keepCase: false gives the same names and tree as keepCase: true", () => {
    const other = loadFixtures(FILES, false);
    const samples: [string, Uint8Array][] = [
      [
        "fixture.p3.AllTypes",
        encode(AllTypes, {
          f_double: 1,
          snake_case_name_2: 2,
          json_named: 3,
          _under__score_: 4,
          m_string_nested: { k: { a: 1 } },
          o_nested: { b: "x" },
        }),
      ],
      [
        "fixture.p2.Proto2",
        encode(Proto2, { req: 0, item: [{ id: 1, sub_Part: { deep: true } }], kind_map: { a: 2 } }),
      ],
    ];
    for (const [name, bytes] of samples) {
      const a = walkMessage(root.lookupType(name), bytes, 0);
      const b = walkMessage(other.lookupType(name), bytes, 0);
      expect(b).toEqual(a);
    }
  });
});

describe("unknown fields are kept raw, one per wire type", () => {
  it("VARINT, I64, LEN, I32 and a group with a child", () => {
    // 4: varint 150 | 5: fixed64 1 | 6: LEN abcd | 7: fixed32 1 | 8: group { 1: varint 1 }
    const hex = "209601" + "290100000000000000" + "3202abcd" + "3d01000000" + "43080144";
    const m = walkMessage(Nested, hexToBytes(hex), 0);
    expect(m.issues).toEqual([]);
    expect(
      m.fields.map((f) => [f.number, f.facts.type, f.facts.name, f.wireType, fieldSpan(f)]),
    ).toEqual([
      [4, "unknown", undefined, 0, [0, 3]],
      [5, "unknown", undefined, 1, [3, 12]],
      [6, "unknown", undefined, 2, [12, 16]],
      [7, "unknown", undefined, 5, [16, 21]],
      [8, "unknown", undefined, 3, [21, 25]],
    ]);
    expect(m.fields.slice(0, 4).map((f) => fieldDecoded(f))).toEqual([
      int(150n),
      int(1n),
      { kind: "bytes", value: Uint8Array.of(0xab, 0xcd) },
      int(1),
    ]);
    const group = decodedOf(m.fields[4]);
    expect(
      group?.kind === "message" &&
        group.fields.map((f) => [f.number, f.facts.type, fieldDecoded(f)]),
    ).toEqual([[1, "unknown", int(1n)]]);
  });
});

describe("malformed input becomes issues at their offset, and no byte is lost", () => {
  const cases: {
    name: string;
    type?: protobuf.Type;
    hex: string;
    issues: Issue[] | unknown[];
    fields: string[];
  }[] = [
    {
      name: "truncated tag varint after a field",
      hex: "080180",
      issues: [issue("TRUNCATED_VARINT", 2, 3, true)],
      fields: ["a"],
    },
    {
      name: "truncated value varint",
      hex: "08ff",
      issues: [issue("TRUNCATED_VARINT", 0, 2, true)],
      fields: [],
    },
    {
      name: "11-byte varint",
      hex: "08" + "ff".repeat(10) + "01",
      issues: [issue("MALFORMED_VARINT", 0, 12, true)],
      fields: [],
    },
    {
      name: "LEN length past the end",
      hex: "12056162",
      issues: [issue("LENGTH_PAST_END", 0, 4, true)],
      fields: [],
    },
    {
      name: "LEN length varint truncated",
      hex: "0801128080",
      issues: [issue("TRUNCATED_VARINT", 2, 5, true)],
      fields: ["a"],
    },
    {
      name: "invalid wire type 6",
      hex: "08010e",
      issues: [issue("INVALID_WIRE_TYPE", 2, 3, true)],
      fields: ["a"],
    },
    {
      name: "invalid wire type 7",
      hex: "0f01",
      issues: [issue("INVALID_WIRE_TYPE", 0, 2, true)],
      fields: [],
    },
    {
      name: "field number 0",
      hex: "0001",
      issues: [issue("FIELD_NUMBER_ZERO", 0, 2, true)],
      fields: [],
    },
    {
      name: "tag over 32 bits",
      hex: "8080808010",
      issues: [issue("INVALID_FIELD_NUMBER", 0, 5, true)],
      fields: [],
    },
    {
      name: "fixed64 cut short",
      hex: "2901020304",
      issues: [issue("TRUNCATED_FIXED", 0, 5, true)],
      fields: [],
    },
    {
      name: "invalid UTF-8 in a string: the bytes are kept raw",
      hex: "1202c3280801",
      issues: [issue("INVALID_UTF8", 2, 3, false)],
      fields: ["b", "a"],
    },
    {
      name: "end-group tag outside a group",
      hex: "08010c",
      issues: [issue("END_GROUP_MISMATCH", 2, 3, true)],
      fields: ["a"],
    },
    {
      name: "wire type that does not match the schema: kept as unknown",
      hex: "0a01781001",
      issues: [issue("WIRE_TYPE_MISMATCH", 0, 1, false), issue("WIRE_TYPE_MISMATCH", 3, 4, false)],
      fields: ["?", "?"],
    },
    {
      name: "an error inside a nested message stays inside it",
      hex: "1a0208ff0801",
      issues: [issue("TRUNCATED_VARINT", 2, 4, true)],
      fields: ["child", "a"],
    },
    {
      name: "end-group mismatch inside a group",
      type: Proto2,
      hex: "0801434c",
      issues: [issue("END_GROUP_MISMATCH", 3, 4, true)],
      fields: ["req", "result"],
    },
    {
      name: "unterminated group",
      type: Proto2,
      hex: "0801434a0175",
      issues: [issue("UNTERMINATED_GROUP", 2, 3, false)],
      fields: ["req", "result"],
    },
    {
      name: "error inside a group stops the enclosing message",
      type: Proto2,
      hex: "0801434a05750801",
      issues: [issue("LENGTH_PAST_END", 3, 8, true)],
      fields: ["req", "result"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const type = c.type ?? Nested;
      const bytes = hexToBytes(c.hex);
      const m = walkMessage(type, bytes, 0);
      expect(m.issues).toEqual(c.issues);
      expect(m.fields.map((f) => f.facts.name ?? "?")).toEqual(c.fields);
      expect(uncovered(m, bytes.length)).toEqual([]);
    });
  }

  it("invalid UTF-8: the raw node keeps the string's bytes and type", () => {
    const f = walkMessage(Nested, hexToBytes("1202c328"), 0).fields[0];
    expect(f && [f.facts.type, fieldDecoded(f)]).toEqual([
      "string",
      { kind: "raw", value: Uint8Array.of(0xc3, 0x28) },
    ]);
  });

  it("an unterminated group's node runs to the end of the message", () => {
    const g = walkMessage(Proto2, hexToBytes("0801434a0175"), 0).fields[1];
    expect(g && [fieldSpan(g), fieldValue(g), fieldGroupEnd(g)]).toEqual([
      [2, 6],
      [3, 6],
      undefined,
    ]);
  });

  it("issue spans are absolute (base added)", () => {
    const m = walkMessage(Nested, hexToBytes("12056162"), 5000);
    expect(m.issues.map((i) => i.span)).toEqual([[5000, 5004]]);
  });
});

describe("nesting depth", () => {
  const chain = (levels: number): Uint8Array => {
    let bytes = Uint8Array.of(0x08, 0x01); // a = 1 at the bottom
    for (let k = 0; k < levels; k++) {
      const next = new Uint8Array(bytes.length + 3);
      next.set([0x1a, 0x80 | (bytes.length & 0x7f), bytes.length >> 7]);
      next.set(bytes, 3);
      bytes = next;
    }
    return bytes;
  };
  const depthOfRaw = (m: DecodedMessage): number => {
    let depth = 0;
    let fields = m.fields;
    for (;;) {
      const child = fields.find((f) => f.number === 3);
      if (child === undefined) return -1;
      depth++;
      const d = fieldDecoded(child);
      if (d.kind === "raw") return depth;
      if (d.kind !== "message") return -1;
      fields = d.fields;
    }
  };

  it(`MAX_DEPTH (${MAX_DEPTH}) levels decode; one more is kept raw with DEPTH_LIMIT`, () => {
    expect(MAX_DEPTH).toBe(100);
    const ok = walkMessage(Nested, chain(MAX_DEPTH), 0);
    expect(ok.issues).toEqual([]);
    const deep = chain(MAX_DEPTH + 1);
    const m = walkMessage(Nested, deep, 0);
    expect(codes(m)).toEqual(["DEPTH_LIMIT"]);
    expect(depthOfRaw(m)).toBe(MAX_DEPTH + 1);
    expect(uncovered(m, deep.length)).toEqual([]);
  });

  it("maxDepth 2: the third level is raw, its span the DEPTH_LIMIT issue's", () => {
    const bytes = chain(5);
    const m = walkMessage(Nested, bytes, 0, { maxDepth: 2 });
    expect(codes(m)).toEqual(["DEPTH_LIMIT"]);
    expect(depthOfRaw(m)).toBe(3);
    let node = m.fields[0];
    for (let d = decodedOf(node); d?.kind === "message"; d = decodedOf(node)) node = d.fields[0];
    expect(node && m.issues[0]?.span).toEqual(node && fieldValue(node));
  });

  it("a group too deep is skipped to its end-group tag and kept raw; later fields still decode", () => {
    const bytes = encode(Proto2, {
      req: 0,
      item: [{ id: 1, sub_Part: { deep: true } }],
      opt_int64: 3,
    });
    const m = walkMessage(Proto2, bytes, 0, { maxDepth: 1 });
    expect(codes(m)).toEqual(["DEPTH_LIMIT"]);
    expect(m.fields.map((f) => f.facts.name)).toEqual(["req", "opt_int64", "item"]);
    const item = decodedOf(m.fields[2]);
    const sub = item?.kind === "message" ? item.fields[1] : undefined;
    expect(sub && [fieldDecoded(sub).kind, fieldGroupEnd(sub), m.issues[0]?.span]).toEqual([
      "raw",
      [10, 11],
      sub && fieldValue(sub),
    ]);
  });

  it("a deep chain of unknown groups never overflows the stack", () => {
    const n = 100_000;
    const bytes = new Uint8Array(2 * n);
    bytes.fill(0x7b, 0, n); // start group 15 (unknown to Nested)
    bytes.fill(0x7c, n); // end group 15
    const m = walkMessage(Nested, bytes, 0);
    expect(codes(m)).toEqual(["DEPTH_LIMIT"]);
    expect(uncovered(m, bytes.length)).toEqual([]);
  });
});
