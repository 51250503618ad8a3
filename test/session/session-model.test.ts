import { describe, expect, it } from "vitest";
import { encodeChunk, type ServerMessage } from "../../web/src/session/bridge-protocol.js";
import { DEFAULT_CONFIG } from "../../web/src/session/defaults.js";
import type { CaptureDownloader } from "../../web/src/session/capture-download.js";
import {
  encodeCaptureHead,
  encodeChunkRecord,
  encodeEventRecord,
} from "../../web/src/session/capture-format.js";
import { SessionModel } from "../../web/src/session/session-model.js";
import { ROW_START } from "../../web/src/session/worker-protocol.js";
import { fakeClient, HELLO, InProcessWorker, ManualSchedule } from "./fakes.js";
import { KV_PROTO, kvRequestFrame, kvResponseFrame } from "./kv-fixtures.js";

const hget = kvRequestFrame({ hget: { table: "users", key: "alice" } });
const ok = kvResponseFrame({ status: 200, values: [{ string: "Alice Liddell" }] });

function setup(download?: CaptureDownloader) {
  const { client, sockets, timers } = fakeClient();
  const worker = new InProcessWorker();
  const sched = new ManualSchedule();
  const model = new SessionModel({
    client,
    worker,
    schedule: sched.schedule,
    protoFiles: [KV_PROTO],
    ...(download === undefined ? {} : { download }),
  });
  model.start();
  /** Lets the scheduler and the worker run until nothing moves. */
  const settle = (): void => {
    for (let i = 0; i < 20; i++) {
      sched.tick();
      if (worker.drain() === 0) {
        sched.tick();
        return;
      }
    }
  };
  const socket = () => {
    const s = sockets[sockets.length - 1];
    if (s === undefined) throw new Error("no socket");
    return s;
  };
  return { model, client, sockets, socket, timers, worker, settle };
}

const openedMessage = (
  view: number,
  conn: number,
  extra: Partial<ServerMessage> = {},
): ServerMessage =>
  ({
    type: "opened",
    view,
    conn,
    source: "tap",
    tap: "demo",
    target: "127.0.0.1:9527",
    local: { address: "127.0.0.1", port: 40000 },
    remote: { address: "127.0.0.1", port: 9527 },
    client: { address: "127.0.0.1", port: 50000 },
    time: 5_000_000,
    ...extra,
  }) as ServerMessage;

/** The bridge's side of an attach to the demo tap with one connection and a request + response. */
function playDemo(s: ReturnType<ReturnType<typeof setup>["socket"]>, req: number, view = 1): void {
  s.text({ type: "view", req, view, capture: "cap.fscap", tap: "demo", follow: true });
  s.text(openedMessage(view, 5));
  s.binary(encodeChunk({ dir: "c2s", view, conn: 5, time: 5_000_100 }, hget));
  s.binary(encodeChunk({ dir: "s2c", view, conn: 5, time: 5_000_200 }, ok));
}

describe("SessionModel", () => {
  it("attaches to the demo tap by itself and shows its traffic decoded, first frame selected", () => {
    const { model, socket, settle } = setup();
    socket().open();
    socket().text(HELLO);
    const attach = socket()
      .sentMessages()
      .find((m) => m["type"] === "attach");
    expect(attach).toEqual({ type: "attach", req: expect.any(Number), tap: "demo" });
    playDemo(socket(), attach?.["req"] as number);
    settle();
    const key = "cap.fscap#5";
    expect(model.selection.conn).toBe(key);
    const t = model.tables.get(key);
    expect(t?.count).toBe(2);
    // Rows carry no summaries: the list asks for the ones it shows.
    expect(t?.summary(0)).toBeUndefined();
    model.askSummaries(key, [0, 1]);
    settle();
    expect(t?.summary(0)).toBe('CommandRequest hget {table: "users", key: "alice"}');
    expect(t?.summary(1)).toBe('CommandResponse status: 200, values: {string: "Alice Liddell"}');
    expect(model.selection.row).toBe(0);
    expect(model.selection.detail?.message?.typeName).toBe("abi.CommandRequest");
    expect(model.store.totals).toEqual({ c2s: hget.length, s2c: ok.length });
    expect(model.frameTotals()).toEqual({ c2s: 1, s2c: 1 });
    expect(model.schemas).toMatchObject({
      ok: true,
      types: expect.arrayContaining(["abi.CommandResponse"]),
    });
  });

  it("after a reconnect the replayed history is not stored twice; new chunks are", () => {
    const { model, socket, timers, settle } = setup();
    socket().open();
    socket().text(HELLO);
    playDemo(socket(), 1);
    settle();
    socket().drop(1006);
    timers.runAll();
    socket().open();
    socket().text(HELLO);
    const attach = socket()
      .sentMessages()
      .find((m) => m["type"] === "attach");
    expect(attach?.["tap"]).toBe("demo");
    playDemo(socket(), attach?.["req"] as number, 3);
    socket().binary(encodeChunk({ dir: "c2s", view: 3, conn: 5, time: 6_000_000 }, hget));
    settle();
    const c = model.store.get("cap.fscap#5");
    expect(c?.c2s.chunkCount).toBe(2);
    expect(c?.s2c.chunkCount).toBe(1);
    expect(model.tables.get("cap.fscap#5")?.frameCount("c2s")).toBe(2);
  });

  it("shows a refused connect with the bridge's reason", () => {
    const { model, socket } = setup();
    socket().open();
    socket().text(HELLO);
    model.connectTo("127.0.0.1:1");
    const sent = socket()
      .sentMessages()
      .find((m) => m["type"] === "connect");
    expect(sent).toMatchObject({ target: "127.0.0.1:1", echo: true });
    socket().text({
      type: "error",
      view: 0,
      req: sent?.["req"] as number,
      code: "ECONNREFUSED",
      message: "connect ECONNREFUSED 127.0.0.1:1",
      time: 1,
    });
    expect(model.connect).toEqual({
      state: "failed",
      target: "127.0.0.1:1",
      code: "ECONNREFUSED",
      text: "connect ECONNREFUSED 127.0.0.1:1",
    });
  });

  it("writes only to connections it opened: never to a recorded one that shares the number", () => {
    const { model, socket } = setup();
    socket().open();
    socket().text(HELLO);
    const live = openedMessage(0, 1, { source: "session", req: 7 });
    socket().text(live);
    // Connection 1 of an older capture, opened by a page too, read back through a view.
    socket().text({ type: "view", req: 8, view: 2, capture: "old.fscap", follow: false });
    socket().text(openedMessage(2, 1, { source: "session" }));
    const chunks = () => socket().sent.filter((d) => typeof d !== "string").length;
    expect([model.canWrite("cap.fscap#1"), model.canWrite("old.fscap#1")]).toEqual([true, false]);
    expect(model.sendBytes("old.fscap#1", Uint8Array.of(1))).toBe(false);
    model.disconnect("old.fscap#1");
    expect([
      chunks(),
      socket()
        .sentMessages()
        .filter((m) => m["type"] === "close"),
    ]).toEqual([0, []]);
    expect(model.sendBytes("cap.fscap#1", Uint8Array.of(1))).toBe(true);
    expect(chunks()).toBe(1);
  });

  it("when the link to the bridge drops, the connections it opened are closed for the session", () => {
    const { model, socket } = setup();
    socket().open();
    socket().text(HELLO);
    socket().text(openedMessage(0, 1, { source: "session" }));
    expect(model.canWrite("cap.fscap#1")).toBe(true);
    socket().drop();
    const c = model.store.get("cap.fscap#1");
    expect(c?.closed?.reason).toBe("session");
    expect(c?.c2s.endedAt).not.toBeNull();
    expect(model.canWrite("cap.fscap#1")).toBe(false);
    expect(model.sendBytes("cap.fscap#1", Uint8Array.of(1))).toBe(false);
  });

  it("knows the most bytes one write may carry: the bridge's message limit less a chunk head", () => {
    const { model, socket } = setup();
    expect(model.maxWrite()).toBeUndefined();
    socket().open();
    socket().text(HELLO);
    expect(model.maxWrite()).toBe((1 << 24) - 16);
  });

  it("counts a send as taken only once the bridge's `written` covers it; a close ends the wait", async () => {
    const { model, socket } = setup();
    socket().open();
    socket().text(HELLO);
    model.connectTo("127.0.0.1:9");
    const sent = socket()
      .sentMessages()
      .find((m) => m["type"] === "connect");
    expect(sent).toMatchObject({ echo: true, written: true });
    socket().text(
      openedMessage(0, 7, { source: "session", req: sent?.["req"] as number, written: 0 }),
    );
    const key = model.connect?.state === "open" ? model.connect.conn : "";
    expect(model.sendBytes(key, new Uint8Array(300))).toBe(true);
    expect(model.sendBytes(key, new Uint8Array(200))).toBe(true);
    expect(model.taken(key, 500)).toBe(true);
    const some = model.taken(key, 100);
    const all = model.taken(key, 0);
    expect(some).toBeInstanceOf(Promise);
    const settled: string[] = [];
    void (some as Promise<boolean>).then((r) => settled.push(`some ${r}`));
    void (all as Promise<boolean>).then((r) => settled.push(`all ${r}`));
    socket().text({ type: "written", view: 0, conn: 7, bytes: 300 });
    await Promise.resolve();
    expect(settled).toEqual([]);
    socket().text({ type: "written", view: 0, conn: 7, bytes: 400 });
    await Promise.resolve();
    expect(settled).toEqual(["some true"]);
    socket().text({ type: "closed", view: 0, conn: 7, reason: "error", time: 9 });
    await Promise.resolve();
    expect(settled).toEqual(["some true", "all false"]);
    expect(await model.taken(key, 0)).toBe(false);
  });

  it("does not wait for `written` from a bridge that did not say it reports", () => {
    const { model, socket } = setup();
    socket().open();
    socket().text(HELLO);
    model.connectTo("127.0.0.1:9");
    const req = socket()
      .sentMessages()
      .find((m) => m["type"] === "connect")?.["req"] as number;
    socket().text(openedMessage(0, 8, { source: "session", req }));
    const key = model.connect?.state === "open" ? model.connect.conn : "";
    expect(model.sendBytes(key, new Uint8Array(300))).toBe(true);
    expect(model.taken(key, 0)).toBe(true);
  });

  it("a click on a byte selects the innermost field covering it; another frame's byte selects that frame first", () => {
    const { model, socket, settle } = setup();
    socket().open();
    socket().text(HELLO);
    playDemo(socket(), 1);
    socket().binary(encodeChunk({ dir: "c2s", view: 1, conn: 5, time: 5_000_300 }, hget));
    settle();
    const sel = model.selection;
    expect(sel.row).toBe(0);
    // hget: 4-byte length, then field 1 (hget) { 1: "users", 2: "alice" }: byte 4+2+2 is inside "users".
    sel.selectByte(8);
    expect(sel.field).toEqual([0, 0]);
    sel.selectByte(hget.length + 8);
    settle();
    expect(sel.row).toBe(2);
    expect(sel.field).toEqual([0, 0]);
    expect(model.followNewest).toBe(false);
  });

  it("keeps the selected frame across a change of framing, found by its first byte", () => {
    const { model, socket, settle } = setup();
    socket().open();
    socket().text(HELLO);
    playDemo(socket(), 1);
    settle();
    model.selection.selectRow(1);
    settle();
    expect(model.selection.frame).toEqual({ dir: "s2c", index: 0 });
    model.configure({
      ...DEFAULT_CONFIG,
      c2s: { framing: "fixed:size=3", payload: { kind: "none" } },
    });
    settle();
    const t = model.tables.get("cap.fscap#5");
    expect(t?.frameCount("c2s")).toBe(Math.floor(hget.length / 3));
    expect(model.selection.frame).toEqual({ dir: "s2c", index: 0 });
    expect(t?.num(model.selection.row, ROW_START)).toBe(0);
    expect(model.selection.detail?.frame.end).toBe(ok.length);
  });

  it("a connection's close ends both streams, and an attach error is shown as a notice", () => {
    const { model, socket, settle } = setup();
    socket().open();
    socket().text(HELLO);
    playDemo(socket(), 1);
    socket().text({ type: "closed", view: 1, conn: 5, reason: "ended", time: 7_000_000 });
    settle();
    const c = model.store.get("cap.fscap#5");
    expect(c?.closed?.reason).toBe("ended");
    expect(c?.c2s.endedAt).toBe(7_000_000);
    model.attach("nope");
    const req = socket()
      .sentMessages()
      .find((m) => m["tap"] === "nope")?.["req"] as number;
    socket().text({
      type: "error",
      view: 0,
      req,
      code: "TAP_NOT_FOUND",
      message: "no tap nope",
      time: 1,
    });
    expect(model.notices.map((n) => [n.place, n.text])).toEqual([
      ["capture", 'cannot open tap "nope": TAP_NOT_FOUND: no tap nope'],
    ]);
  });

  it("downloads a recorded capture and plays it as a view would; the live one is followed through a view", async () => {
    const opened = openedMessage(1, 7) as Extract<ServerMessage, { type: "opened" }>;
    const { view: _view, ...event } = opened;
    const file = [
      encodeCaptureHead(4_000_000),
      encodeEventRecord(event),
      encodeChunkRecord(7, "c2s", 5_000_100, hget),
      encodeChunkRecord(7, "s2c", 5_000_200, ok),
    ];
    const bytes = Uint8Array.from(file.flatMap((p) => [...p]));
    const asked: string[] = [];
    const download: CaptureDownloader = (name) => {
      asked.push(name);
      // Three reads, cut inside the records.
      return Promise.resolve(
        (async function* () {
          yield bytes.subarray(0, 30);
          yield bytes.subarray(30, bytes.length - 9);
          yield bytes.subarray(bytes.length - 9);
        })(),
      );
    };
    const { model, socket, settle } = setup(download);
    socket().open();
    socket().text(HELLO);
    model.openCapture("old.fscap");
    await new Promise((r) => setTimeout(r, 0));
    settle();
    expect(asked).toEqual(["old.fscap"]);
    expect(model.store.get("old.fscap#7")?.c2s.length).toBe(hget.length);
    expect(model.store.get("old.fscap#7")?.s2c.length).toBe(ok.length);
    expect(model.frameTotals()).toEqual({ c2s: 1, s2c: 1 });
    expect(model.notices).toEqual([]);
    // The capture being written (the hello's) is asked of the bridge as a view.
    model.openCapture("cap.fscap");
    expect(asked).toEqual(["old.fscap"]);
    expect(
      socket()
        .sentMessages()
        .filter((m) => m["type"] === "open-capture"),
    ).toEqual([expect.objectContaining({ name: "cap.fscap", follow: true })]);
  });

  it("a failed download is a notice naming the capture", async () => {
    const { model, socket } = setup(() => Promise.reject(new Error("the bridge answered 404")));
    socket().open();
    socket().text(HELLO);
    model.openCapture("gone.fscap");
    await new Promise((r) => setTimeout(r, 0));
    expect(model.notices.map((n) => n.text)).toEqual([
      "gone.fscap cannot be downloaded: the bridge answered 404",
    ]);
  });
});
