import { copyFileSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCaptureFile } from "../../bridge/src/capture-files.js";
import type { ServerMessage } from "../../web/src/session/bridge-protocol.js";
import { MAX_READ } from "../../bridge/src/read-buffers.js";
import { PageClient, echoServer, pattern, startBridge, tcpServer, tempDir } from "./helpers.js";

/** One echo round trip on a fresh connection, closed by the page; returns the connection id. */
async function roundTrip(page: PageClient, target: string, bytes: Buffer): Promise<number> {
  const r = await page.connect(target);
  if (r.type !== "opened") throw new Error(r.message);
  page.sendBytes(r.conn, bytes);
  await page.until(() => page.receivedLength(r.conn) >= bytes.length);
  page.send({ type: "fin", conn: r.conn });
  await page.waitFor((m) => m.type === "closed" && m.conn === r.conn);
  return r.conn;
}

/** Opens a view and waits for it to be announced; returns its number. */
async function openView(page: PageClient, message: Record<string, unknown>): Promise<number> {
  const req = page.req();
  page.send({ ...message, req });
  const m = await page.waitFor((x) => (x.type === "view" || x.type === "error") && x.req === req);
  if (m.type !== "view") throw new Error(JSON.stringify(m));
  return m.view;
}

const lifeOf = (messages: ServerMessage[], conn: number, view: number): string[] =>
  messages
    .filter((m) => "conn" in m && m.conn === conn && "view" in m && m.view === view)
    .map((m) => (m.type === "fin" ? `fin ${m.dir}` : m.type));

describe("captures", () => {
  it("records every chunk and event of a session's connection, byte for byte", async () => {
    const echo = await echoServer();
    const dir = tempDir();
    const bridge = await startBridge({ allow: [echo.target], captures: dir });
    const sent = pattern(0, 300_000);
    let conn = 0;
    try {
      const page = await PageClient.open(bridge);
      conn = await roundTrip(page, echo.target, sent);
      page.close();
    } finally {
      await bridge.close();
      await echo.close();
    }
    expect(bridge.capturePath?.startsWith(dir)).toBe(true);
    const r = await readCaptureFile(bridge.capturePath ?? "");
    if (!r.ok) throw new Error(r.text);
    expect(r.tail).toBeNull();
    const mine = r.records.filter((x) => x.conn === conn);
    const c2s = Buffer.concat(
      mine.flatMap((x) => (x.kind === "chunk" && x.dir === "c2s" ? [x.bytes] : [])),
    );
    const s2c = Buffer.concat(
      mine.flatMap((x) => (x.kind === "chunk" && x.dir === "s2c" ? [x.bytes] : [])),
    );
    expect(c2s.equals(sent)).toBe(true);
    expect(s2c.equals(sent)).toBe(true);
    const events = mine.flatMap((x) =>
      x.kind === "event" ? [x.event.type === "fin" ? `fin ${x.event.dir}` : x.event.type] : [],
    );
    expect(events).toEqual(["opened", "fin c2s", "fin s2c", "closed"]);
    expect(mine[0]).toMatchObject({
      kind: "event",
      event: { type: "opened", target: echo.target, source: "session" },
    });
    const times = mine.map((x) => x.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it.each([
    ["with captures on", true],
    ["with captures off", false],
  ])("bulk streams from two targets at once arrive byte for byte, %s", async (_name, capturing) => {
    // Reads go into pooled buffers that are reused once the WebSocket and the
    // capture are done with them: any early reuse would show up as wrong bytes.
    const SIZE = 24 * 1024 * 1024;
    let next = 0;
    const server = await tcpServer((socket) => {
      const seed = 1000 * ++next;
      socket.end(pattern(seed, SIZE));
    });
    const bridge = await startBridge({
      allow: [server.target],
      captures: capturing ? tempDir() : null,
    });
    const seeds = new Map<number, number>();
    try {
      const page = await PageClient.open(bridge);
      const conns = await Promise.all(
        [0, 1].map(async () => {
          const r = await page.connect(server.target);
          if (r.type !== "opened") throw new Error(r.message);
          return r.conn;
        }),
      );
      // A page that keeps stopping and starting: sends queue up in the bridge meanwhile.
      const stutter = setInterval(() => {
        if (page.ws.isPaused) page.ws.resume();
        else page.ws.pause();
      }, 3);
      try {
        for (const conn of conns) {
          await page.waitFor((m) => m.type === "fin" && m.conn === conn && m.dir === "s2c");
        }
      } finally {
        clearInterval(stutter);
        page.ws.resume();
      }
      const got = conns.map((conn) => page.received(conn));
      // Which connection got which seed depends on accept order: match by the first byte.
      for (const [i, conn] of conns.entries()) {
        const seed = [1000, 2000].find((x) =>
          pattern(x, 16).equals(got[i]?.subarray(0, 16) ?? Buffer.alloc(0)),
        );
        expect(seed).toBeDefined();
        seeds.set(conn, seed ?? 0);
        expect(got[i]?.equals(pattern(seed ?? 0, SIZE))).toBe(true);
      }
      const sizes = page.chunks.filter((c) => conns.includes(c.conn)).map((c) => c.bytes.length);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_READ);
      page.close();
    } finally {
      await bridge.close();
      await server.close();
    }
    if (!capturing) return;
    const r = await readCaptureFile(bridge.capturePath ?? "");
    if (!r.ok) throw new Error(r.text);
    for (const [conn, seed] of seeds) {
      const s2c = Buffer.concat(
        r.records.flatMap((x) => (x.kind === "chunk" && x.conn === conn ? [x.bytes] : [])),
      );
      expect(s2c.equals(pattern(seed, SIZE))).toBe(true);
    }
  });

  it("a reloaded page gets the current capture again and follows it live", async () => {
    const echo = await echoServer();
    const bridge = await startBridge({ allow: [echo.target], captures: tempDir() });
    try {
      const first = await PageClient.open(bridge);
      const old = await roundTrip(first, echo.target, Buffer.from("before the reload"));
      first.close();
      const page = await PageClient.open(bridge);
      const hello = page.messages[0];
      const current = hello?.type === "hello" ? hello.capture : null;
      expect(current).toMatch(/\.fscap$/);
      const view = await openView(page, { type: "open-capture", name: current });
      await page.until(() => lifeOf(page.messages, old, view).includes("closed"));
      expect(page.received(old, "c2s", view).toString()).toBe("before the reload");
      expect(page.received(old, "s2c", view).toString()).toBe("before the reload");
      expect(lifeOf(page.messages, old, view)).toEqual(["opened", "fin c2s", "fin s2c", "closed"]);
      // Live: a new connection made after the view opened shows up in it too.
      const fresh = await roundTrip(page, echo.target, Buffer.from("after"));
      await page.until(() => lifeOf(page.messages, fresh, view).includes("closed"));
      expect(page.received(fresh, "s2c", view).toString()).toBe("after");
      page.send({ type: "close-view", view });
      expect(await page.waitFor((m) => m.type === "view-end" && m.view === view)).toMatchObject({
        reason: "closed",
      });
      page.close();
    } finally {
      await bridge.close();
      await echo.close();
    }
  });

  it("lists captures and replays an older, torn one up to its damage", async () => {
    const echo = await echoServer();
    const dir = tempDir();
    const earlier = await startBridge({ allow: [echo.target], captures: dir });
    const page1 = await PageClient.open(earlier);
    const conn = await roundTrip(page1, echo.target, pattern(0, 1000));
    page1.close();
    await earlier.close();
    const oldPath = earlier.capturePath ?? "";
    const tornName = "torn-copy.fscap";
    copyFileSync(oldPath, join(dir, tornName));
    truncateSync(join(dir, tornName), statSync(oldPath).size - 5);
    writeFileSync(join(dir, "not-a-capture.fscap"), "hello");
    const bridge = await startBridge({ allow: [echo.target], captures: dir });
    try {
      const page = await PageClient.open(bridge);
      const req = page.req();
      page.send({ type: "list-captures", req });
      const list = await page.waitFor((m) => m.type === "captures" && m.req === req);
      const names =
        list.type === "captures" ? list.captures.map((c) => [c.name, c.current, c.size]) : [];
      expect(names).toContainEqual([oldPath.split("/").pop(), false, statSync(oldPath).size]);
      expect(names).toContainEqual([tornName, false, statSync(oldPath).size - 5]);
      expect(names.filter((n) => n[1] === true)).toHaveLength(1);
      expect(names.map((n) => n[0])).not.toContain("not-a-capture.fscap");

      const full = await openView(page, { type: "open-capture", name: oldPath.split("/").pop() });
      expect(await page.waitFor((m) => m.type === "view-end" && m.view === full)).toMatchObject({
        reason: "done",
      });
      expect(page.received(conn, "s2c", full).equals(pattern(0, 1000))).toBe(true);

      const torn = await openView(page, { type: "open-capture", name: tornName });
      expect(await page.waitFor((m) => m.type === "view-end" && m.view === torn)).toMatchObject({
        reason: "torn",
      });
      expect(lifeOf(page.messages, conn, torn)).toEqual(["opened", "fin c2s", "fin s2c"]);
      expect(page.received(conn, "s2c", torn).equals(pattern(0, 1000))).toBe(true);
      page.close();
    } finally {
      await bridge.close();
      await echo.close();
    }
  });

  const badNames: [string, string][] = [
    ["../escape.fscap", "CAPTURE_NOT_FOUND"],
    ["/etc/passwd", "CAPTURE_NOT_FOUND"],
    [".hidden.fscap", "CAPTURE_NOT_FOUND"],
    ["missing.fscap", "CAPTURE_NOT_FOUND"],
    ["not-a-capture.fscap", "CAPTURE_UNREADABLE"],
  ];
  it("refuses to open what is not a capture in its folder", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "not-a-capture.fscap"), "hello");
    const bridge = await startBridge({ captures: dir });
    try {
      const page = await PageClient.open(bridge);
      for (const [name, code] of badNames) {
        const req = page.req();
        page.send({ type: "open-capture", req, name });
        expect(await page.waitFor((m) => m.type === "error" && m.req === req)).toMatchObject({
          code,
        });
      }
      const req = page.req();
      page.send({ type: "attach", req, tap: "nope" });
      expect(await page.waitFor((m) => m.type === "error" && m.req === req)).toMatchObject({
        code: "TAP_NOT_FOUND",
      });
      page.close();
    } finally {
      await bridge.close();
    }
  });

  it("a view of a large capture arrives whole to a page that pauses reading", async () => {
    const echo = await echoServer();
    const bridge = await startBridge({
      allow: [echo.target],
      captures: tempDir(),
      limits: { highWaterMark: 256 * 1024 },
    });
    try {
      const page = await PageClient.open(bridge);
      const size = 8 * 1024 * 1024;
      const conn = await roundTrip(page, echo.target, pattern(0, size));
      const hello = page.messages[0];
      page.ws.pause();
      page.send({
        type: "open-capture",
        req: 99,
        name: hello?.type === "hello" ? hello.capture : "",
        follow: false,
      });
      await new Promise((r) => setTimeout(r, 300));
      page.ws.resume();
      const view = await page.waitFor((m) => m.type === "view");
      const id = view.type === "view" ? view.view : -1;
      await page.waitFor((m) => m.type === "view-end" && m.view === id);
      expect(page.received(conn, "s2c", id).equals(pattern(0, size))).toBe(true);
      expect(page.received(conn, "c2s", id).equals(pattern(0, size))).toBe(true);
      page.close();
    } finally {
      await bridge.close();
      await echo.close();
    }
  });

  it("the file on disk starts with the documented magic", async () => {
    const bridge = await startBridge({ captures: tempDir() });
    await bridge.close();
    expect(
      readFileSync(bridge.capturePath ?? "")
        .subarray(0, 8)
        .toString("hex"),
    ).toBe("8946534341500d0a");
  });
});
