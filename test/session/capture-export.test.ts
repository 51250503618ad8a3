import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runDecodeCommand } from "../../bridge/src/decode-command.js";
import { exportCapture, planImport } from "../../web/src/session/capture-export.js";
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

describe("capture export and import", () => {
  it("round-trips every chunk, in order, with its time and the connection's events", () => {
    const bytes = exportCapture(store(), 999);
    const plan = planImport(bytes);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.tail).toBeUndefined();
    expect(
      plan.events.map((e) =>
        e.kind === "event"
          ? `${e.event.type}@${e.event.time}`
          : `${e.dir}:${e.bytes.length}@${e.time}`,
      ),
    ).toEqual([
      "opened@1000",
      "c2s:3@1100",
      "c2s:17@1200",
      "s2c:16@1300",
      "c2s:13@1400",
      "closed@1500",
    ]);
    const opened = plan.events[0];
    expect(opened?.kind === "event" && opened.event).toMatchObject({
      conn: 1,
      source: "session",
      target: "127.0.0.1:9527",
    });
  });

  it("a torn tail is reported and the records before it kept", () => {
    const bytes = exportCapture(store(), 999);
    const plan = planImport(bytes.subarray(0, bytes.length - 5));
    expect(plan.ok && plan.tail).toMatch(/unreadable bytes at offset \d+ \(incomplete\)/);
    expect(plan.ok && plan.events.length).toBe(5);
    expect(planImport(Uint8Array.of(1, 2, 3))).toMatchObject({ ok: false });
  });

  it("frames as JSON Lines are exactly what `framescope decode` prints for the exported capture", async () => {
    const s = store();
    const loaded = loadSchemas([KV_PROTO]);
    if (!loaded.ok) throw new Error(loaded.error.text);
    const ours = framesJsonLines(
      s,
      [{ key: "live#7", conn: 1, config: DEFAULT_CONFIG }],
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
