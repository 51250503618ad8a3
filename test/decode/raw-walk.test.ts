import { describe, expect, it } from "vitest";
import {
  fieldAlternatives,
  fieldDecoded,
  fieldFloat,
  fieldZigzag,
} from "../../web/src/decode/field-decode.js";
import type { IssueCode } from "../../web/src/decode/issue.js";
import { fieldGroupEnd, fieldValue, type FieldNode } from "../../web/src/decode/proto-tree.js";
import { walkRaw } from "../../web/src/decode/raw-walk.js";
import { readAs } from "../../web/src/decode/raw-walk-reading.js";
import { bytesToHex, hexToBytes } from "./helpers.js";
import { checkNested, decodedOf, loadKv, shape, skeleton, type Shape } from "./raw-walk-helpers.js";

interface Case {
  name: string;
  hex: string;
  base?: number;
  maxDepth?: number;
  fields: Shape[];
  issues?: { code: IssueCode; span: [number, number]; fatal: boolean }[];
}

const str = (n: number, at: number, len: number, text: string): Shape => ({
  n,
  wt: 2,
  reading: "string",
  tag: [at, at + 1],
  length: [at + 1, at + 2],
  value: [at + 2, at + 2 + len],
  span: [at, at + 2 + len],
  v: text,
});
const int = (n: number, at: number, end: number, v: number | bigint, tagLen = 1): Shape => ({
  n,
  wt: 0,
  tag: [at, at + tagLen],
  value: [at + tagLen, end],
  span: [at, end],
  v,
});

const cases: Case[] = [
  { name: "LEN string", hex: "0a05776f726c64", fields: [str(1, 0, 5, "world")] },
  {
    name: "LEN string at stream offset 1000",
    hex: "0a05776f726c64",
    base: 1000,
    fields: [
      {
        ...str(1, 0, 5, "world"),
        tag: [1000, 1001],
        length: [1001, 1002],
        value: [1002, 1007],
        span: [1000, 1007],
      },
    ],
  },
  {
    name: "varint then a nested message",
    hex: "08c8011a070a05776f726c64",
    fields: [
      int(1, 0, 3, 200),
      {
        n: 3,
        wt: 2,
        reading: "message",
        tag: [3, 4],
        length: [4, 5],
        value: [5, 12],
        span: [3, 12],
        v: [str(1, 5, 5, "world")],
      },
    ],
  },
  {
    name: "\\n\\x03abc is a message, not text (it has control characters)",
    hex: "12050a03616263",
    fields: [
      {
        n: 2,
        wt: 2,
        reading: "message",
        tag: [0, 1],
        length: [1, 2],
        value: [2, 7],
        span: [0, 7],
        v: [str(1, 2, 3, "abc")],
      },
    ],
  },
  {
    name: "printable text that also parses as a flat message stays a string",
    hex: "0a026869",
    fields: [str(1, 0, 2, "hi")],
  },
  {
    name: "printable text whose message reading holds a group is a message",
    hex: "0a0423686924",
    fields: [
      {
        n: 1,
        wt: 2,
        reading: "message",
        tag: [0, 1],
        length: [1, 2],
        value: [2, 6],
        span: [0, 6],
        v: [{ n: 4, wt: 3, tag: [2, 3], value: [3, 5], span: [2, 6], v: [int(13, 3, 5, 105)] }],
      },
    ],
  },
  {
    name: "empty LEN",
    hex: "0a00",
    fields: [
      {
        n: 1,
        wt: 2,
        reading: "bytes",
        tag: [0, 1],
        length: [1, 2],
        value: [2, 2],
        span: [0, 2],
        v: "",
      },
    ],
  },
  {
    name: "small varints that are not a message are bytes",
    hex: "2203010203",
    fields: [
      {
        n: 4,
        wt: 2,
        reading: "bytes",
        tag: [0, 1],
        length: [1, 2],
        value: [2, 5],
        span: [0, 5],
        v: "010203",
      },
    ],
  },
  {
    name: "binary bytes",
    hex: "1204ff00ff00",
    fields: [
      {
        n: 2,
        wt: 2,
        reading: "bytes",
        tag: [0, 1],
        length: [1, 2],
        value: [2, 6],
        span: [0, 6],
        v: "ff00ff00",
      },
    ],
  },
  {
    name: "group, then a varint",
    hex: "0b08010c1002",
    fields: [
      { n: 1, wt: 3, tag: [0, 1], value: [1, 3], span: [0, 4], v: [int(1, 1, 3, 1)] },
      int(2, 4, 6, 2),
    ],
  },
  {
    name: "group inside a group",
    hex: "0b130801140c",
    fields: [
      {
        n: 1,
        wt: 3,
        tag: [0, 1],
        value: [1, 5],
        span: [0, 6],
        v: [{ n: 2, wt: 3, tag: [1, 2], value: [2, 4], span: [1, 5], v: [int(1, 2, 4, 1)] }],
      },
    ],
  },
  { name: "largest field number", hex: "f8ffffff0f01", fields: [int(536870911, 0, 6, 1, 5)] },
  {
    name: "varint 2^53 - 1 is a number",
    hex: "08ffffffffffffff0f",
    fields: [int(1, 0, 9, 2 ** 53 - 1)],
  },
  { name: "varint 2^53 is a bigint", hex: "088080808080808010", fields: [int(1, 0, 9, 2n ** 53n)] },
  {
    name: "varint 2^64 - 1",
    hex: "08ffffffffffffffffff01",
    fields: [int(1, 0, 11, 2n ** 64n - 1n)],
  },
  {
    name: "fixed32 and fixed64",
    hex: "0d0000803f110000000000000040",
    fields: [
      { n: 1, wt: 5, tag: [0, 1], value: [1, 5], span: [0, 5], v: 0x3f800000 },
      { n: 2, wt: 1, tag: [5, 6], value: [6, 14], span: [5, 14], v: 0x4000000000000000n },
    ],
  },
  // Malformed input: the walk stops with one fatal issue spanning the rest.
  {
    name: "truncated tag varint",
    hex: "ff",
    fields: [],
    issues: [{ code: "TRUNCATED_VARINT", span: [0, 1], fatal: true }],
  },
  {
    name: "truncated varint value",
    hex: "0896",
    fields: [],
    issues: [{ code: "TRUNCATED_VARINT", span: [0, 2], fatal: true }],
  },
  {
    name: "truncated varint after a good field",
    hex: "080108",
    fields: [int(1, 0, 2, 1)],
    issues: [{ code: "TRUNCATED_VARINT", span: [2, 3], fatal: true }],
  },
  {
    name: "varint longer than 10 bytes",
    hex: "08ffffffffffffffffffff01",
    fields: [],
    issues: [{ code: "MALFORMED_VARINT", span: [0, 12], fatal: true }],
  },
  {
    name: "missing length",
    hex: "0a",
    fields: [],
    issues: [{ code: "TRUNCATED_VARINT", span: [0, 1], fatal: true }],
  },
  {
    name: "length past end",
    hex: "0a056869",
    fields: [],
    issues: [{ code: "LENGTH_PAST_END", span: [0, 4], fatal: true }],
  },
  {
    name: "length above 2^53",
    hex: "0affffffffffffffffff01",
    fields: [],
    issues: [{ code: "LENGTH_PAST_END", span: [0, 11], fatal: true }],
  },
  {
    name: "field 0",
    hex: "00",
    fields: [],
    issues: [{ code: "FIELD_NUMBER_ZERO", span: [0, 1], fatal: true }],
  },
  {
    name: "field 0 after a good field",
    hex: "08010001",
    fields: [int(1, 0, 2, 1)],
    issues: [{ code: "FIELD_NUMBER_ZERO", span: [2, 4], fatal: true }],
  },
  {
    name: "tag above 32 bits",
    hex: "8080808010",
    fields: [],
    issues: [{ code: "INVALID_FIELD_NUMBER", span: [0, 5], fatal: true }],
  },
  {
    name: "wire type 7",
    hex: "0f",
    fields: [],
    issues: [{ code: "INVALID_WIRE_TYPE", span: [0, 1], fatal: true }],
  },
  {
    name: "wire type 6",
    hex: "0e0102",
    fields: [],
    issues: [{ code: "INVALID_WIRE_TYPE", span: [0, 3], fatal: true }],
  },
  {
    name: "truncated fixed32",
    hex: "0d0000",
    fields: [],
    issues: [{ code: "TRUNCATED_FIXED", span: [0, 3], fatal: true }],
  },
  {
    name: "truncated fixed64",
    hex: "0900000000000000",
    fields: [],
    issues: [{ code: "TRUNCATED_FIXED", span: [0, 8], fatal: true }],
  },
  {
    name: "end-group with no group open",
    hex: "0c",
    fields: [],
    issues: [{ code: "END_GROUP_MISMATCH", span: [0, 1], fatal: true }],
  },
  {
    name: "end-group of another field",
    hex: "0b1c",
    fields: [{ n: 1, wt: 3, tag: [0, 1], value: [1, 1], span: [0, 1], v: [] }],
    issues: [
      { code: "END_GROUP_MISMATCH", span: [1, 2], fatal: true },
      { code: "UNTERMINATED_GROUP", span: [0, 1], fatal: false },
    ],
  },
  {
    name: "group left open at the end",
    hex: "0b0801",
    fields: [{ n: 1, wt: 3, tag: [0, 1], value: [1, 3], span: [0, 3], v: [int(1, 1, 3, 1)] }],
    issues: [{ code: "UNTERMINATED_GROUP", span: [0, 1], fatal: false }],
  },
  // Depth: top level is 0; deeper LEN fields stay bytes, deeper groups stop the walk.
  {
    name: "maxDepth 1: a message two levels down stays bytes",
    hex: "0a040a020801",
    maxDepth: 1,
    fields: [
      {
        n: 1,
        wt: 2,
        reading: "message",
        tag: [0, 1],
        length: [1, 2],
        value: [2, 6],
        span: [0, 6],
        v: [
          {
            n: 1,
            wt: 2,
            reading: "bytes",
            tag: [2, 3],
            length: [3, 4],
            value: [4, 6],
            span: [2, 6],
            v: "0801",
          },
        ],
      },
    ],
    issues: [{ code: "DEPTH_LIMIT", span: [4, 6], fatal: false }],
  },
  {
    name: "maxDepth 1: a group inside a group stops the walk",
    hex: "0b0b0c0c",
    maxDepth: 1,
    fields: [{ n: 1, wt: 3, tag: [0, 1], value: [1, 1], span: [0, 1], v: [] }],
    issues: [
      { code: "DEPTH_LIMIT", span: [1, 4], fatal: true },
      { code: "UNTERMINATED_GROUP", span: [0, 1], fatal: false },
    ],
  },
  {
    name: "maxDepth 0: printable text at the limit is a string, without an issue",
    hex: "0a026869",
    maxDepth: 0,
    fields: [str(1, 0, 2, "hi")],
  },
];

describe("walkRaw: fields and spans", () => {
  for (const c of cases) {
    it(c.name, () => {
      const bytes = hexToBytes(c.hex);
      const base = c.base ?? 0;
      const m = walkRaw(bytes, base, c.maxDepth === undefined ? {} : { maxDepth: c.maxDepth });
      expect(m.fields.map(shape)).toEqual(c.fields);
      expect(m.issues.map((i) => ({ code: i.code, span: i.span, fatal: i.fatal }))).toEqual(
        c.issues ?? [],
      );
      expect(m.span).toEqual([base, base + bytes.length]);
      expect(m.source).toEqual({ kind: "stream" });
      expect(m.typeName).toBeUndefined();
      const problems: string[] = [];
      for (const f of m.fields) checkNested(f, m.span, problems);
      expect(problems).toEqual([]);
    });
  }
});

const only = (hex: string, options = {}): FieldNode => {
  const f = walkRaw(hexToBytes(hex), 0, options).fields[0];
  if (f === undefined) throw new Error(`no field in ${hex}`);
  return f;
};

describe("walkRaw: alternatives and scalar readings", () => {
  const alternatives: [string, string, string[]][] = [
    ["printable string", "0a05776f726c64", ["packed-varint", "bytes"]],
    ["string that parses as a message", "0a026869", ["message", "packed-varint", "bytes"]],
    ["message that is valid UTF-8 but not printable", "12050a03616263", ["packed-varint", "bytes"]],
    ["empty LEN", "0a00", ["string", "message"]],
    ["control characters", "2203010203", ["packed-varint"]],
    ["invalid UTF-8, 4 bytes", "1204ff00ff00", ["packed-varint", "packed-fixed32"]],
    [
      "8 bytes ending in a continuation byte",
      "12080000000000000080",
      ["packed-fixed32", "packed-fixed64"],
    ],
    [
      "message with a group, 4 printable bytes",
      "0a0423686924",
      ["string", "packed-varint", "packed-fixed32", "bytes"],
    ],
  ];
  for (const [name, hex, want] of alternatives) {
    it(name, () => expect(fieldAlternatives(only(hex))).toEqual(want));
  }

  it("varints carry their zigzag reading", () => {
    expect(fieldZigzag(only("0803"))).toBe(-2);
    expect(fieldZigzag(only("0804"))).toBe(2);
    expect(fieldZigzag(only("08ffffffffffffffffff01"))).toBe(-(2n ** 63n));
    expect(fieldZigzag(only("08feffffffffffffffff01"))).toBe(2n ** 63n - 1n);
    expect(fieldZigzag(only("08feffffffffffff1f"))).toBe(2 ** 53 - 1);
  });

  it("fixed fields carry their float reading", () => {
    expect(fieldFloat(only("0d0000803f"))).toBe(1);
    expect(fieldFloat(only("090000000000000040"))).toBe(2);
    expect(fieldFloat(only("0d0000c0ff"))).toBeNaN();
  });

  it("a group records its end tag", () => {
    expect(fieldGroupEnd(only("0b08010c"))).toEqual([3, 4]);
    expect(fieldGroupEnd(only("0b0801"))).toBeUndefined();
  });

  it("schemaless nodes have no names and say what the wire holds", () => {
    const f = only("0801");
    expect([f.facts.name, f.facts.jsonName, f.facts.oneof, f.facts.mapEntry, f.facts.type]).toEqual(
      [undefined, undefined, undefined, false, "varint"],
    );
    expect(only("0d00000000").facts.type).toBe("fixed32");
    expect(only("0b0c").facts.type).toBe("group");
    expect(only("0a026869").facts.type).toBe("string");
  });

  it("bytes are a view of the input, not a copy", () => {
    const bytes = hexToBytes("1204ff00ff00");
    const d = decodedOf(walkRaw(bytes, 0).fields[0]);
    expect(d?.kind === "bytes" && d.value.buffer === bytes.buffer).toBe(true);
  });
});

describe("walkRaw: deep nesting", () => {
  const nest = (levels: number): Uint8Array => {
    let inner = [0x08, 0x01];
    for (let k = 0; k < levels; k++) {
      const len: number[] = [];
      let n = inner.length;
      while (n >= 0x80) {
        len.push((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      len.push(n);
      inner = [0x0a, ...len, ...inner];
    }
    return Uint8Array.from(inner);
  };
  const chain = (fields: readonly FieldNode[]): string[] => {
    const out: string[] = [];
    let f = fields[0];
    while (f !== undefined) {
      out.push(f.facts.reading ?? f.facts.type);
      const d = fieldDecoded(f);
      f = d.kind === "message" ? d.fields[0] : undefined;
    }
    return out;
  };

  it("150 nested messages: 100 are read as messages, the 101st stays bytes with one DEPTH_LIMIT", () => {
    const bytes = nest(150);
    const m = walkRaw(bytes, 0);
    const readings = chain(m.fields);
    expect(readings.slice(0, 100).every((r) => r === "message")).toBe(true);
    expect(readings.slice(100)).toEqual(["bytes"]);
    expect(m.issues.map((i) => [i.code, i.fatal])).toEqual([["DEPTH_LIMIT", false]]);
  });

  it("maxDepth is clamped to the ceiling, so huge nesting cannot exhaust the stack", () => {
    const m = walkRaw(nest(1500), 0, { maxDepth: 1e9 });
    expect(chain(m.fields).length).toBe(1001);
    expect(m.issues.map((i) => i.code)).toEqual(["DEPTH_LIMIT"]);
  });

  it("deeply nested groups stop at the limit without throwing", () => {
    const bytes = new Uint8Array(4000).fill(0x0b);
    const m = walkRaw(bytes, 0);
    expect(m.issues.filter((i) => i.fatal).map((i) => [i.code, i.span])).toEqual([
      ["DEPTH_LIMIT", [100, 4000]],
    ]);
    expect(m.issues.filter((i) => i.code === "UNTERMINATED_GROUP")).toHaveLength(100);
  });
});

describe("walkRaw: long values are scanned before they are read as a message", () => {
  // field 1 = 150, `count` times (3 bytes each), as the value of LEN field 1
  const repeated = (count: number, damageLast: boolean): Uint8Array => {
    const inner = Array.from({ length: count }, () => [0x08, 0x96, 0x01]).flat();
    if (damageLast) inner[inner.length - 1] = 0x81; // the last varint now runs past the end
    return Uint8Array.from([0x0a, inner.length, ...inner]);
  };
  const cases: [string, number, boolean, string, number, string[]][] = [
    [
      "72 bytes that are one message",
      24,
      false,
      "message",
      24,
      ["packed-varint", "packed-fixed32", "packed-fixed64", "bytes"],
    ],
    [
      "72 bytes whose last varint is cut",
      24,
      true,
      "bytes",
      0,
      ["packed-fixed32", "packed-fixed64"],
    ],
    [
      "12 bytes that are one message",
      4,
      false,
      "message",
      4,
      ["packed-varint", "packed-fixed32", "bytes"],
    ],
    ["12 bytes whose last varint is cut", 4, true, "bytes", 0, ["packed-fixed32"]],
  ];
  for (const [name, count, damaged, reading, children, alternatives] of cases) {
    it(name, () => {
      const m = walkRaw(repeated(count, damaged), 0);
      expect(m.issues).toEqual([]);
      const f = m.fields[0];
      expect(f?.facts.reading).toBe(reading);
      expect(f && fieldAlternatives(f)).toEqual(alternatives);
      const d = decodedOf(f);
      expect(d?.kind === "message" ? d.fields.length : 0).toBe(children);
      expect(f && fieldValue(f)).toEqual([2, 2 + 3 * count]);
    });
  }
});

describe("readAs: the alternatives on demand", () => {
  it("packed varints", () => {
    const v = readAs(hexToBytes("01ac0203"), 10, 4, "packed-varint");
    expect(v.kind === "packed" && v.elements.map(shape)).toEqual([
      { n: 4, wt: 0, tag: [10, 10], value: [10, 11], span: [10, 11], v: 1 },
      { n: 4, wt: 0, tag: [11, 11], value: [11, 13], span: [11, 13], v: 300 },
      { n: 4, wt: 0, tag: [13, 13], value: [13, 14], span: [13, 14], v: 3 },
    ]);
  });

  it("packed fixed32 and fixed64", () => {
    const f32 = readAs(hexToBytes("0000803f00000040"), 0, 1, "packed-fixed32");
    expect(
      f32.kind === "packed" && f32.elements.map((e) => [fieldValue(e), fieldFloat(e)]),
    ).toEqual([
      [[0, 4], 1],
      [[4, 8], 2],
    ]);
    const f64 = readAs(hexToBytes("000000000000f83f"), 0, 1, "packed-fixed64");
    expect(f64.kind === "packed" && f64.elements.map((e) => fieldFloat(e))).toEqual([1.5]);
  });

  it("bytes that do not fit the reading come back raw", () => {
    expect(readAs(hexToBytes("0000803f00"), 0, 1, "packed-fixed32").kind).toBe("raw");
    expect(readAs(hexToBytes("0180"), 0, 1, "packed-varint").kind).toBe("raw");
    expect(readAs(hexToBytes("ff"), 0, 1, "string").kind).toBe("raw");
    expect(readAs(hexToBytes("0a05"), 0, 1, "message").kind).toBe("raw");
  });

  it("message and string readings", () => {
    const m = readAs(hexToBytes("6869"), 7, 1, "message");
    expect(m.kind === "message" && m.fields.map(shape)).toEqual([int(13, 7, 9, 105)]);
    expect(readAs(hexToBytes("6869"), 7, 1, "string")).toEqual({ kind: "string", value: "hi" });
    const b = readAs(hexToBytes("6869"), 7, 1, "bytes");
    expect(b.kind === "bytes" && bytesToHex(b.value)).toBe("6869");
  });
});

describe("walkRaw: kv server messages encoded by protobufjs", () => {
  const root = loadKv();
  const request = root.lookupType("abi.CommandRequest");
  const response = root.lookupType("abi.CommandResponse");
  const encode = (type: typeof request, obj: object): Uint8Array =>
    type.encode(type.fromObject(obj)).finish();

  it("hset", () => {
    const bytes = encode(request, {
      hset: { table: "t", pair: { key: "k", value: { integer: 5 } } },
    });
    expect(bytesToHex(bytes)).toBe("220c0a017412070a016b12021805");
    const m = walkRaw(bytes, 0);
    expect(m.issues).toEqual([]);
    expect(skeleton(m.fields)).toEqual([
      {
        n: 4,
        wt: 2,
        sub: [
          { n: 1, wt: 2 },
          {
            n: 2,
            wt: 2,
            sub: [
              { n: 1, wt: 2 },
              { n: 2, wt: 2, sub: [{ n: 3, wt: 0 }] },
            ],
          },
        ],
      },
    ]);
    const hset = m.fields[0];
    const hsetValue = decodedOf(hset);
    const table = hsetValue?.kind === "message" ? hsetValue.fields[0] : undefined;
    expect(decodedOf(table)).toEqual({ kind: "string", value: "t" });
  });

  it("a response with every kind of value and a pair", () => {
    const bytes = encode(response, {
      status: 200,
      message: "ok",
      values: [
        { string: "world" },
        { integer: 42 },
        { float: 1.5 },
        { bool: true },
        { binary: [0, 1, 2] },
      ],
      pairs: [{ key: "k", value: { string: "v" } }],
    });
    const m = walkRaw(bytes, 0);
    expect(m.issues).toEqual([]);
    expect(skeleton(m.fields)).toEqual([
      { n: 1, wt: 0 },
      { n: 2, wt: 2 },
      { n: 3, wt: 2, sub: [{ n: 1, wt: 2 }] },
      { n: 3, wt: 2, sub: [{ n: 3, wt: 0 }] },
      { n: 3, wt: 2, sub: [{ n: 4, wt: 1 }] },
      { n: 3, wt: 2, sub: [{ n: 5, wt: 0 }] },
      { n: 3, wt: 2, sub: [{ n: 2, wt: 2 }] },
      {
        n: 4,
        wt: 2,
        sub: [
          { n: 1, wt: 2 },
          { n: 2, wt: 2, sub: [{ n: 1, wt: 2 }] },
        ],
      },
    ]);
    const leaf = (f: FieldNode): unknown => {
      const float = fieldFloat(f);
      if (float !== undefined) return float;
      const d = fieldDecoded(f);
      if (d.kind === "bytes") return bytesToHex(d.value);
      return d.kind === "int" || d.kind === "string" ? d.value : d.kind;
    };
    const leaves = (fs: readonly FieldNode[]): unknown[] =>
      fs.flatMap((f) => {
        const d = fieldDecoded(f);
        return d.kind === "message"
          ? leaves(d.fields)
          : [[f.facts.reading ?? f.facts.type, leaf(f)]];
      });
    expect(leaves(m.fields)).toEqual([
      ["varint", 200],
      ["string", "ok"],
      ["string", "world"],
      ["varint", 42],
      ["fixed64", 1.5],
      ["varint", 1],
      ["bytes", "000102"],
      ["string", "k"],
      ["string", "v"],
    ]);
  });

  it("publish and unsubscribe", () => {
    const publish = walkRaw(
      encode(request, { publish: { topic: "news", data: [{ string: "hello" }, { integer: -1 }] } }),
      0,
    );
    expect(skeleton(publish.fields)).toEqual([
      {
        n: 12,
        wt: 2,
        sub: [
          { n: 1, wt: 2 },
          { n: 2, wt: 2, sub: [{ n: 1, wt: 2 }] },
          { n: 2, wt: 2, sub: [{ n: 3, wt: 0 }] },
        ],
      },
    ]);
    const data = decodedOf(publish.fields[0]);
    const minusOne = data?.kind === "message" ? data.fields[2] : undefined;
    const minusOneValue = decodedOf(minusOne);
    const integer =
      minusOneValue?.kind === "message" ? decodedOf(minusOneValue.fields[0]) : undefined;
    expect(integer).toEqual({ kind: "int", value: 2n ** 64n - 1n });
    const unsubscribe = walkRaw(encode(request, { unsubscribe: { topic: "news", id: 7 } }), 0);
    expect(skeleton(unsubscribe.fields)).toEqual([
      {
        n: 11,
        wt: 2,
        sub: [
          { n: 1, wt: 2 },
          { n: 2, wt: 0 },
        ],
      },
    ]);
  });
});
