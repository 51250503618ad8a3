import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { readCaptureFile } from "../../bridge/src/capture-files.js";
import { parseTapOption } from "../../bridge/src/tap.js";
import { PageClient, echoServer, pattern, startBridge, tcpServer, tempDir } from "./helpers.js";

/** Connects to host:port and resolves once connected. */
function dial(address: string): Promise<Socket> {
  const [host, port] = [
    address.slice(0, address.lastIndexOf(":")),
    Number(address.slice(address.lastIndexOf(":") + 1)),
  ];
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, allowHalfOpen: true }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Reads a socket to its end. */
function readAll(s: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    s.on("data", (d: Buffer) => parts.push(d));
    s.on("end", () => resolve(Buffer.concat(parts)));
    s.on("error", reject);
  });
}

/** A server that answers each read with its bytes reversed and, after the client's FIN, "bye" and its own FIN. */
const reverser = (): ReturnType<typeof tcpServer> =>
  tcpServer((socket) => {
    socket.on("data", (d: Buffer) => socket.write(Buffer.from(d).reverse()));
    socket.on("end", () => socket.end("bye"));
  });

describe("tap mode", () => {
  it("parses --tap LISTEN=TARGET", () => {
    expect(parseTapOption("127.0.0.1:7000=127.0.0.1:9527")).toEqual({
      listen: "127.0.0.1:7000",
      target: "127.0.0.1:9527",
    });
    expect(parseTapOption("[::1]:0=localhost:80")).toEqual({
      listen: "[::1]:0",
      target: "localhost:80",
    });
    for (const bad of ["127.0.0.1:7000", "=127.0.0.1:1", "127.0.0.1:7000=", "a:1=b", "a:x=b:1"]) {
      expect(parseTapOption(bad)).toBeNull();
    }
  });

  it("forwards a real client and server unchanged and captures both directions byte for byte", async () => {
    const server = await reverser();
    const bridge = await startBridge({
      captures: tempDir(),
      taps: [{ listen: "127.0.0.1:0", target: server.target, name: "rev" }],
    });
    const tap = bridge.taps[0];
    let clientPort = 0;
    let received: Buffer = Buffer.alloc(0);
    try {
      expect(tap).toMatchObject({ name: "rev", target: server.target });
      const client = await dial(tap?.listen ?? "");
      clientPort = client.localPort ?? 0;
      const answer = readAll(client);
      client.write("hello");
      await new Promise((r) => setTimeout(r, 20));
      client.end(pattern(0, 200_000));
      received = await answer;
      expect(received.length).toBe(5 + 200_000 + 3);
      await new Promise((r) => client.once("close", r));
    } finally {
      await bridge.close();
      await server.close();
    }
    const r = await readCaptureFile(bridge.capturePath ?? "");
    if (!r.ok) throw new Error(r.text);
    const c2s = Buffer.concat(
      r.records.flatMap((x) => (x.kind === "chunk" && x.dir === "c2s" ? [x.bytes] : [])),
    );
    const s2c = Buffer.concat(
      r.records.flatMap((x) => (x.kind === "chunk" && x.dir === "s2c" ? [x.bytes] : [])),
    );
    expect(c2s.equals(Buffer.concat([Buffer.from("hello"), pattern(0, 200_000)]))).toBe(true);
    // The capture holds exactly what the client received from the server.
    expect(s2c.equals(received)).toBe(true);
    expect(s2c.subarray(0, 5).toString()).toBe("olleh");
    const events = r.records.flatMap((x) => (x.kind === "event" ? [x.event] : []));
    expect(events.map((e) => (e.type === "fin" ? `fin ${e.dir}` : e.type))).toEqual([
      "opened",
      "fin c2s",
      "fin s2c",
      "closed",
    ]);
    expect(events[0]).toMatchObject({
      source: "tap",
      tap: "rev",
      target: server.target,
      remote: { address: "127.0.0.1", port: server.port },
      client: { address: "127.0.0.1", port: clientPort },
    });
    expect(events[3]).toMatchObject({ reason: "ended" });
  });

  it("streams a tap to an attached page, and not the page's own connections", async () => {
    const server = await reverser();
    const echo = await echoServer();
    const bridge = await startBridge({
      allow: [echo.target],
      captures: tempDir(),
      taps: [{ listen: "127.0.0.1:0", target: server.target, name: "rev" }],
    });
    try {
      const page = await PageClient.open(bridge);
      const hello = page.messages[0];
      expect(hello?.type === "hello" && hello.taps).toEqual(bridge.taps);
      const req = page.req();
      page.send({ type: "attach", req, tap: "rev" });
      const v = await page.waitFor((m) => m.type === "view" && m.req === req);
      const view = v.type === "view" ? v.view : -1;
      expect(v).toMatchObject({
        tap: "rev",
        follow: true,
        capture: hello?.type === "hello" ? hello.capture : "",
      });
      const own = await page.connect(echo.target);
      const client = await dial(bridge.taps[0]?.listen ?? "");
      const answer = readAll(client);
      client.end("abc");
      expect((await answer).toString()).toBe("cbabye");
      const opened = await page.waitFor((m) => m.type === "opened" && m.view === view);
      const conn = opened.type === "opened" ? opened.conn : -1;
      expect(opened).toMatchObject({ source: "tap", tap: "rev" });
      await page.waitFor((m) => m.type === "closed" && m.view === view && m.conn === conn);
      expect(page.received(conn, "c2s", view).toString()).toBe("abc");
      expect(page.received(conn, "s2c", view).toString()).toBe("cbabye");
      const ownConn = own.type === "opened" ? own.conn : -1;
      expect(
        page.messages.some(
          (m) => "view" in m && m.view === view && "conn" in m && m.conn === ownConn,
        ),
      ).toBe(false);
      page.close();
    } finally {
      await bridge.close();
      await server.close();
      await echo.close();
    }
  });

  it("a page that does not read never slows the tapped pair; it catches up later", async () => {
    const size = 32 * 1024 * 1024;
    const server = await tcpServer((socket) => {
      let n = 0;
      socket.on("data", (d: Buffer) => (n += d.length));
      socket.on("end", () => socket.end(pattern(0, n)));
    });
    const bridge = await startBridge({
      captures: tempDir(),
      taps: [{ listen: "127.0.0.1:0", target: server.target, name: "bulk" }],
      limits: { highWaterMark: 256 * 1024 },
    });
    try {
      const page = await PageClient.open(bridge);
      page.send({ type: "attach", req: 1, tap: "bulk" });
      const v = await page.waitFor((m) => m.type === "view");
      const view = v.type === "view" ? v.view : -1;
      page.ws.pause();
      const client = await dial(bridge.taps[0]?.listen ?? "");
      const answer = readAll(client);
      client.end(pattern(0, size));
      const got = await answer;
      expect(got.length).toBe(size);
      expect(got.equals(pattern(0, size))).toBe(true);
      page.ws.resume();
      const opened = await page.waitFor((m) => m.type === "opened" && m.view === view);
      const conn = opened.type === "opened" ? opened.conn : -1;
      await page.waitFor((m) => m.type === "closed" && m.view === view);
      expect(page.receivedLength(conn, "c2s", view)).toBe(size);
      expect(page.received(conn, "s2c", view).equals(pattern(0, size))).toBe(true);
      page.close();
    } finally {
      await bridge.close();
      await server.close();
    }
  });

  it("a refused target ends the client's connection and is recorded as an error", async () => {
    const gone = await echoServer();
    const target = gone.target;
    await gone.close();
    const bridge = await startBridge({
      captures: tempDir(),
      taps: [{ listen: "127.0.0.1:0", target }],
    });
    try {
      expect(bridge.taps[0]?.name).toBe(bridge.taps[0]?.listen);
      const client = await dial(bridge.taps[0]?.listen ?? "");
      client.on("error", () => undefined);
      expect((await readAll(client)).length).toBe(0);
      client.destroy();
    } finally {
      await bridge.close();
    }
    const r = await readCaptureFile(bridge.capturePath ?? "");
    expect(
      r.ok &&
        r.records.map((x) =>
          x.kind === "event" ? `${x.event.type} ${"code" in x.event ? x.event.code : ""}` : "chunk",
        ),
    ).toEqual(["error ECONNREFUSED"]);
  });
});
