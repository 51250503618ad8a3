import { framePayload, frameSpan, frameHead, frameChunks, type FrameInfo } from "./frame.js";
import { toBase64 } from "./base64.js";
import { fieldAlternatives, fieldDecoded } from "./field-decode.js";
import { bytesToHex } from "./hex.js";
import type { Issue } from "./issue.js";
import type { DecodedMessage, FieldNode, FieldValue } from "./proto-tree.js";
import type { DecodedFrame, StreamEvent } from "./stream-decoder.js";

/** A JSON value as written by `framescope decode` and the page's JSON Lines export. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Where a record came from in a capture: connection id and direction. */
export interface RecordOrigin {
  readonly conn: number;
  readonly dir: "c2s" | "s2c";
}

/**
 * The JSON Lines record of one frame: spans (absolute stream offsets), the
 * payload as hex, framing details, and the decoded message when there is one.
 * `messageJson` is the message as JSON (canonical with a schema, by field
 * number without); `fields` adds the field tree with spans.
 */
export function frameRecord(
  decoded: DecodedFrame,
  messageJson: Json | undefined,
  options: { readonly fields: boolean; readonly origin?: RecordOrigin },
): { [key: string]: Json } {
  const { frame, payload, message } = decoded;
  const rec: { [key: string]: Json } = { type: "frame" };
  if (options.origin) {
    rec["conn"] = options.origin.conn;
    rec["dir"] = options.origin.dir;
  }
  rec["index"] = frame.index;
  rec["span"] = [...frameSpan(frame)];
  rec["head"] = [...frameHead(frame)];
  rec["payload"] = [...framePayload(frame)];
  rec["chunks"] = [...frameChunks(frame)];
  // A payload larger than the decoder holds keeps its spans but not its bytes.
  if (payload === undefined) rec["payloadKept"] = false;
  else rec["payloadHex"] = bytesToHex(payload);
  if (frame.info !== undefined) rec["info"] = infoJson(frame.info);
  if (message !== undefined) {
    if (message.source.kind === "gzip") {
      rec["source"] = {
        kind: "gzip",
        compressed: [...message.source.compressed],
        size: message.source.size,
      };
    }
    if (messageJson !== undefined) rec["message"] = messageJson;
    if (options.fields) rec["fields"] = fieldsJson(message.fields);
  }
  return rec;
}

/**
 * The records of one stream event, in order: an issue's record, or a frame's
 * record followed by those of its message's issues (the issues the JSON
 * mapping finds come last). `json` makes a frame's message JSON, adding the
 * issues it finds to `issues`.
 */
export function eventRecords(
  ev: StreamEvent,
  json: (frame: DecodedFrame, issues: Issue[]) => Json | undefined,
  options: { readonly fields: boolean; readonly origin?: RecordOrigin },
): { [key: string]: Json }[] {
  const origin = options.origin === undefined ? {} : { origin: options.origin };
  if (ev.type === "issue") return [issueRecord(ev.issue, origin)];
  const df = ev.frame;
  const found: Issue[] = [];
  const out = [frameRecord(df, json(df, found), options)];
  const where = { frame: df.frame.index, decompressed: df.message?.source.kind === "gzip" };
  for (const issue of [...(df.message?.issues ?? []), ...found])
    out.push(issueRecord(issue, { ...where, ...origin }));
  return out;
}

/**
 * The JSON Lines record of one issue; `frame` names the frame whose payload it
 * was found in, and `decompressed` says its span counts in the gunzipped
 * payload rather than in the stream.
 */
export function issueRecord(
  issue: Issue,
  options: {
    readonly frame?: number;
    readonly origin?: RecordOrigin;
    readonly decompressed?: boolean;
  } = {},
): { [key: string]: Json } {
  const rec: { [key: string]: Json } = { type: "issue" };
  if (options.origin) {
    rec["conn"] = options.origin.conn;
    rec["dir"] = options.origin.dir;
  }
  if (options.frame !== undefined) rec["frame"] = options.frame;
  if (options.decompressed === true) rec["decompressed"] = true;
  rec["code"] = issue.code;
  rec["fatal"] = issue.fatal;
  rec["span"] = [...issue.span];
  rec["text"] = issue.text;
  return rec;
}

function infoJson(info: FrameInfo): Json {
  switch (info.kind) {
    case "length":
      return { kind: info.kind, length: info.length, flags: info.flags, gzip: info.gzip };
    case "grpc":
      return {
        kind: info.kind,
        flag: info.flag,
        compressed: info.compressed,
        trailer: info.trailer,
      };
    case "http1": {
      const out: { [key: string]: Json } = {
        kind: info.kind,
        startLine: info.startLine,
        isRequest: info.isRequest,
        body: info.body,
      };
      if (info.parts !== undefined) out["parts"] = info.parts.map((p) => [...p]);
      return out;
    }
    case "resp":
      return { kind: info.kind, type: info.type, attributes: info.attributes };
  }
}

/** The field tree as JSON: every field with its spans and decoded value. */
export function fieldsJson(fields: readonly FieldNode[]): Json[] {
  return fields.map((f) => {
    const out: { [key: string]: Json } = { number: f.number };
    if (f.facts.name !== undefined) out["name"] = f.facts.name;
    out["wireType"] = f.wireType;
    out["type"] = f.facts.type;
    out["span"] = [f.start, f.end];
    out["tag"] = [f.start, f.tagEnd];
    if (f.valueStart > f.tagEnd) out["length"] = [f.tagEnd, f.valueStart];
    out["value"] = [f.valueStart, f.valueEnd];
    if (f.facts.reading !== undefined) out["reading"] = f.facts.reading;
    const alternatives = fieldAlternatives(f);
    if (alternatives !== undefined && alternatives.length > 0)
      out["alternatives"] = [...alternatives];
    Object.assign(out, valueJson(fieldDecoded(f)));
    return out;
  });
}

function valueJson(v: FieldValue): { [key: string]: Json } {
  switch (v.kind) {
    case "int":
      return { decoded: typeof v.value === "bigint" ? v.value.toString() : v.value };
    case "float":
      return { decoded: Number.isFinite(v.value) ? v.value : String(v.value) };
    case "bool":
      return { decoded: v.value };
    case "string":
      return { decoded: v.value };
    case "bytes":
    case "raw":
      return { decodedHex: bytesToHex(v.value) };
    case "enum":
      return { decoded: v.name ?? v.value };
    case "message":
      return { fields: fieldsJson(v.fields) };
    case "packed":
      return { elements: fieldsJson(v.elements) };
  }
}

/**
 * A schemaless message as JSON keyed by field number, like `protoc --decode_raw`:
 * repeated numbers become arrays, nested messages objects, bytes base64.
 */
export function rawMessageJson(message: DecodedMessage): Json {
  return rawFieldsJson(message.fields);
}

function rawFieldsJson(fields: readonly FieldNode[]): Json {
  const byNumber = new Map<number, Json[]>();
  for (const f of fields) {
    const list = byNumber.get(f.number) ?? [];
    list.push(rawValueJson(fieldDecoded(f)));
    byNumber.set(f.number, list);
  }
  const out: { [key: string]: Json } = {};
  for (const [number, values] of byNumber)
    out[String(number)] = values.length === 1 ? (values[0] ?? null) : values;
  return out;
}

function rawValueJson(v: FieldValue): Json {
  switch (v.kind) {
    case "int":
      return typeof v.value === "bigint" ? v.value.toString() : v.value;
    case "float":
      return Number.isFinite(v.value) ? v.value : String(v.value);
    case "bool":
      return v.value;
    case "string":
      return v.value;
    case "bytes":
    case "raw":
      return toBase64(v.value);
    case "enum":
      return v.name ?? v.value;
    case "message":
      return rawFieldsJson(v.fields);
    case "packed":
      return v.elements.map((e) => rawValueJson(fieldDecoded(e)));
  }
}
