import type protobuf from "protobufjs";
import protojson from "protobufjs/ext/protojson.js";
import { describe, expect, it } from "vitest";
import { fieldDecoded } from "../../web/src/decode/field-decode.js";
import type { Issue } from "../../web/src/decode/issue.js";
import type { FieldNode } from "../../web/src/decode/proto-tree.js";
import {
  floatJson,
  jsonIssues,
  messageToJson,
  type JsonValue,
} from "../../web/src/decode/proto-json.js";
import { mayHoldCheckedValue } from "../../web/src/decode/proto-json-wkt.js";
import { getTypeInfo } from "../../web/src/decode/schema-walk-info.js";
import { loadSchemas } from "../../web/src/session/schema-load.js";
import { walkMessage } from "../../web/src/decode/schema-walk.js";
import { loadFixtures } from "../fixtures/proto/load.js";
import { hexToBytes } from "./helpers.js";

const root = loadFixtures(["kv.proto", "all-types-proto3.proto", "all-types-proto2.proto"]);
const AllTypes = root.lookupType("fixture.p3.AllTypes");
const Nested = root.lookupType("fixture.p3.Nested");
const Proto2 = root.lookupType("fixture.p2.Proto2");
const WellKnown = root.lookupType("fixture.p3.WellKnown");
const CommandRequest = root.lookupType("abi.CommandRequest");

const encode = (type: protobuf.Type, obj: Record<string, unknown>): Uint8Array =>
  type.encode(type.fromObject(obj)).finish();
const jsonOfBytes = (type: protobuf.Type, bytes: Uint8Array): JsonValue =>
  messageToJson(walkMessage(type, bytes, 0), type);
const jsonOf = (type: protobuf.Type, obj: Record<string, unknown>): JsonValue =>
  jsonOfBytes(type, encode(type, obj));
const jsonOfHex = (type: protobuf.Type, hex: string): JsonValue =>
  jsonOfBytes(type, hexToBytes(hex));

describe("scalars in the canonical mapping", () => {
  it("kv hset", () => {
    const obj = { hset: { table: "t1", pair: { key: "k", value: { string: "v" } } } };
    expect(jsonOf(CommandRequest, obj)).toEqual({
      hset: { table: "t1", pair: { key: "k", value: { string: "v" } } },
    });
  });

  it("every scalar type: 64-bit as strings, bytes as base64, enums by name, lowerCamelCase keys", () => {
    const json = jsonOf(AllTypes, {
      f_double: 1.5,
      f_float: 0.1,
      f_int64: "-5",
      f_uint64: "18446744073709551615",
      f_int32: -1,
      f_fixed64: "1234605616436508552",
      f_fixed32: 4294967295,
      f_bool: true,
      f_string: "héllo",
      f_bytes: [0, 255, 1],
      f_uint32: 4294967295,
      f_enum: 2,
      f_sfixed32: -2,
      f_sfixed64: "-2",
      f_sint32: -3,
      f_sint64: "-9223372036854775808",
      json_named: 7,
      snake_case_name_2: 8,
      _under__score_: 9,
      max_number: 10,
    });
    expect(json).toEqual({
      fDouble: 1.5,
      fFloat: 0.1,
      fInt64: "-5",
      fUint64: "18446744073709551615",
      fInt32: -1,
      fFixed64: "1234605616436508552",
      fFixed32: 4294967295,
      fBool: true,
      fString: "héllo",
      fBytes: "AP8B",
      fUint32: 4294967295,
      fEnum: "GREEN",
      fSfixed32: -2,
      fSfixed64: "-2",
      fSint32: -3,
      fSint64: "-9223372036854775808",
      customJson: 7,
      snakeCaseName2: 8,
      UnderScore: 9,
      maxNumber: 10,
    });
    expect(JSON.stringify(json)).toContain('"fFloat":0.1,');
  });

  const floats: [string, number, JsonValue][] = [
    ["NaN", NaN, "NaN"],
    ["Infinity", Infinity, "Infinity"],
    ["-Infinity", -Infinity, "-Infinity"],
    ["largest float", 3.4028234663852886e38, 3.4028235e38],
    ["smallest subnormal", Math.fround(1e-45), 1e-45],
    ["2^24 + 1 rounds to 2^24", 16777217, 16777216],
    ["1/3", 1 / 3, 0.33333334],
  ];
  for (const [name, value, expected] of floats) {
    it(`float ${name} prints ${JSON.stringify(expected)}`, () => {
      expect(jsonOf(AllTypes, { f_float: value })).toEqual({ fFloat: expected });
      expect(floatJson(Math.fround(value))).toEqual(expected);
    });
  }
  it("double NaN and infinities are strings, in repeated fields too", () => {
    expect(jsonOf(AllTypes, { f_double: -Infinity, r_double: [NaN, Infinity, 0.1] })).toEqual({
      fDouble: "-Infinity",
      rDouble: ["NaN", "Infinity", 0.1],
    });
  });
  it("bytes base64 is standard with padding", () => {
    expect(jsonOf(AllTypes, { r_bytes: [[0xfb], [0xfb, 0xff], [0xfb, 0xff, 0xbf], []] })).toEqual({
      rBytes: ["+w==", "+/8=", "+/+/", ""],
    });
  });
  it("unknown enum values print as numbers (proto3: open enums)", () => {
    expect(jsonOfHex(AllTypes, "6007")).toEqual({ fEnum: 7 });
    expect(jsonOf(AllTypes, { r_enum: [1, 9, -1] })).toEqual({ rEnum: ["RED", 9, "NEGATIVE"] });
  });
});

describe("presence, repetition and merging", () => {
  it("proto3 fields holding their default are omitted, even when on the wire", () => {
    // f_int32 0, f_string "", f_bool false, f_enum 0, f_bytes "", f_double 0
    expect(
      jsonOfHex(AllTypes, "2800" + "4a00" + "4000" + "6000" + "5200" + "090000000000000000"),
    ).toEqual({});
  });
  it("fields with presence print their default: optional, oneof members, messages", () => {
    expect(jsonOfHex(AllTypes, "880100")).toEqual({ optInt32: 0 });
    expect(jsonOfHex(AllTypes, "800500")).toEqual({ oInt32: 0 });
    expect(jsonOfHex(AllTypes, "a20100")).toEqual({ nested: {} });
  });
  it("-0.0 is not the default", () => {
    const json = jsonOfHex(AllTypes, "090000000000000080");
    expect(Object.is((json as { fDouble: number }).fDouble, -0)).toBe(true);
  });
  it("the last occurrence of a singular scalar wins", () => {
    expect(jsonOfHex(AllTypes, "2801" + "2802")).toEqual({ fInt32: 2 });
  });
  it("repeated occurrences concatenate, packed and unpacked mixed", () => {
    // r_int32 packed [1, 2], unpacked 3, packed [4]
    expect(jsonOfHex(AllTypes, "9a02020102" + "980203" + "9a020104")).toEqual({
      rInt32: [1, 2, 3, 4],
    });
  });
  it("a singular message that occurs more than once is merged", () => {
    // nested {a: 1, child {a: 5}}, nested {b: "x", child {b: "y"}}, nested {a: 2}
    const first = "0801" + "1a020805";
    const second = "120178" + "1a03120179";
    const hex = `a201${byte(first)}${first}a201${byte(second)}${second}a201020802`;
    expect(jsonOfHex(AllTypes, hex)).toEqual({ nested: { a: 2, b: "x", child: { a: 5, b: "y" } } });
  });
  it("a oneof keeps the last member set; an earlier member's message is not merged", () => {
    expect(jsonOfHex(AllTypes, "8005058a050173")).toEqual({ oString: "s" });
    // o_nested {a: 1}, o_string "s", o_nested {b: "x"}
    expect(jsonOfHex(AllTypes, "920502" + "0801" + "8a050173" + "920503" + "120178")).toEqual({
      oNested: { b: "x" },
    });
  });
  it("unknown fields and fields with a mismatched wire type are left out", () => {
    expect(jsonOfHex(Nested, "0801" + "209601" + "3202abcd" + "1001")).toEqual({ a: 1 });
  });
  it("an invalid UTF-8 string prints with U+FFFD", () => {
    expect(jsonOfHex(Nested, "1203c32861")).toEqual({ b: "\ufffd(a" });
  });
});

describe("maps", () => {
  it("keys are strings; the last entry for a key wins", () => {
    const entry = (k: string, v: string) => `0a01${k}1201${v}`;
    const hex = `b20406${entry("61", "62")}b20406${entry("61", "63")}`;
    expect(jsonOfHex(AllTypes, hex)).toEqual({ mStringString: { a: "c" } });
  });
  it("every key type and value kind", () => {
    const json = jsonOf(AllTypes, {
      m_int32_int64: { "-1": "5" },
      m_bool_enum: { true: 2, false: 7 },
      m_uint32_bytes: { 4294967295: [1] },
      m_string_nested: { k: { a: 1 } },
      m_fixed32_float: { 1: 0.1 },
      m_sint32_double: { "-3": NaN },
      m_int64_string: { "-7": "x", "9223372036854775807": "y" },
    });
    expect(json).toEqual({
      mInt32Int64: { "-1": "5" },
      mBoolEnum: { true: "GREEN", false: 7 },
      mUint32Bytes: { "4294967295": "AQ==" },
      mStringNested: { k: { a: 1 } },
      mFixed32Float: { "1": 0.1 },
      mSint32Double: { "-3": "NaN" },
      mInt64String: { "-7": "x", "9223372036854775807": "y" },
    });
  });
  it("an entry without key or value uses the defaults", () => {
    expect(jsonOfHex(AllTypes, "b20400")).toEqual({ mStringString: { "": "" } });
    expect(jsonOfHex(AllTypes, "d20403" + "0a016b")).toEqual({ mStringNested: { k: {} } });
    expect(jsonOfHex(AllTypes, "ba0400")).toEqual({ mInt32Int64: { "0": "0" } });
  });
  it('a "__proto__" key is an ordinary key', () => {
    const json = jsonOf(AllTypes, { m_string_string: JSON.parse('{"__proto__":"x"}') as object });
    expect(Object.keys((json as { mStringString: object }).mStringString)).toEqual(["__proto__"]);
    expect(JSON.stringify(json)).toBe('{"mStringString":{"__proto__":"x"}}');
  });
});

describe("proto2", () => {
  it("present fields print, defaults included; absent ones do not, whatever their [default]", () => {
    expect(jsonOf(Proto2, { req: 0, opt_string: "" })).toEqual({ req: 0, optString: "" });
    expect(jsonOf(Proto2, { req: 0 })).toEqual({ req: 0 });
  });
  it("groups print as objects under protoc's JSON names", () => {
    const obj = {
      req: 1,
      result: { url: "u", rank: 2 },
      item: [{ id: 1, sub_Part: { deep: true } }, { id: 2 }],
    };
    expect(jsonOf(Proto2, obj)).toEqual({
      req: 1,
      result: { url: "u", rank: 2 },
      item: [{ id: 1, subPart: { deep: true } }, { id: 2 }],
    });
  });
  it("closed enums: unknown values are unknown fields (left out; the last known value wins)", () => {
    // kind 1, kind 9 | kinds 1, 9, 2 | kind_map {a: 9}, {b: 2}
    const hex =
      "0800" + "3001" + "3009" + "3801" + "3809" + "3802" + "aa01050a01611009" + "aa01050a01621002";
    expect(jsonOfHex(Proto2, hex)).toEqual({
      req: 0,
      kind: "KIND_ONE",
      kinds: ["KIND_ONE", "KIND_TWO"],
      kindMap: { b: "KIND_TWO" },
    });
  });
  it("an extension prints under [full.name]", () => {
    expect(jsonOf(Proto2, { req: 0, ".fixture.p2.ext_value": 5 })).toEqual({
      req: 0,
      "[fixture.p2.ext_value]": 5,
    });
  });
});

const url = (name: string) => `type.googleapis.com/${name}`;
const anyOf = (type: protobuf.Type, obj: Record<string, unknown>) => ({
  type_url: url(type.fullName.slice(1)),
  value: encode(type, obj),
});
const Timestamp = root.lookupType("google.protobuf.Timestamp");
const Empty = root.lookupType("google.protobuf.Empty");
const Any = root.lookupType("google.protobuf.Any");

describe("well-known types", () => {
  const cases: [string, Record<string, unknown>, JsonValue][] = [
    [
      "Timestamp from the spec",
      { timestamp: { seconds: 63108020, nanos: 21000000 } },
      { timestamp: "1972-01-01T10:00:20.021Z" },
    ],
    ["Timestamp epoch", { timestamp: {} }, { timestamp: "1970-01-01T00:00:00Z" }],
    [
      "Timestamp 6 digits",
      { timestamp: { nanos: 1000 } },
      { timestamp: "1970-01-01T00:00:00.000001Z" },
    ],
    [
      "Timestamp 9 digits",
      { timestamp: { nanos: 1 } },
      { timestamp: "1970-01-01T00:00:00.000000001Z" },
    ],
    [
      "Timestamp 3 digits",
      { timestamp: { nanos: 10000000 } },
      { timestamp: "1970-01-01T00:00:00.010Z" },
    ],
    [
      "Timestamp min",
      { timestamp: { seconds: "-62135596800" } },
      { timestamp: "0001-01-01T00:00:00Z" },
    ],
    [
      "Timestamp max",
      { timestamp: { seconds: "253402300799", nanos: 999999999 } },
      { timestamp: "9999-12-31T23:59:59.999999999Z" },
    ],
    [
      "Timestamp out of range: generic form",
      { timestamp: { seconds: "253402300800" } },
      { timestamp: { seconds: "253402300800" } },
    ],
    [
      "Timestamp repeated",
      { timestamps: [{ seconds: 1 }, { seconds: 2 }] },
      { timestamps: ["1970-01-01T00:00:01Z", "1970-01-01T00:00:02Z"] },
    ],
    [
      "Duration from the spec",
      { duration: { seconds: 1, nanos: 340012 } },
      { duration: "1.000340012s" },
    ],
    [
      "Duration negative below a second",
      { duration: { nanos: -500000000 } },
      { duration: "-0.500s" },
    ],
    [
      "Duration negative",
      { duration: { seconds: -1, nanos: -500000000 } },
      { duration: "-1.500s" },
    ],
    ["Duration whole", { duration: { seconds: 3 } }, { duration: "3s" }],
    ["Duration zero", { duration: {} }, { duration: "0s" }],
    [
      "Duration signs disagree: generic form",
      { duration: { seconds: 1, nanos: -1 } },
      { duration: { seconds: "1", nanos: -1 } },
    ],
    [
      "Any of a message",
      { any: anyOf(Nested, { a: 1, b: "x" }) },
      { any: { "@type": url("fixture.p3.Nested"), a: 1, b: "x" } },
    ],
    [
      "Any of a Timestamp",
      { any: anyOf(Timestamp, { seconds: 1 }) },
      { any: { "@type": url("google.protobuf.Timestamp"), value: "1970-01-01T00:00:01Z" } },
    ],
    ["Any of Empty", { any: anyOf(Empty, {}) }, { any: { "@type": url("google.protobuf.Empty") } }],
    [
      "Any of an Any",
      { any: anyOf(Any, anyOf(Nested, { a: 1 })) },
      {
        any: {
          "@type": url("google.protobuf.Any"),
          value: { "@type": url("fixture.p3.Nested"), a: 1 },
        },
      },
    ],
    [
      "Any of a type the Root lacks",
      { any: { type_url: url("no.Such"), value: [8, 1] } },
      { any: { "@type": url("no.Such"), value: "CAE=" } },
    ],
    ["Any empty", { any: {} }, { any: {} }],
    [
      "Any naming a oneof, not a type",
      { any: { type_url: url("fixture.p3.AllTypes.choice"), value: [8, 1] } },
      { any: { "@type": url("fixture.p3.AllTypes.choice"), value: "CAE=" } },
    ],
    [
      "Struct",
      {
        struct: {
          fields: {
            a: { numberValue: 1 },
            b: {
              listValue: {
                values: [
                  { stringValue: "x" },
                  { nullValue: 0 },
                  { boolValue: true },
                  { structValue: {} },
                ],
              },
            },
          },
        },
      },
      { struct: { a: 1, b: ["x", null, true, {}] } },
    ],
    ["Struct empty", { struct: {} }, { struct: {} }],
    ["Value string", { value: { stringValue: "s" } }, { value: "s" }],
    ["Value null", { value: { nullValue: 0 } }, { value: null }],
    ["Value zero", { value: { numberValue: 0 } }, { value: 0 }],
    [
      "ListValue",
      { list: { values: [{ numberValue: 1 }, { stringValue: "a" }] } },
      { list: [1, "a"] },
    ],
    ["ListValue empty", { list: {} }, { list: [] }],
    ["FieldMask", { mask: { paths: ["foo_bar", "baz.qux_quux"] } }, { mask: "fooBar,baz.quxQuux" }],
    ["FieldMask empty", { mask: {} }, { mask: "" }],
    ["Empty", { empty: {} }, { empty: {} }],
    [
      "wrappers",
      {
        double_value: { value: 1.5 },
        float_value: { value: 0.1 },
        int64_value: { value: "-3" },
        uint64_value: { value: "3" },
        int32_value: { value: -4 },
        uint32_value: { value: 4 },
        bool_value: { value: true },
        string_value: { value: "s" },
        bytes_value: { value: [1] },
      },
      {
        doubleValue: 1.5,
        floatValue: 0.1,
        int64Value: "-3",
        uint64Value: "3",
        int32Value: -4,
        uint32Value: 4,
        boolValue: true,
        stringValue: "s",
        bytesValue: "AQ==",
      },
    ],
    [
      "wrappers holding defaults",
      { int32_value: {}, bool_value: {}, string_value: {}, int64_value: {} },
      { int32Value: 0, boolValue: false, stringValue: "", int64Value: "0" },
    ],
    [
      "map of Values",
      { values: { k: { numberValue: 2 }, n: { nullValue: 0 } } },
      { values: { k: 2, n: null } },
    ],
  ];
  for (const [name, obj, expected] of cases) {
    it(name, () => {
      expect(jsonOf(WellKnown, obj)).toEqual(expected);
    });
  }

  it("a value with no JSON form is an issue at its message's bytes; the generic form is printed", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { timestamp: { seconds: "253402300800" } },
        /^Timestamp \{seconds: 253402300800, nanos: 0\} is outside/,
      ],
      [{ timestamp: { seconds: 1, nanos: -1 } }, /^Timestamp \{seconds: 1, nanos: -1\} is outside/],
      [{ duration: { seconds: 1, nanos: -1 } }, /^Duration \{seconds: 1, nanos: -1\} is outside/],
    ];
    for (const [obj, text] of cases) {
      const bytes = encode(WellKnown, obj);
      const walked = walkMessage(WellKnown, bytes, 0);
      const issues: Issue[] = [];
      messageToJson(walked, WellKnown, issues);
      // The issue covers the fields of the nested message: the outer field's value.
      const outer = walked.fields[0];
      expect(issues).toEqual([
        {
          code: "INVALID_WELL_KNOWN_VALUE",
          text: expect.stringMatching(text) as string,
          span: [outer?.valueStart, outer?.valueEnd],
          fatal: false,
        },
      ]);
    }
    // Inside an Any, the packed message is walked where its bytes are: the span is in the stream.
    const inAny = encode(WellKnown, {
      any: anyOf(Timestamp, { seconds: "253402300800" }),
    });
    const base = 1000;
    const walkedAny = walkMessage(WellKnown, inAny, base);
    const anyIssues: Issue[] = [];
    messageToJson(walkedAny, WellKnown, anyIssues);
    const packed = fieldDecoded(walkedAny.fields[0] as FieldNode);
    const value = packed.kind === "message" ? packed.fields.find((f) => f.number === 2) : undefined;
    expect(anyIssues.map((i) => [i.code, i.span])).toEqual([
      ["INVALID_WELL_KNOWN_VALUE", [value?.valueStart, value?.valueEnd]],
    ]);
    expect(value?.valueStart).toBeGreaterThan(base);
    // In range: no issue.
    const issues: Issue[] = [];
    const ok = encode(WellKnown, {
      timestamp: { seconds: "253402300799" },
      duration: { seconds: 3 },
    });
    messageToJson(walkMessage(WellKnown, ok, 0), WellKnown, issues);
    expect(issues).toEqual([]);
  });

  it("jsonIssues finds the same issues without keeping the JSON, and skips types that cannot hold one", () => {
    const bad = walkMessage(
      WellKnown,
      encode(WellKnown, { duration: { seconds: 1, nanos: -1 } }),
      0,
    );
    expect(jsonIssues(bad, WellKnown).map((i) => i.code)).toEqual(["INVALID_WELL_KNOWN_VALUE"]);
    const loaded = loadSchemas([
      {
        name: "reach.proto",
        text: `syntax = "proto3"; package reach; import "google/protobuf/timestamp.proto";
          import "google/protobuf/any.proto";
          message A { B b = 1; google.protobuf.Timestamp t = 2; }
          message B { A a = 1; }
          message Loop { Loop next = 1; map<string, B> m = 2; }
          message Plain { Plain next = 1; string s = 2; map<string, Plain> m = 3; }
          message Packed { google.protobuf.Any any = 1; }`,
      },
    ]);
    if (!loaded.ok) throw new Error(loaded.error.text);
    const holds = (name: string) => mayHoldCheckedValue(getTypeInfo(loaded.root.lookupType(name)));
    // A first: while A is being looked at, B reaches A again; B must still be found to hold
    // A's Timestamp when asked afterwards.
    expect(["reach.A", "reach.B", "reach.Loop", "reach.Packed"].map(holds)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(holds("reach.Plain")).toBe(false);
    expect(mayHoldCheckedValue(getTypeInfo(CommandRequest))).toBe(false);
  });

  it("protobufjs's protojson agrees on the in-range cases", () => {
    // Left out: out-of-range values (the official runtimes fail; we print the generic form), an
    // Any whose type is missing (they fail; we print the bytes), Any of Empty (protobuf-java
    // prints no "value"), and floats (protojson prints 0.1f as 0.10000000149011612, Java and
    // C++ print 0.1).
    const skip = ["generic form", "Any of Empty", "lacks", "oneof, not", "wrappers"];
    for (const [name, obj, expected] of cases) {
      if (skip.some((s) => name.includes(s)) && name !== "wrappers holding defaults") continue;
      const message = WellKnown.decode(encode(WellKnown, obj));
      expect([name, protojson.toJson(WellKnown, message)]).toEqual([name, expected]);
    }
  });

  it("Value with no kind set prints null", () => {
    expect(jsonOfHex(WellKnown, "2a00")).toEqual({ value: null });
  });
});

function byte(hex: string): string {
  return (hex.length / 2).toString(16).padStart(2, "0");
}
