import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runDecodeCommand } from "../../bridge/src/decode-command.js";
import { exportCapture, exportIds } from "../../web/src/session/capture-export.js";
import {
  CAPTURE_HEAD_SIZE,
  encodeRecordHead,
  readCapture,
  type CaptureRecord,
} from "../../web/src/session/capture-format.js";
import { skippedText } from "../../web/src/session/capture-play.js";
import { CaptureStreamReader } from "../../web/src/session/capture-stream.js";
import { CaptureStore } from "../../web/src/session/capture-store.js";
import { DEFAULT_CONFIG, KV_FRAMING } from "../../web/src/session/defaults.js";
import { framesJsonLines } from "../../web/src/session/frames-jsonl.js";
import { loadSchemas } from "../../web/src/session/schema-load.js";
import { KV_PROTO, kvRequestFrame, kvResponseFrame, splitAt } from "./kv-fixtures.js";

/** One kv conversation: a request split over two reads, its response, a second request in one read. */
function store(): CaptureStore {
  const s = new CaptureStore();
  const key = "live#7";
  const c = s.connection(key, 7);
  c.info = {
    source: "session",
    tap: undefined,
    target: "127.0.0.1:9527",
    local: { address: "127.0.0.1", port: 50000 },
    remote: { address: "127.0.0.1", port: 9527 },
    client: undefined,
    openedAt: 1_000,
  };
  const [a, b] = splitAt(kvRequestFrame({ hget: { table: "users", key: "alice" } }), [3]);
  s.appendChunk(key, 7, "c2s", a ?? new Uint8Array(), 1_100);
  s.appendChunk(key, 7, "c2s", b ?? new Uint8Array(), 1_200);
  s.appendChunk(
    key,
    7,
    "s2c",
    kvResponseFrame({ status: 200, values: [{ string: "Alice" }] }),
    1_300,
  );
  s.appendChunk(key, 7, "c2s", kvRequestFrame({ hgetall: { table: "users" } }), 1_400);
  c.closed = { reason: "page", time: 1_500 };
  return s;
}

const said = (r: CaptureRecord): string =>
  r.kind === "event" ? `${r.event.type}@${r.event.time}` : `${r.dir}:${r.bytes.length}@${r.time}`;

describe("capture export and import", () => {
  it("round-trips every chunk, in order, with its time and the connection's events", () => {
    const r = readCapture(exportCapture(store(), 999));
    if (!r.ok) throw new Error(r.text);
    expect(r.bad).toEqual([]);
    expect(r.tail).toBeNull();
    expect(r.records.map(said)).toEqual([
      "opened@1000",
      "c2s:3@1100",
      "c2s:17@1200",
      "s2c:16@1300",
      "c2s:13@1400",
      "closed@1500",
    ]);
    expect(r.records[0]?.kind === "event" && r.records[0].event).toMatchObject({
      conn: 7,
      source: "session",
      target: "127.0.0.1:9527",
    });
  });

  it("a bad record and a torn tail are said in one sentence, with what is wrong; the good records are kept", () => {
    const exported = exportCapture(store(), 999);
    // A bad event record first, and the last record cut short.
    const body = new TextEncoder().encode("{nope");
    const bad = new Uint8Array([...encodeRecordHead(2, 1, "c2s", 5, body), ...body]);
    const at = CAPTURE_HEAD_SIZE;
    const bytes = new Uint8Array([
      ...exported.subarray(0, at),
      ...bad,
      ...exported.subarray(at, exported.length - 5),
    ]);
    // Read the way a download reads it, a few bytes at a time, as an import does, whole.
    const reader = new CaptureStreamReader();
    const records: CaptureRecord[] = [];
    const badRecords = [];
    for (let i = 0; i < bytes.length; i += 7) {
      const read = reader.push(bytes.subarray(i, i + 7));
      records.push(...read.records);
      badRecords.push(...read.bad);
    }
    const text = skippedText(badRecords, reader.end());
    const whole = readCapture(bytes);
    if (!whole.ok) throw new Error(whole.text);
    expect(records.map(said)).toEqual(whole.records.map(said));
    expect(records.length).toBe(5);
    expect(text).toBe(skippedText(whole.bad, whole.tail));
    expect(text).toMatch(
      new RegExp(
        `^the event record of connection 1 at offset ${at} \\(bad-event: .*JSON.*\\); ` +
          `\\d+ unreadable bytes at offset \\d+ \\(incomplete\\) were skipped$`,
      ),
    );
    expect(skippedText([], null)).toBeUndefined();
    expect(readCapture(Uint8Array.of(1, 2, 3))).toMatchObject({ ok: false });
  });

  it("connections keep the numbers the page shows; a number taken twice gets one above all", () => {
    expect(exportIds([7, 210, 3])).toEqual([7, 210, 3]);
    // Two captures on the page both have a connection 7.
    expect(exportIds([7, 9, 7, 7])).toEqual([7, 9, 10, 11]);
    expect(exportIds([])).toEqual([]);
  });

  it("frames as JSON Lines are exactly what `framescope decode` prints for the exported capture", async () => {
    const s = store();
    const loaded = loadSchemas([KV_PROTO]);
    if (!loaded.ok) throw new Error(loaded.error.text);
    const ours = framesJsonLines(
      s,
      [{ key: "live#7", conn: 7, config: DEFAULT_CONFIG }],
      loaded.root,
    );
    if (!ours.ok) throw new Error(ours.error);
    const dir = mkdtempSync(join(tmpdir(), "fs-export-"));
    writeFileSync(join(dir, "kv.proto"), KV_PROTO.text);
    writeFileSync(join(dir, "x.fscap"), exportCapture(s, 999));
    for (const [d, type] of [
      ["c2s", "abi.CommandRequest"],
      ["s2c", "abi.CommandResponse"],
    ] as const) {
      const stdout = new PassThrough();
      let text = "";
      stdout.on("data", (b: Buffer) => void (text += b.toString()));
      const code = await runDecodeCommand(
        [
          "--framing",
          KV_FRAMING,
          "--proto",
          join(dir, "kv.proto"),
          "--type",
          type,
          "--direction",
          d,
          join(dir, "x.fscap"),
        ],
        { stdin: new PassThrough(), stdout, stderr: new PassThrough() },
      );
      expect(code).toBe(0);
      const mine = ours.text.split("\n").filter((l) => l.includes(`"dir":"${d}"`));
      expect(mine.length).toBeGreaterThan(0);
      expect(mine).toEqual(text.split("\n").filter((l) => l !== ""));
    }
  });
});
