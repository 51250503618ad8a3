import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { PageClient, echoServer, pattern, startBridge, tcpServer } from "./helpers.js";

type Opened = Extract<Awaited<ReturnType<PageClient["connect"]>>, { type: "opened" }>;

async function mustOpen(page: PageClient, target: string, echo = false): Promise<Opened> {
  const r = await page.connect(target, echo);
  if (r.type !== "opened") throw new Error(`${r.code}: ${r.message}`);
  return r;
}

describe("connect mode over /session", () => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let bridge: Awaited<ReturnType<typeof startBridge>>;
  beforeAll(async () => {
    echo = await echoServer();
    bridge = await startBridge({ allow: [echo.target] });
  });
  afterAll(async () => {
    await bridge.close();
    await echo.close();
  });

  it("round-trips bytes through an echo server, with addresses and times", async () => {
    const page = await PageClient.open(bridge);
    const opened = await mustOpen(page, echo.target);
    expect(opened).toMatchObject({
      view: 0,
      source: "session",
      target: echo.target,
      remote: { address: "127.0.0.1", port: echo.port },
    });
    expect(opened.local.port).toBeGreaterThan(0);
    const sent = pattern(0, 100_000);
    page.sendBytes(opened.conn, sent.subarray(0, 1));
    page.sendBytes(opened.conn, sent.subarray(1));
    await page.until(() => page.receivedLength(opened.conn) >= sent.length);
    expect(page.received(opened.conn).equals(sent)).toBe(true);
    const chunks = page.chunks.filter((c) => c.conn === opened.conn);
    expect(chunks.every((c) => c.dir === "s2c" && c.view === 0 && c.time >= opened.time)).toBe(
      true,
    );
    page.send({ type: "close", conn: opened.conn });
    expect(await page.waitFor((m) => m.type === "closed" && m.conn === opened.conn)).toMatchObject({
      reason: "page",
    });
    page.close();
  });

  it("echo: true returns the page's sends as c2s chunks stamped by the bridge", async () => {
    const page = await PageClient.open(bridge);
    const opened = await mustOpen(page, echo.target, true);
    page.sendBytes(opened.conn, Buffer.from("ping"));
    await page.until(() => page.receivedLength(opened.conn) >= 4);
    expect(page.received(opened.conn, "c2s").toString()).toBe("ping");
    const c2s = page.chunks.find((c) => c.conn === opened.conn && c.dir === "c2s");
    expect(c2s?.time).toBeGreaterThanOrEqual(opened.time);
    page.close();
  });

  it("each TCP read is one chunk: reads are never merged or split", async () => {
    const writes = [Buffer.from("first"), Buffer.from("second!"), pattern(0, 3000)];
    const server = await tcpServer((socket) => {
      let i = 0;
      const next = (): void => {
        const w = writes[i++];
        if (w === undefined) return void socket.end();
        socket.write(w);
      };
      socket.on("data", next);
      next();
    });
    const b = await startBridge({ allow: [server.target] });
    try {
      const page = await PageClient.open(b);
      const opened = await mustOpen(page, server.target);
      for (let i = 1; i <= writes.length; i++) {
        await page.until(() => page.chunks.filter((c) => c.conn === opened.conn).length >= i);
        page.sendBytes(opened.conn, Buffer.from("next"));
      }
      await page.waitFor((m) => m.type === "fin" && m.conn === opened.conn);
      page.send({ type: "fin", conn: opened.conn });
      await page.waitFor((m) => m.type === "closed" && m.conn === opened.conn);
      expect(
        page.chunks.filter((c) => c.conn === opened.conn).map((c) => c.bytes.toString("hex")),
      ).toEqual(writes.map((w) => w.toString("hex")));
      page.close();
    } finally {
      await b.close();
      await server.close();
    }
  });

  it("keeps half-close: the page's FIN is forwarded and the answer still arrives", async () => {
    const server = await tcpServer((socket) => {
      let n = 0;
      socket.on("data", (d: Buffer) => (n += d.length));
      socket.on("end", () => socket.end(`got ${n} bytes`));
    });
    const b = await startBridge({ allow: [server.target] });
    try {
      const page = await PageClient.open(b);
      const opened = await mustOpen(page, server.target);
      page.sendBytes(opened.conn, pattern(0, 5000));
      page.send({ type: "fin", conn: opened.conn });
      const closed = await page.waitFor((m) => m.type === "closed" && m.conn === opened.conn);
      expect(closed).toMatchObject({ reason: "ended" });
      expect(page.received(opened.conn).toString()).toBe("got 5000 bytes");
      const order = page.messages
        .filter((m) => "conn" in m && m.conn === opened.conn)
        .map((m) => (m.type === "fin" ? `fin ${m.dir}` : m.type));
      expect(order).toEqual(["opened", "fin c2s", "fin s2c", "closed"]);
      page.sendBytes(opened.conn, Buffer.from("late"));
      const err = await page.waitFor((m) => m.type === "error" && m.conn === opened.conn);
      expect(err).toMatchObject({ code: "UNKNOWN_CONNECTION" });
      page.close();
    } finally {
      await b.close();
      await server.close();
    }
  });

  it("a target's FIN is shown and the page can still send before closing its side", async () => {
    const got: Buffer[] = [];
    const server = await tcpServer((socket) => {
      socket.write("bye");
      socket.end();
      socket.on("data", (d: Buffer) => got.push(d));
    });
    const b = await startBridge({ allow: [server.target] });
    try {
      const page = await PageClient.open(b);
      const opened = await mustOpen(page, server.target);
      await page.waitFor((m) => m.type === "fin" && m.conn === opened.conn && m.dir === "s2c");
      page.sendBytes(opened.conn, Buffer.from("after your fin"));
      page.send({ type: "fin", conn: opened.conn });
      await page.waitFor((m) => m.type === "closed" && m.conn === opened.conn);
      expect(page.received(opened.conn).toString()).toBe("bye");
      expect(Buffer.concat(got).toString()).toBe("after your fin");
      expect(page.messages.some((m) => m.type === "error")).toBe(false);
      page.close();
    } finally {
      await b.close();
      await server.close();
    }
  });

  it("when the target closes with data still queued, every byte reaches the page before closed", async () => {
    const size = 8 * 1024 * 1024;
    const server = await tcpServer((socket) => socket.end(pattern(0, size)));
    const b = await startBridge({ allow: [server.target], limits: { highWaterMark: 64 * 1024 } });
    try {
      const page = await PageClient.open(b);
      page.ws.pause();
      page.send({ type: "connect", req: 1, target: server.target });
      await new Promise((r) => setTimeout(r, 200));
      page.ws.resume();
      const fin = await page.waitFor((m) => m.type === "fin");
      const conn = fin.type === "fin" ? fin.conn : -1;
      // Everything before the FIN: the chunks received so far are the whole stream.
      const got = page.received(conn);
      expect(got.length).toBe(size);
      expect(got.equals(pattern(0, size))).toBe(true);
      page.send({ type: "fin", conn });
      const closed = await page.waitFor((m) => m.type === "closed");
      expect(closed).toMatchObject({ conn, reason: "ended" });
      page.close();
    } finally {
      await b.close();
      await server.close();
    }
  });
});

describe("/raw (websockify-compatible)", () => {
  it("round-trips binary messages and picks the binary subprotocol", async () => {
    const echo = await echoServer();
    const b = await startBridge({ allow: [echo.target] });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${b.port}/raw?target=${echo.target}`, ["binary"]);
      await new Promise((r) => ws.once("open", r));
      expect(ws.protocol).toBe("binary");
      const got: Buffer[] = [];
      ws.on("message", (d: Buffer) => got.push(d));
      const sent = pattern(0, 200_000);
      ws.send(sent.subarray(0, 100));
      ws.send(sent.subarray(100));
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (Buffer.concat(got).length >= sent.length) resolve();
          else setTimeout(check, 5);
        };
        check();
      });
      expect(Buffer.concat(got).equals(sent)).toBe(true);
      ws.close();
    } finally {
      await b.close();
      await echo.close();
    }
  });

  it("delivers everything the target sent before closing the WebSocket with 1000", async () => {
    const size = 4 * 1024 * 1024;
    const server = await tcpServer((socket) => socket.end(pattern(0, size)));
    const b = await startBridge({ allow: [server.target], limits: { highWaterMark: 64 * 1024 } });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${b.port}/raw?target=${server.target}`);
      const got: Buffer[] = [];
      ws.on("message", (d: Buffer) => got.push(d));
      const code = await new Promise<number>((resolve) => ws.on("close", resolve));
      expect(code).toBe(1000);
      expect(Buffer.concat(got).equals(pattern(0, size))).toBe(true);
    } finally {
      await b.close();
      await server.close();
    }
  });

  it("a refused target closes the WebSocket with 1011 and the error code", async () => {
    const gone = await echoServer();
    const target = gone.target;
    await gone.close();
    const b = await startBridge({ allow: [target] });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${b.port}/raw?target=${target}`);
      const [code, reason] = await new Promise<[number, string]>((resolve) =>
        ws.on("close", (c, r) => resolve([c, r.toString()])),
      );
      expect(code).toBe(1011);
      expect(reason).toMatch(/^ECONNREFUSED/);
    } finally {
      await b.close();
    }
  });
});
