import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
import { fieldDecoded } from "../../web/src/decode/field-decode.js";
import { bytesToHex } from "../../web/src/decode/hex.js";
import {
  fieldLength,
  fieldSpan,
  fieldTag,
  fieldValue,
  type FieldNode,
  type FieldValue,
} from "../../web/src/decode/proto-tree.js";
import type { Span } from "../../web/src/decode/span.js";

/** The kv demo schema, parsed by protobufjs from proto/kv.proto. */
export function loadKv(): protobuf.Root {
  const text = readFileSync(new URL("../../proto/kv.proto", import.meta.url), "utf8");
  return protobuf.parse(text, { keepCase: true }).root;
}

/** A node's decoded value, or undefined for no node. */
export function decodedOf(f: FieldNode | undefined): FieldValue | undefined {
  return f === undefined ? undefined : fieldDecoded(f);
}

/** A compact, comparable view of a field tree: numbers, wire types, readings, spans, values. */
export interface Shape {
  n: number;
  wt: number;
  reading?: string;
  tag: Span;
  length?: Span;
  value: Span;
  span: Span;
  v: unknown;
}

function valueOf(d: FieldValue): unknown {
  switch (d.kind) {
    case "message":
      return d.fields.map(shape);
    case "packed":
      return d.elements.map(shape);
    case "bytes":
    case "raw":
      return bytesToHex(d.value);
    case "enum":
      return d.value;
    default:
      return d.value;
  }
}

export function shape(f: FieldNode): Shape {
  const out: Shape = {
    n: f.number,
    wt: f.wireType,
    tag: fieldTag(f),
    value: fieldValue(f),
    span: fieldSpan(f),
    v: valueOf(fieldDecoded(f)),
  };
  if (f.facts.reading !== undefined) out.reading = f.facts.reading;
  const length = fieldLength(f);
  if (length !== undefined) out.length = length;
  return out;
}

/** Numbers and wire types only, nested where the walk read a message or group. */
export interface Skeleton {
  n: number;
  wt: number;
  sub?: Skeleton[];
}

export function skeleton(fields: readonly FieldNode[]): Skeleton[] {
  return fields.map((f) => {
    const d = fieldDecoded(f);
    return d.kind === "message"
      ? { n: f.number, wt: f.wireType, sub: skeleton(d.fields) }
      : { n: f.number, wt: f.wireType };
  });
}

/** The top-level (number, wire type) pairs of a message, read by protobufjs's own Reader (the oracle). */
export function oracleTags(bytes: Uint8Array): { n: number; wt: number; value?: Uint8Array }[] {
  const reader = protobuf.Reader.create(bytes);
  const out: { n: number; wt: number; value?: Uint8Array }[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const n = tag >>> 3;
    const wt = tag & 7;
    if (wt === 2) out.push({ n, wt, value: reader.bytes() });
    else {
      reader.skipType(wt);
      out.push({ n, wt });
    }
  }
  return out;
}

/** Every span in a field tree, checked recursively: parts inside the field, children inside the value. */
export function checkNested(f: FieldNode, outer: Span, problems: string[]): void {
  const inside = (s: Span, o: Span): boolean => s[0] >= o[0] && s[1] <= o[1] && s[0] <= s[1];
  const span = fieldSpan(f);
  const value = fieldValue(f);
  if (!inside(span, outer)) problems.push(`field ${f.number} span ${span} outside ${outer}`);
  for (const part of [fieldTag(f), fieldLength(f), value]) {
    if (part !== undefined && !inside(part, span))
      problems.push(`field ${f.number} part ${part} outside ${span}`);
  }
  const d = fieldDecoded(f);
  const children = d.kind === "message" ? d.fields : d.kind === "packed" ? d.elements : [];
  let at = value[0];
  for (const c of children) {
    if (c.start !== at) problems.push(`child of ${f.number} starts at ${c.start}, expected ${at}`);
    at = c.end;
    checkNested(c, value, problems);
  }
  if (d.kind === "message" || d.kind === "packed") {
    if (at !== value[1])
      problems.push(`children of ${f.number} end at ${at}, value ends at ${value[1]}`);
  }
}
