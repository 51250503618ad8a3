import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fieldDecoded } from "../../web/src/decode/field-decode.js";
import { fieldSpan, type DecodedMessage, type FieldNode } from "../../web/src/decode/proto-tree.js";
import {
  BYTES_PRINTABLE,
  classifyBytes,
  isPackedVarints,
} from "../../web/src/decode/raw-walk-guess.js";
import { walkRaw } from "../../web/src/decode/raw-walk.js";
import { fieldsJson } from "../../web/src/decode/records.js";
import type { Span } from "../../web/src/decode/span.js";
import { checkNested, loadKv, oracleTags } from "./raw-walk-helpers.js";

/** Writes a varint (numbers below 2^53 or bigints below 2^64). */
function varint(value: number | bigint, out: number[]): void {
  let v = BigInt(value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

/** Random well-formed fields (nested LEN and groups included), as bytes. */
const fieldBytes = fc.letrec<{ fields: number[] }>((tie) => ({
  fields: fc
    .array(
      fc.oneof(
        fc
          .tuple(
            fc.constant(0),
            fc.integer({ min: 1, max: 2 ** 29 - 1 }),
            fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          )
          .map(([, n, v]) => {
            const out: number[] = [];
            varint(n * 8, out);
            varint(v, out);
            return out;
          }),
        fc
          .tuple(
            fc.integer({ min: 1, max: 40 }),
            fc.constantFrom(1, 5),
            fc.uint8Array({ minLength: 8, maxLength: 8 }),
          )
          .map(([n, wt, b]) => {
            const out: number[] = [];
            varint(n * 8 + wt, out);
            out.push(...b.subarray(0, wt === 1 ? 8 : 4));
            return out;
          }),
        fc
          .tuple(
            fc.integer({ min: 1, max: 40 }),
            fc.oneof(
              fc.uint8Array({ maxLength: 20 }),
              tie("fields").map((f) => Uint8Array.from(f as number[])),
            ),
          )
          .map(([n, b]) => {
            const out: number[] = [];
            varint(n * 8 + 2, out);
            varint(b.length, out);
            out.push(...b);
            return out;
          }),
        fc.tuple(fc.integer({ min: 1, max: 40 }), tie("fields")).map(([n, inner]) => {
          const out: number[] = [];
          varint(n * 8 + 3, out);
          out.push(...(inner as number[]));
          varint(n * 8 + 4, out);
          return out;
        }),
      ),
      { maxLength: 4, depthIdentifier: "fields" },
    )
    .map((parts) => parts.flat()),
})).fields;

/** Random bytes, well-formed messages, and well-formed messages with a few bytes damaged or cut. */
const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fieldBytes.map((f) => Uint8Array.from(f)),
  fc
    .tuple(
      fieldBytes,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
      fc.nat(),
    )
    .map(([f, edits, cut]) => {
      const b = Uint8Array.from(f);
      for (const [at, v] of edits) if (b.length > 0) b[at % b.length] = v;
      return b.subarray(0, b.length === 0 ? 0 : cut % (b.length + 1));
    }),
);

/** Top-level field spans and the fatal issue's span, in order: they must tile [base, base + n). */
function tiles(m: DecodedMessage): Span[] {
  const spans: Span[] = m.fields.map((f) => fieldSpan(f));
  for (const i of m.issues) if (i.fatal) spans.push(i.span);
  return spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function walkAll(fields: readonly FieldNode[], visit: (f: FieldNode) => void): void {
  for (const f of fields) {
    visit(f);
    const d = fieldDecoded(f);
    if (d.kind === "message") walkAll(d.fields, visit);
  }
}

describe("the cheap guesses agree with the obvious ones", () => {
  const naiveVarints = (b: Uint8Array, run: number): boolean => {
    let r = run;
    for (const x of b) {
      if (x < 0x80) r = 0;
      else if (++r >= 10) return false;
    }
    return r === 0;
  };
  it("isPackedVarints (probing every tenth byte) equals a byte-by-byte check", () => {
    const mostlyHigh = fc
      .uint8Array({ maxLength: 60 })
      .map((b) => b.map((x) => (x % 7 === 0 ? x & 0x7f : x | 0x80)));
    fc.assert(
      fc.property(
        fc.oneof(mostlyHigh, fc.uint8Array({ maxLength: 60 })),
        fc.integer({ min: 0, max: 9 }),
        (b, run) => {
          expect(isPackedVarints(b, 0, b.length, run)).toBe(naiveVarints(b, run));
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe("walkRaw properties", () => {
  it("never throws; every span lies in the input; fields and the fatal issue tile it exactly once", () => {
    fc.assert(
      fc.property(anyBytes, fc.nat({ max: 1_000_000 }), (bytes, base) => {
        const m = walkRaw(bytes, base);
        const end = base + bytes.length;
        for (const i of m.issues) {
          expect(i.span[0]).toBeGreaterThanOrEqual(base);
          expect(i.span[1]).toBeLessThanOrEqual(end);
          expect(i.span[0]).toBeLessThanOrEqual(i.span[1]);
        }
        expect(m.issues.filter((i) => i.fatal).length).toBeLessThanOrEqual(1);
        let at = base;
        for (const s of tiles(m)) {
          expect(s[0]).toBe(at);
          expect(s[1]).toBeGreaterThan(s[0]);
          at = s[1];
        }
        expect(at).toBe(end);
        const problems: string[] = [];
        for (const f of m.fields) checkNested(f, [base, end], problems);
        expect(problems).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it("a LEN field is read as a string only when printable, as a message only when protobufjs can read it", () => {
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        walkAll(walkRaw(bytes, 0).fields, (f) => {
          const value = bytes.subarray(f.valueStart, f.valueEnd);
          if (f.facts.reading === "string")
            expect(classifyBytes(value, 0, value.length) & BYTES_PRINTABLE).toBe(BYTES_PRINTABLE);
          const d = fieldDecoded(f);
          if (f.facts.reading === "message" && d.kind === "message") {
            expect(oracleTags(value).map((t) => [t.n, t.wt])).toEqual(
              d.fields.map((c) => [c.number, c.wireType]),
            );
          }
        });
      }),
      { numRuns: 2000 },
    );
  });

  it("cutting well-formed bytes keeps every top-level field that ends before the cut", () => {
    fc.assert(
      fc.property(fieldBytes, fc.nat(), (f, cut) => {
        const bytes = Uint8Array.from(f);
        const k = cut % (bytes.length + 1);
        const whole = walkRaw(bytes, 0);
        const part = walkRaw(bytes.subarray(0, k), 0);
        const kept = whole.fields.filter((x) => x.end <= k);
        // Every fact, reading, alternative, span and value, nested fields included.
        expect(fieldsJson(part.fields.slice(0, kept.length))).toEqual(fieldsJson(kept));
      }),
      { numRuns: 1000 },
    );
  });

  it("random kv messages encoded by protobufjs walk to the same field numbers and wire types", () => {
    const root = loadKv();
    const request = root.lookupType("abi.CommandRequest");
    const response = root.lookupType("abi.CommandResponse");
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: "grapheme", maxLength: 10 }),
    );
    const value = fc.oneof(
      text.map((s) => ({ string: s })),
      fc.uint8Array({ maxLength: 20 }).map((b) => ({ binary: b })),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((i) => ({ integer: i.toString() })),
      fc.double().map((d) => ({ float: d })),
      fc.boolean().map((b) => ({ bool: b })),
    );
    const pair = fc.record({ key: text, value });
    const keys = fc.array(text, { maxLength: 4 });
    const command = fc.oneof(
      fc.record({ hget: fc.record({ table: text, key: text }) }),
      fc.record({ hgetall: fc.record({ table: text }) }),
      fc.record({ hmget: fc.record({ table: text, keys }) }),
      fc.record({ hset: fc.record({ table: text, pair }) }),
      fc.record({ hmset: fc.record({ table: text, pairs: fc.array(pair, { maxLength: 4 }) }) }),
      fc.record({ hmexist: fc.record({ table: text, keys }) }),
      fc.record({ subscribe: fc.record({ topic: text }) }),
      fc.record({ unsubscribe: fc.record({ topic: text, id: fc.nat() }) }),
      fc.record({ publish: fc.record({ topic: text, data: fc.array(value, { maxLength: 4 }) }) }),
    );
    const answer = fc.record({
      status: fc.nat(),
      message: text,
      values: fc.array(value, { maxLength: 5 }),
      pairs: fc.array(pair, { maxLength: 5 }),
    });
    const encoded = fc.oneof(
      command.map((o) => request.encode(request.fromObject(o)).finish()),
      answer.map((o) => response.encode(response.fromObject(o)).finish()),
    );
    fc.assert(
      fc.property(encoded, (bytes) => {
        const m = walkRaw(bytes, 0);
        expect(m.issues).toEqual([]);
        expect(m.fields.map((f) => [f.number, f.wireType])).toEqual(
          oracleTags(bytes).map((t) => [t.n, t.wt]),
        );
        walkAll(m.fields, (f) => {
          const d = fieldDecoded(f);
          if (d.kind !== "message" || f.wireType !== 2) return;
          const inner = oracleTags(bytes.subarray(f.valueStart, f.valueEnd));
          expect(d.fields.map((c) => [c.number, c.wireType])).toEqual(
            inner.map((t) => [t.n, t.wt]),
          );
        });
      }),
      { numRuns: 1000 },
    );
  });
});
