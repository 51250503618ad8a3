import { describe, expect, it } from "vitest";
import { fieldSpan } from "../../web/src/decode/proto-tree.js";
import { DecodeEngine } from "../../web/src/session/decode-engine.js";
import { DEFAULT_CONFIG, KV_FRAMING } from "../../web/src/session/defaults.js";
import { loadSchemas, type ProtoFile } from "../../web/src/session/schema-load.js";
import {
  KIND_FRAME,
  KIND_ISSUE,
  ROW_END,
  ROW_FIELDS,
  ROW_FLAG_COMPRESSED,
  ROW_FLAG_FATAL,
  ROW_FLAG_ISSUES,
  ROW_FLAG_MESSAGE,
  ROW_HEAD_END,
  ROW_HEAD_START,
  ROW_META,
  ROW_PAYLOAD_END,
  ROW_PAYLOAD_START,
  ROW_START,
  type ConnectionConfig,
  type FrameRef,
  type FrameDetail,
  type RowBatch,
  type UiToWorker,
  type WorkerToUi,
} from "../../web/src/session/worker-protocol.js";
import { concat, KV_PROTO, kvRequestFrame, kvResponseFrame, splitAt } from "./kv-fixtures.js";

/** Sends messages to an engine; returns what it posted in answer. */
type Send = (...msgs: UiToWorker[]) => WorkerToUi[];

/** An engine and everything it posted; with `schemas` false it starts without the kv schema. */
function harness(schemas = true) {
  const posted: WorkerToUi[] = [];
  const engine = new DecodeEngine((m) => posted.push(m));
  const send: Send = (...msgs) => {
    const from = posted.length;
    for (const m of msgs) {
      engine.handle(m);
      engine.flush();
      // As the worker does between messages: every waiting payload is checked.
      while (engine.checkPayloads(1000));
      engine.flush();
    }
    return posted.slice(from);
  };
  if (schemas) send({ type: "schemas", req: 1, files: [KV_PROTO] });
  send({ type: "configure", scope: { kind: "all" }, config: DEFAULT_CONFIG });
  /** The rows of `conn` in `msgs`, each frame's summary asked of the engine as the page does. */
  const read = (msgs: readonly WorkerToUi[], conn = "c#1"): Row[] => rowsOf(send, msgs, conn);
  return { engine, posted, send, read };
}

interface Row {
  kind: number;
  dir: "c2s" | "s2c";
  index: number;
  start: number;
  end: number;
  payloadStart: number;
  flags: number;
  summary: string;
  note: string;
  ref: FrameRef;
}

/**
 * The rows of `conn` in `msgs` as the page reads them: a frame's index is its
 * place among its direction's frames; summaries are asked for with the rows' spans.
 */
function rowsOf(send: Send, msgs: readonly WorkerToUi[], conn = "c#1"): Row[] {
  const out: Row[] = [];
  let generation = 0;
  for (const m of msgs) {
    if (m.type === "reset" && m.conn === conn) out.length = 0;
    if (m.type === "checks" && m.conn === conn) {
      for (const f of m.found) {
        const row = out.find(
          (r) => r.kind === KIND_FRAME && r.dir === m.dir && r.index === f.index,
        );
        if (row === undefined) throw new Error(`a check for frame ${f.index} before its row`);
        row.flags |= f.flags;
        row.note = f.codes;
      }
    }
    if (m.type !== "rows") continue;
    for (const b of m.batches.filter((x: RowBatch) => x.conn === conn)) {
      generation = b.generation;
      for (let i = 0; i < b.rows.length / ROW_FIELDS; i++) {
        const n = (f: number) => b.rows[i * ROW_FIELDS + f] ?? NaN;
        const meta = n(ROW_META);
        const dir = meta & 2 ? "s2c" : "c2s";
        const words = b.words.find((w) => w.row === i);
        const ref: FrameRef = {
          index: out.filter((r) => r.kind === KIND_FRAME && r.dir === dir).length,
          start: n(ROW_START),
          end: n(ROW_END),
          headStart: n(ROW_HEAD_START),
          headEnd: n(ROW_HEAD_END),
          payloadStart: n(ROW_PAYLOAD_START),
          payloadEnd: n(ROW_PAYLOAD_END),
        };
        out.push({
          kind: meta & 1,
          dir,
          index: (meta & 1) === KIND_FRAME ? ref.index : -1,
          start: ref.start,
          end: ref.end,
          payloadStart: ref.payloadStart,
          flags: meta >> 2,
          summary: words?.text ?? "",
          note: words?.codes ?? "",
          ref,
        });
      }
    }
  }
  for (const dir of ["c2s", "s2c"] as const) {
    const frames = out.filter((r) => r.kind === KIND_FRAME && r.dir === dir);
    if (frames.length === 0) continue;
    const [answer] = send({
      type: "summaries",
      req: 1,
      conn,
      generation,
      dir,
      frames: frames.map((r) => r.ref),
    });
    if (answer?.type !== "summaries") throw new Error("no summaries answer");
    expect(answer.indexes).toEqual(frames.map((r) => r.index));
    frames.forEach((r, k) => (r.summary = answer.texts[k] ?? ""));
  }
  return out;
}

const hset = kvRequestFrame({
  hset: { table: "users", pair: { key: "alice", value: { string: "Alice Liddell" } } },
});
const hget = kvRequestFrame({ hget: { table: "users", key: "alice" } });
const ok = kvResponseFrame({ status: 200, values: [{ string: "Alice Liddell" }] });
const big = kvResponseFrame({
  status: 200,
  values: [{ string: "the quick brown fox\n".repeat(100) }],
});

function chunks(
  conn: string,
  dir: "c2s" | "s2c",
  parts: readonly Uint8Array[],
  t0 = 1000,
): UiToWorker {
  return { type: "chunks", items: parts.map((bytes, i) => ({ conn, dir, time: t0 + i, bytes })) };
}

describe("DecodeEngine", () => {
  it("frames kv requests and responses with summaries by message type", () => {
    const { send, read } = harness();
    const rows = read(send(chunks("c#1", "c2s", [concat(hset, hget)]), chunks("c#1", "s2c", [ok])));
    expect(rows.map((r) => [r.kind, r.dir, r.index, r.start, r.end])).toEqual([
      [KIND_FRAME, "c2s", 0, 0, hset.length],
      [KIND_FRAME, "c2s", 1, hset.length, hset.length + hget.length],
      [KIND_FRAME, "s2c", 0, 0, ok.length],
    ]);
    expect(rows[0]?.summary).toBe(
      'CommandRequest hset {table: "users", pair: {key: "alice", value: {string: "Alice Liddell"}}}',
    );
    expect(rows[1]?.summary).toBe('CommandRequest hget {table: "users", key: "alice"}');
    expect(rows[2]?.summary).toBe('CommandResponse status: 200, values: {string: "Alice Liddell"}');
    expect(rows.every((r) => (r.flags & ROW_FLAG_MESSAGE) !== 0)).toBe(true);
  });

  it.each([
    ["one chunk", []],
    ["head split after 2 bytes", [2]],
    ["split inside the payload", [9]],
    [
      "every byte its own chunk",
      Array.from({ length: hset.length + hget.length - 1 }, (_, i) => i + 1),
    ],
  ])("frames do not depend on chunking: %s", (_name, cuts) => {
    const { send, read } = harness();
    const parts = splitAt(concat(hset, hget), cuts);
    const rows = read(send(chunks("c#1", "c2s", parts)));
    expect(rows.map((r) => [r.start, r.end, r.summary])).toEqual([
      [0, hset.length, expect.stringContaining("hset")],
      [hset.length, hset.length + hget.length, expect.stringContaining("hget")],
    ]);
  });

  it("decodes a gzip-flagged kv frame, and its detail indexes the decompressed payload", () => {
    const { send, read } = harness();
    const rows = read(send(chunks("c#1", "s2c", splitAt(big, [100]))));
    expect(rows).toHaveLength(1);
    expect((rows[0]?.flags ?? 0) & ROW_FLAG_COMPRESSED).toBe(ROW_FLAG_COMPRESSED);
    expect(rows[0]?.summary).toMatch(
      /^CommandResponse status: 200, values: \{string: "the quick brown fox\\n/,
    );
    const frame = rows[0]?.ref;
    if (frame === undefined) throw new Error("no frame row");
    const detail = send({
      type: "detail",
      req: 7,
      conn: "c#1",
      generation: 0,
      dir: "s2c",
      frame,
    })[0];
    expect(detail?.type).toBe("detail");
    const d = (detail as { detail: FrameDetail }).detail;
    expect(d.message?.source.kind).toBe("gzip");
    expect(d.decompressed?.length).toBeGreaterThan(2000);
    const values = d.message?.fields.find((f) => f.facts.name === "values");
    expect(values).toBeDefined();
    if (values === undefined || d.decompressed === undefined) return;
    const [s, e] = fieldSpan(values);
    expect(e).toBeLessThanOrEqual(d.decompressed.length);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(d.json ?? "null")).toEqual({
      status: 200,
      values: [{ string: "the quick brown fox\n".repeat(100) }],
    });
  });

  it("re-frames every byte received so far when the framing changes", () => {
    const { send, read } = harness();
    send(chunks("c#1", "c2s", [hset, hget]));
    const config: ConnectionConfig = {
      c2s: { framing: "fixed:size=4", payload: { kind: "none" } },
      s2c: DEFAULT_CONFIG.s2c,
    };
    const out = send({ type: "configure", scope: { kind: "all" }, config });
    expect(out[0]).toEqual({ type: "reset", conn: "c#1", generation: 1 });
    const rows = read(out);
    const total = hset.length + hget.length;
    expect(rows.filter((r) => r.kind === KIND_FRAME)).toHaveLength(Math.floor(total / 4));
    expect(rows.map((r) => r.start)).toEqual(rows.map((_r, i) => 4 * i));
    const batch = out.find((m) => m.type === "rows");
    expect(batch?.type === "rows" && batch.batches[0]?.generation).toBe(1);
    // New chunks are framed with the new settings too.
    const more = read(send(chunks("c#1", "c2s", [Uint8Array.of(1, 2, 3, 4)])));
    expect(more.map((r) => r.start)).toEqual([total - (total % 4)]);
  });

  it("frames with nothing to check (bytes only) are told checked as they are cut", () => {
    const { send } = harness();
    const config: ConnectionConfig = {
      c2s: { framing: "fixed:size=4", payload: { kind: "none" } },
      s2c: { framing: "fixed:size=4", payload: { kind: "none" } },
    };
    send({ type: "configure", scope: { kind: "all" }, config });
    const out = send(chunks("c#1", "c2s", [new Uint8Array(10), new Uint8Array(7)]));
    const told = out.flatMap((m) => (m.type === "checks" ? [[m.dir, m.checked]] : []));
    // 17 bytes: 4 frames of 4; the page's "checking payloads" reaches 100%.
    expect(told.at(-1)).toEqual(["c2s", 4]);
    expect(told.every(([dir]) => dir === "c2s")).toBe(true);
  });

  it("a per-connection setting leaves the other connections alone", () => {
    const { send, read } = harness();
    send(chunks("a#1", "c2s", [hset]), chunks("a#2", "c2s", [hset]));
    const out = send({
      type: "configure",
      scope: { kind: "connection", conn: "a#2" },
      config: { ...DEFAULT_CONFIG, c2s: { framing: "fixed:size=2", payload: { kind: "none" } } },
    });
    expect(out.filter((m) => m.type === "reset").map((m) => (m as { conn: string }).conn)).toEqual([
      "a#2",
    ]);
    expect(read(out, "a#2").filter((r) => r.kind === KIND_FRAME)).toHaveLength(
      Math.floor(hset.length / 2),
    );
  });

  it("reports a fatal framing issue as a row and where framing stopped", () => {
    const { send, read } = harness();
    send({
      type: "configure",
      scope: { kind: "all" },
      config: { ...DEFAULT_CONFIG, c2s: { framing: "length:max=4", payload: { kind: "raw" } } },
    });
    const out = send(chunks("c#1", "c2s", [hset]));
    const rows = read(out);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.kind).toBe(KIND_ISSUE);
    expect(rows[0]?.note).toBe("FRAME_TOO_LARGE");
    expect((rows[0]?.flags ?? 0) & ROW_FLAG_FATAL).toBe(ROW_FLAG_FATAL);
    const batch = out.find((m) => m.type === "rows");
    expect(batch?.type === "rows" && batch.batches[0]?.c2s.stoppedAt).toBe(0);
  });

  it("tells how far each stream is framed, also when a chunk completes no frame", () => {
    const { send } = harness();
    const batches = (msgs: WorkerToUi[]) =>
      msgs.flatMap((m) => (m.type === "rows" ? m.batches : []));
    const part = batches(send(chunks("c#1", "c2s", [hset.subarray(0, 6)])));
    expect(part.map((b) => [b.rows.length, b.c2s.framed, b.s2c.framed])).toEqual([[0, 6, 0]]);
    const rest = batches(send(chunks("c#1", "c2s", [hset.subarray(6)])));
    expect(rest.map((b) => [b.rows.length / ROW_FIELDS, b.c2s.framed])).toEqual([[1, hset.length]]);
  });

  it("reports a frame left open when the stream ends", () => {
    const { send, read } = harness();
    send(chunks("c#1", "c2s", [hset.subarray(0, 6)]));
    const rows = read(send({ type: "end", conn: "c#1", dir: "c2s" }));
    expect(rows.map((r) => [r.kind, r.start])).toEqual([[KIND_ISSUE, 0]]);
    expect(rows[0]?.note).toMatch(/^[A-Z_]+$/);
  });

  it("lists frames as soon as they are cut and adds payload issues when their checks ran", () => {
    const posted: WorkerToUi[] = [];
    const engine = new DecodeEngine((m) => posted.push(m));
    engine.handle({ type: "schemas", req: 1, files: [KV_PROTO] });
    engine.handle({ type: "configure", scope: { kind: "all" }, config: DEFAULT_CONFIG });
    // Field 1 (hget) says 5 bytes follow; the payload ends after 1.
    const broken = Uint8Array.of(0, 0, 0, 3, 0x0a, 0x05, 0x01);
    engine.handle(chunks("c#1", "c2s", [concat(hget, broken)]));
    engine.flush();
    const listed = posted
      .splice(0)
      .flatMap((m) => (m.type === "rows" ? m.batches : []))
      .flatMap((b) => [...b.rows].filter((_n, i) => i % ROW_FIELDS === ROW_META))
      .map((meta) => meta >> 2);
    expect(listed).toEqual([ROW_FLAG_MESSAGE, ROW_FLAG_MESSAGE]);
    expect(engine.hasChecks()).toBe(true);
    expect(engine.checkPayloads(1)).toBe(true);
    engine.flush();
    expect(posted.splice(0)).toEqual([
      { type: "checks", conn: "c#1", generation: 0, dir: "c2s", checked: 1, found: [] },
    ]);
    expect(engine.checkPayloads(10)).toBe(false);
    engine.flush();
    expect(posted.splice(0)).toEqual([
      {
        type: "checks",
        conn: "c#1",
        generation: 0,
        dir: "c2s",
        checked: 2,
        found: [
          {
            index: 1,
            flags: ROW_FLAG_ISSUES | ROW_FLAG_FATAL,
            codes: expect.stringMatching(/^[A-Z_]+/),
          },
        ],
      },
    ]);
    expect(engine.hasChecks()).toBe(false);
  });

  it("answers schemas with the message types, or with file, line and column of an error", () => {
    const { send } = harness();
    const good = send({ type: "schemas", req: 2, files: [KV_PROTO] })[0];
    expect(good?.type === "schemas" && good.status.ok && good.status.types).toContain(
      "abi.CommandRequest",
    );
    const bad = send({
      type: "schemas",
      req: 3,
      files: [
        { name: "broken.proto", text: 'syntax = "proto3";\nmessage A {\n  int32 x = ;\n}\n' },
      ],
    })[0];
    expect(bad).toMatchObject({ type: "schemas", req: 3, status: { ok: false } });
    if (bad?.type !== "schemas" || bad.status.ok) return;
    expect(bad.status.error.file).toBe("broken.proto");
    expect(bad.status.error.line).toBe(3);
  });

  it("decodes schemaless while the configured type is not loaded, and with it once it is", () => {
    const { send, posted } = harness(false);
    send(chunks("c#1", "c2s", [hget]));
    expect(rowsOf(send, posted)[0]?.summary).toBe('1: {1: "users", 2: "alice"}');
    send({ type: "schemas", req: 1, files: [KV_PROTO] });
    expect(rowsOf(send, posted)[0]?.summary).toBe(
      'CommandRequest hget {table: "users", key: "alice"}',
    );
  });

  it("flags a frame whose Timestamp has no JSON form, as its detail and the CLI say", () => {
    const { send, posted } = harness(false);
    const when: ProtoFile = {
      name: "when.proto",
      text: `syntax = "proto3"; package when; import "google/protobuf/timestamp.proto";
        message At { google.protobuf.Timestamp at = 1; }`,
    };
    const loaded = loadSchemas([when]);
    if (!loaded.ok) throw new Error(loaded.error.text);
    const At = loaded.root.lookupType("when.At");
    const frame = (seconds: string) =>
      At.encodeDelimited(At.fromObject({ at: { seconds } })).finish();
    send({ type: "schemas", req: 1, files: [when] });
    const varint = { framing: "varint", payload: { kind: "schema", type: "when.At" } } as const;
    send({ type: "configure", scope: { kind: "all" }, config: { c2s: varint, s2c: varint } });
    // Year 9999 is the last a Timestamp's JSON can say; a second later is an issue.
    send(chunks("c#1", "c2s", [concat(frame("253402300799"), frame("253402300800"))]));
    const rows = rowsOf(send, posted);
    expect(rows.map((r) => [r.flags & (ROW_FLAG_ISSUES | ROW_FLAG_FATAL), r.note])).toEqual([
      [0, ""],
      [ROW_FLAG_ISSUES, "INVALID_WELL_KNOWN_VALUE"],
    ]);
  });

  it("refuses an invalid spec with a notice and keeps framing as before", () => {
    const { send, read } = harness();
    const out = send({
      type: "configure",
      scope: { kind: "all" },
      config: { ...DEFAULT_CONFIG, s2c: { framing: "length:size=9", payload: { kind: "raw" } } },
    });
    expect(out).toEqual([{ type: "notice", text: expect.stringContaining("size") }]);
    expect(read(send(chunks("c#1", "c2s", [hget])))[0]?.end).toBe(hget.length);
    expect(KV_FRAMING).toBe("length:mask=7fffffff,gzip=80000000");
  });

  it("answers a detail request for a frame that does not exist with undefined", () => {
    const { send } = harness();
    const frame: FrameRef = {
      index: 0,
      start: 0,
      end: 4,
      headStart: 0,
      headEnd: 4,
      payloadStart: 4,
      payloadEnd: 4,
    };
    const out = send({ type: "detail", req: 1, conn: "nope", generation: 0, dir: "c2s", frame });
    expect(out).toEqual([
      { type: "detail", req: 1, conn: "nope", dir: "c2s", index: 0, detail: undefined },
    ]);
  });

  it("answers no summaries for an older generation or spans the stream does not hold", () => {
    const { send, read } = harness();
    const rows = read(send(chunks("c#1", "c2s", [hget])));
    const ref = rows[0]?.ref;
    if (ref === undefined) throw new Error("no frame row");
    const ask = (generation: number, frames: FrameRef[]) =>
      send({ type: "summaries", req: 9, conn: "c#1", generation, dir: "c2s", frames })[0];
    // Framed again: generation 1 replaces 0, with the same spans.
    send({ type: "configure", scope: { kind: "all" }, config: DEFAULT_CONFIG });
    expect(ask(0, [ref])).toMatchObject({ indexes: [], texts: [] });
    expect(ask(1, [{ ...ref, end: ref.end + 1 }])).toMatchObject({ indexes: [], texts: [] });
    expect(ask(1, [{ ...ref, index: 1 }])).toMatchObject({ indexes: [], texts: [] });
    expect(ask(1, [ref])).toMatchObject({ indexes: [0], texts: [expect.stringContaining("hget")] });
  });
});
