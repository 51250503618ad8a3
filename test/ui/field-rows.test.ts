import { describe, expect, it } from "vitest";
import { loadFixtures } from "../fixtures/proto/load.js";
import { decodePayload } from "../../web/src/decode/payload.js";
import { walkRaw } from "../../web/src/decode/raw-walk.js";
import { walkMessage } from "../../web/src/decode/schema-walk.js";
import {
  DEFAULT_OPEN_DEPTH,
  fieldLabel,
  fieldMetaText,
  fieldValueText,
  flattenFields,
  readingText,
  wireTypeName,
} from "../../web/src/ui/field-rows.js";

/** 1: {1: "users", 2: "alice"}, 3: 150, 4: packed varints [1, 2, 3] read as bytes or packed. */
const PAYLOAD = Uint8Array.of(
  ...[0x0a, 0x0e, 0x0a, 0x05, ...Array.from("users", (c) => c.charCodeAt(0))],
  ...[0x12, 0x05, ...Array.from("alice", (c) => c.charCodeAt(0))],
  ...[0x18, 0x96, 0x01],
);
const fields = walkRaw(PAYLOAD, 0).fields;

const AllTypes = loadFixtures(["all-types-proto3.proto"]).lookupType("fixture.p3.AllTypes");
const schemaRows = (obj: Record<string, unknown>) =>
  flattenFields(
    walkMessage(AllTypes, AllTypes.encode(AllTypes.fromObject(obj)).finish(), 0).fields,
    new Map(),
  );

describe("field rows", () => {
  it("lists open fields depth first with their paths", () => {
    const rows = flattenFields(fields, new Map());
    expect(rows.map((r) => [r.key, r.depth, r.hasChildren, r.open])).toEqual([
      ["0", 0, true, true],
      ["0.0", 1, false, false],
      ["0.1", 1, false, false],
      ["1", 0, false, false],
    ]);
  });

  it("hides the children of a closed field, and opens deep ones on demand", () => {
    expect(flattenFields(fields, new Map([["0", false]])).map((r) => r.key)).toEqual(["0", "1"]);
    expect(DEFAULT_OPEN_DEPTH).toBeGreaterThanOrEqual(2);
  });

  it("labels fields by name or number and writes values on one line", () => {
    const rows = flattenFields(fields, new Map());
    expect(rows.map(fieldLabel)).toEqual(["#1", "#1", "#2", "#3"]);
    expect(rows.map((r) => fieldValueText(r.node))).toEqual([
      "{2 fields}",
      '"users"',
      '"alice"',
      "150 (zigzag 75)",
    ]);
    expect(wireTypeName(2)).toBe("LEN");
    expect(wireTypeName(7)).toBe("7");
  });

  it("says what a schemaless LEN field was read as and what else it could be", () => {
    const inner = flattenFields(fields, new Map())[1];
    expect(inner === undefined ? undefined : readingText(inner.node)).toMatch(/^read as string/);
  });

  it("names the oneof a field belongs to beside its number, wire type and type", () => {
    const rows = schemaRows({ o_int32: 7, f_int32: 3 });
    expect(rows.map(fieldMetaText)).toEqual(["#5 VARINT int32", "#80 VARINT int32 · oneof choice"]);
  });

  it("reads a map entry as key → value, a missing key or value as (unset)", () => {
    const rows = schemaRows({ m_string_string: { alice: "admin" }, m_int32_int64: { 7: 0 } });
    const entries = rows.filter((r) => r.depth === 0);
    expect(entries.map(fieldMetaText)).toEqual([
      "#70 LEN map<string, string>",
      "#71 LEN map<int32, int64>",
    ]);
    // protobufjs writes the default value too; without it the value reads (unset).
    expect(entries.map((r) => fieldValueText(r.node))).toEqual(['"alice" → "admin"', "7 → 0"]);
    const noValue = walkMessage(AllTypes, Uint8Array.of(0xba, 0x04, 0x02, 0x08, 0x07), 0).fields;
    expect(noValue.map(fieldValueText)).toEqual(["7 → (unset)"]);
  });

  it("a payload that does not decompress is one row that says so, not a field #0", () => {
    const gz = { kind: "length", length: 3, flags: 0x80000000, gzip: true } as const;
    const rows = flattenFields(
      decodePayload(Uint8Array.of(1, 2, 3), 0, gz, undefined).fields,
      new Map(),
    );
    expect(rows.map((r) => [fieldLabel(r), fieldMetaText(r)])).toEqual([
      ["compressed payload", "bytes, not decompressed"],
    ]);
  });
});
