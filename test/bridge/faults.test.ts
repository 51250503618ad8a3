import { lookup } from "node:dns";
import type { LookupFunction } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeChunk } from "../../web/src/session/bridge-protocol.js";
import { PageClient, echoServer, pattern, startBridge, tcpServer } from "./helpers.js";

/** After a fault the session must still work: a fresh connect to the echo server round-trips. */
async function stillWorks(page: PageClient, echoTarget: string): Promise<void> {
  const r = await page.connect(echoTarget);
  if (r.type !== "opened") throw new Error(`${r.code}: ${r.message}`);
  page.sendBytes(r.conn, Buffer.from("alive"));
  await page.until(() => page.received(r.conn).toString() === "alive");
  page.send({ type: "close", conn: r.conn });
}

describe("faults become events, never crashes", () => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let refusedTarget: string;
  let resetter: Awaited<ReturnType<typeof tcpServer>>;
  let vanisher: Awaited<ReturnType<typeof tcpServer>>;
  let bridge: Awaited<ReturnType<typeof startBridge>>;
  const hangingLookup: LookupFunction = () => undefined;

  beforeAll(async () => {
    echo = await echoServer();
    const gone = await echoServer();
    refusedTarget = gone.target;
    await gone.close();
    resetter = await tcpServer((socket) => socket.once("data", () => socket.resetAndDestroy()));
    vanisher = await tcpServer((socket) => socket.once("data", () => socket.destroy()));
    bridge = await startBridge({
      allow: [
        echo.target,
        refusedTarget,
        resetter.target,
        vanisher.target,
        "nonexistent.invalid:*",
        "hang.test:*",
      ],
      limits: { connectTimeoutMs: 500 },
      lookup: ((hostname, options, callback) => {
        if (hostname === "hang.test") return hangingLookup(hostname, options, callback);
        return lookup(hostname, options, callback);
      }) as LookupFunction,
    });
  });
  afterAll(async () => {
    await bridge.close();
    await Promise.all([echo.close(), resetter.close(), vanisher.close()]);
  });

  const connectFailures = [
    { name: "a refused target", target: () => refusedTarget, code: "ECONNREFUSED" },
    { name: "an unresolvable name", target: () => "nonexistent.invalid:80", code: "ENOTFOUND" },
    { name: "a connect that never completes", target: () => "hang.test:80", code: "ETIMEDOUT" },
  ];
  for (const c of connectFailures) {
    it(`${c.name} -> error ${c.code} with the connect's req, and nothing else`, async () => {
      const page = await PageClient.open(bridge);
      const r = await page.connect(c.target());
      expect(r).toMatchObject({ type: "error", code: c.code, view: 0 });
      expect(r.type === "error" && r.message.length).toBeGreaterThan(0);
      await stillWorks(page, echo.target);
      const conn = r.type === "error" ? r.conn : undefined;
      expect(
        page.messages.filter((m) => "conn" in m && m.conn === conn).map((m) => m.type),
      ).toEqual(["error"]);
      page.close();
    });
  }

  it("a reset by the target -> error ECONNRESET, then closed with reason error", async () => {
    const page = await PageClient.open(bridge);
    const r = await page.connect(resetter.target);
    if (r.type !== "opened") throw new Error(r.message);
    page.sendBytes(r.conn, Buffer.from("hello"));
    const closed = await page.waitFor((m) => m.type === "closed" && m.conn === r.conn);
    expect(closed).toMatchObject({ reason: "error" });
    expect(page.messages.find((m) => m.type === "error" && m.conn === r.conn)).toMatchObject({
      code: "ECONNRESET",
    });
    await stillWorks(page, echo.target);
    page.close();
  });

  it("a target that vanishes while the page is writing ends the connection cleanly", async () => {
    const page = await PageClient.open(bridge);
    const r = await page.connect(vanisher.target);
    if (r.type !== "opened") throw new Error(r.message);
    for (let i = 0; i < 64; i++) page.sendBytes(r.conn, pattern(i * 65536, 65536));
    const closed = await page.waitFor((m) => m.type === "closed" && m.conn === r.conn);
    expect(["error", "ended"]).toContain(closed.type === "closed" ? closed.reason : "");
    await stillWorks(page, echo.target);
    page.close();
  });

  it("a page that vanishes mid-transfer leaves the bridge serving others", async () => {
    const flood = await tcpServer((socket) => {
      const block = pattern(0, 1 << 20);
      const pump = (): void => {
        while (!socket.destroyed && socket.write(block));
      };
      socket.on("drain", pump);
      pump();
    });
    const b = await startBridge({ allow: [flood.target, echo.target] });
    try {
      const page = await PageClient.open(b);
      const r = await page.connect(flood.target);
      if (r.type !== "opened") throw new Error(r.message);
      await page.until(() => page.chunks.length > 10);
      page.ws.terminate();
      const other = await PageClient.open(b);
      await stillWorks(other, echo.target);
      other.close();
    } finally {
      await b.close();
      await flood.close();
    }
  });

  const malformed: { name: string; send: (page: PageClient) => void; code: string }[] = [
    { name: "not JSON", send: (p) => p.ws.send("{nope"), code: "BAD_MESSAGE" },
    { name: "a JSON array", send: (p) => p.ws.send("[1,2]"), code: "BAD_MESSAGE" },
    { name: "JSON null", send: (p) => p.ws.send("null"), code: "BAD_MESSAGE" },
    { name: "an unknown type", send: (p) => p.send({ type: "explode" }), code: "BAD_MESSAGE" },
    { name: "no type", send: (p) => p.send({ req: 99 }), code: "BAD_MESSAGE" },
    {
      name: "connect without target",
      send: (p) => p.send({ type: "connect", req: 99 }),
      code: "BAD_MESSAGE",
    },
    {
      name: "connect with a numeric target",
      send: (p) => p.send({ type: "connect", req: 99, target: 80 }),
      code: "BAD_MESSAGE",
    },
    {
      name: "connect with a string req",
      send: (p) => p.send({ type: "connect", req: "1", target: "a:1" }),
      code: "BAD_MESSAGE",
    },
    {
      name: "fin with a negative conn",
      send: (p) => p.send({ type: "fin", conn: -1 }),
      code: "BAD_MESSAGE",
    },
    {
      name: "close with a huge conn",
      send: (p) => p.send({ type: "close", conn: 1e300 }),
      code: "BAD_MESSAGE",
    },
    {
      name: "fin of an unknown connection",
      send: (p) => p.send({ type: "fin", conn: 424242 }),
      code: "UNKNOWN_CONNECTION",
    },
    {
      name: "close of an unknown connection",
      send: (p) => p.send({ type: "close", conn: 424242 }),
      code: "UNKNOWN_CONNECTION",
    },
    {
      name: "a send to an unknown connection",
      send: (p) => p.sendBytes(424242, Buffer.from("x")),
      code: "UNKNOWN_CONNECTION",
    },
    {
      name: "a binary message shorter than a head",
      send: (p) => p.ws.send(Buffer.from("0100", "hex")),
      code: "BAD_MESSAGE",
    },
    {
      name: "a binary message of kind 9",
      send: (p) => p.ws.send(Buffer.alloc(20, 9)),
      code: "BAD_MESSAGE",
    },
    {
      name: "a send with dir s2c",
      send: (p) =>
        p.ws.send(encodeChunk({ dir: "s2c", view: 0, conn: 1, time: 0 }, Buffer.from("x"))),
      code: "BAD_MESSAGE",
    },
    {
      name: "close-view of an unknown view",
      send: (p) => p.send({ type: "close-view", view: 7 }),
      code: "UNKNOWN_VIEW",
    },
    {
      name: "list-captures with captures off",
      send: (p) => p.send({ type: "list-captures", req: 3 }),
      code: "CAPTURES_OFF",
    },
  ];
  for (const c of malformed) {
    it(`${c.name} -> error ${c.code}; the session goes on`, async () => {
      const page = await PageClient.open(bridge);
      c.send(page);
      const err = await page.waitFor((m) => m.type === "error");
      expect(err).toMatchObject({ code: c.code, view: 0 });
      await stillWorks(page, echo.target);
      expect(page.closeCode).toBeUndefined();
      page.close();
    });
  }
});
