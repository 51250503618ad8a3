import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { MAX_VIEWS_PER_SESSION } from "../../bridge/src/session.js";
import { PageClient, echoServer, httpGet, startBridge, tempDir } from "./helpers.js";

/** Sends a raw HTTP request and returns the status line (or "closed"). */
function rawStatus(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port }, () => s.write(request));
    let text = "";
    s.on("data", (d: Buffer) => (text += d.toString("latin1")));
    s.on("close", () => resolve(text.split("\r\n")[0] ?? "closed"));
    s.on("error", () => resolve("closed"));
  });
}

describe("bridge robustness", () => {
  it.each(["//", "//a:b", "//["])(
    "an upgrade request for %s is refused with 400 and the bridge keeps serving (regression: it stopped the process)",
    async (target) => {
      const bridge = await startBridge();
      try {
        const status = await rawStatus(
          bridge.port,
          `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        );
        expect(status).toMatch(/^HTTP\/1\.1 400/);
        expect((await httpGet(bridge.port, "/")).status).toBe(200);
      } finally {
        await bridge.close();
      }
    },
  );

  it("a path segment too long for the file system is a 404, not a 500", async () => {
    const bridge = await startBridge();
    try {
      const r = await httpGet(bridge.port, "/" + "a".repeat(300));
      expect(r.status).toBe(404);
    } finally {
      await bridge.close();
    }
  });

  it("every connect is answered even when the page closes it at once, and no slot leaks", async () => {
    const echo = await echoServer();
    const bridge = await startBridge({
      allow: [echo.target],
      limits: { maxSessionConnections: 4 },
    });
    try {
      const page = await PageClient.open(bridge);
      for (let k = 0; k < 12; k++) {
        const req = page.req();
        // Connection ids count up from 1 in a fresh bridge: close the one being opened.
        page.send({ type: "connect", req, target: echo.target });
        page.send({ type: "close", conn: k + 1 });
        const answer = await page.waitFor(
          (m) => (m.type === "opened" || m.type === "error") && m.req === req,
        );
        if (answer.type === "opened")
          await page.waitFor((m) => m.type === "closed" && m.conn === answer.conn);
        else expect(answer).toMatchObject({ code: "CLOSED_BEFORE_OPEN" });
      }
      expect((await page.connect(echo.target)).type).toBe("opened");
      page.close();
    } finally {
      await bridge.close();
      await echo.close();
    }
  });

  it("a tapped pair that is idle longer than the idle timeout is left alone", async () => {
    const echo = await echoServer();
    const bridge = await startBridge({
      taps: [{ listen: "127.0.0.1:0", target: echo.target, name: "t" }],
      limits: { idleTimeoutMs: 200 },
    });
    try {
      const listen = bridge.taps[0]?.listen ?? "";
      const port = Number(listen.slice(listen.lastIndexOf(":") + 1));
      const client: Socket = await new Promise((resolve, reject) => {
        const s = connect({ host: "127.0.0.1", port }, () => resolve(s));
        s.once("error", reject);
      });
      let closed = false;
      client.on("close", () => (closed = true));
      await new Promise((r) => setTimeout(r, 600));
      expect(closed).toBe(false);
      const back = new Promise<string>((resolve) =>
        client.once("data", (d: Buffer) => resolve(d.toString())),
      );
      client.write("still here");
      expect(await back).toBe("still here");
      client.destroy();
    } finally {
      await bridge.close();
      await echo.close();
    }
  });

  it(`a page may have ${MAX_VIEWS_PER_SESSION} views open; one more is refused (each view reads a file)`, async () => {
    const echo = await echoServer();
    const bridge = await startBridge({
      captures: tempDir(),
      taps: [{ listen: "127.0.0.1:0", target: echo.target, name: "t" }],
    });
    try {
      const page = await PageClient.open(bridge);
      const answers: string[] = [];
      for (let k = 0; k <= MAX_VIEWS_PER_SESSION; k++) {
        const req = page.req();
        page.send({ type: "attach", req, tap: "t" });
        const m = await page.waitFor(
          (x) => (x.type === "view" || x.type === "error") && x.req === req,
        );
        answers.push(m.type === "error" ? m.code : m.type);
      }
      expect(answers.slice(0, MAX_VIEWS_PER_SESSION).every((a) => a === "view")).toBe(true);
      expect(answers[MAX_VIEWS_PER_SESSION]).toBe("TOO_MANY_VIEWS");
      page.close();
    } finally {
      await bridge.close();
      await echo.close();
    }
  });
});
