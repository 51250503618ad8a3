import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { loadSchemas } from "../../web/src/session/schema-load.js";
import { INTEGER_RANGES, type IntegerKind } from "../../web/src/ui/compose-int.js";
import { encodeJsonMessage } from "../../web/src/ui/compose-json.js";

const KINDS = Object.keys(INTEGER_RANGES) as IntegerKind[];

// One field of every integer kind, named after it (int32Field = 1, ...), and a map keyed by int64.
const proto = `syntax = "proto3";
message Ints {
${KINDS.map((k, i) => `  ${k} ${k}Field = ${i + 1};`).join("\n")}
  map<int64, string> byId = 20;
}`;
const loaded = loadSchemas([{ name: "ints.proto", text: proto }]);
if (!loaded.ok) throw new Error(loaded.error.text);
const ints = loaded.root.lookupType("Ints");

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");

/** The problems found with `{ KINDField: value }`, as "path: text". */
function problems(kind: IntegerKind, value: string | number): string[] {
  const r = encodeJsonMessage(ints, JSON.stringify({ [`${kind}Field`]: value }));
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.text}`);
}

const cases = KINDS.flatMap((kind) => {
  const [min, max] = INTEGER_RANGES[kind];
  const range = `${kind}Field: ${kind} takes a whole number from ${min} to ${max}`;
  return [
    { kind, what: "min", value: min, range, fits: true },
    { kind, what: "max", value: max, range, fits: true },
    { kind, what: "min - 1", value: min - 1n, range, fits: false },
    { kind, what: "max + 1", value: max + 1n, range, fits: false },
  ];
});

describe("integer fields: every kind's bounds", () => {
  it.each(cases)("$kind $what as a string", ({ kind, value, range, fits }) => {
    expect(problems(kind, String(value))).toEqual(fits ? [] : [range]);
  });

  it.each(cases)("$kind $what as a number", ({ kind, value, range, fits }) => {
    const n = Number(value);
    if (BigInt(n) === value && Number.isSafeInteger(n))
      expect(problems(kind, n)).toEqual(fits ? [] : [range]);
    // 2^63 - 1 reads as 2^63 and 2^64 - 1 as 2^64: the digits written are already lost.
    else
      expect(problems(kind, n)).toEqual([
        `${range}; beyond 2^53 a JSON number is not exact: write it as a string`,
      ]);
  });

  it.each(KINDS.filter((k) => k.endsWith("64")))(
    "%s takes numbers up to 2^53 - 1 and refuses 2^53 + 2 as a number",
    (kind) => {
      expect(problems(kind, Number.MAX_SAFE_INTEGER)).toEqual([]);
      expect(problems(kind, 2 ** 53 + 2)).toHaveLength(1);
      expect(problems(kind, String(2 ** 53 + 2))).toEqual([]);
    },
  );

  it.each(cases.filter((c) => c.fits))(
    "$kind $what is written as protobufjs's writer writes it, not wrapped",
    ({ kind, value }) => {
      const r = encodeJsonMessage(ints, JSON.stringify({ [`${kind}Field`]: String(value) }));
      const field = ints.fields[`${kind}Field`];
      const wire = (protobuf.types.basic as Record<string, number>)[kind] ?? -1;
      const w = protobuf.Writer.create().uint32(((field?.id ?? 0) << 3) | wire);
      const write = w[kind].bind(w) as (v: string | number) => protobuf.Writer;
      const n = kind.endsWith("64") ? String(value) : Number(value);
      expect(r.ok && hex(r.bytes)).toBe(hex(write(n).finish()));
    },
  );
});

describe("integer fields: values that used to be wrapped or accepted", () => {
  it("refuses 99999999999999999999999 for int64 (it was sent mod 2^64)", () => {
    expect(problems("int64", "99999999999999999999999")).toEqual([
      "int64Field: int64 takes a whole number from -9223372036854775808 to 9223372036854775807",
    ]);
  });

  it('refuses "-5" for uint64 and fixed64', () => {
    expect(problems("uint64", "-5")).toEqual([
      "uint64Field: uint64 takes a whole number from 0 to 18446744073709551615",
    ]);
    expect(problems("fixed64", "-5")).toHaveLength(1);
  });

  it.each(["1.5", "+5", " 5", "0x10", "", "5e3"])("refuses the string %j", (text) => {
    expect(problems("int64", text)).toEqual([
      "int64Field: int64 takes a whole number from -9223372036854775808 to 9223372036854775807, as digits",
    ]);
  });

  it("refuses a fraction and a boolean as numbers", () => {
    expect(problems("int32", 1.5)).toHaveLength(1);
    expect(problems("uint32", true as unknown as number)).toHaveLength(1);
  });

  it("checks map keys against their integer kind", () => {
    const r = encodeJsonMessage(ints, '{"byId":{"9223372036854775808":"a","x":"b","-1":"c"}}');
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual([
      "byId[9223372036854775808]",
      "byId[x]",
    ]);
    const json = { byId: { "9223372036854775807": "a", "-9223372036854775808": "b" } };
    const ok = encodeJsonMessage(ints, JSON.stringify(json));
    expect(ok.ok && hex(ok.bytes)).toBe(hex(ints.encode(ints.fromObject(json)).finish()));
  });
});
