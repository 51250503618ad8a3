import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { PAGE_CSP } from "../../bridge/src/static-files.js";
import { PageClient, echoServer, httpGet, startBridge, tempDir, upgradeStatus } from "./helpers.js";

describe("bridge: Origin, token, allow-list", () => {
  let bridge: Awaited<ReturnType<typeof startBridge>>;
  let echo: Awaited<ReturnType<typeof echoServer>>;
  beforeAll(async () => {
    echo = await echoServer();
    bridge = await startBridge({ allow: [echo.target], origins: ["http://localhost:5173"] });
  });
  afterAll(async () => {
    await bridge.close();
    await echo.close();
  });

  const origins: { name: string; origin: string | undefined; expected: number | "open" }[] = [
    { name: "no Origin (a program, not a browser)", origin: undefined, expected: "open" },
    { name: "the page's own origin", origin: "OWN", expected: "open" },
    { name: "localhost at the same port", origin: "LOCALHOST", expected: "open" },
    { name: "an --origin extra", origin: "http://localhost:5173", expected: "open" },
    { name: "another site", origin: "https://evil.example", expected: 403 },
    { name: "the same host at another port", origin: "http://127.0.0.1:1", expected: 403 },
    { name: "the opaque origin null", origin: "null", expected: 403 },
    { name: "garbage", origin: "not a url", expected: 403 },
  ];
  for (const path of ["/session", "/raw?target=ECHO"]) {
    for (const c of origins) {
      it(`${path}: ${c.name} -> ${c.expected}`, async () => {
        const origin =
          c.origin === "OWN"
            ? `http://127.0.0.1:${bridge.port}`
            : c.origin === "LOCALHOST"
              ? `http://localhost:${bridge.port}`
              : c.origin;
        const status = await upgradeStatus(
          bridge.port,
          path.replace("ECHO", echo.target),
          origin === undefined ? {} : { origin },
        );
        expect(status).toBe(c.expected);
      });
    }
  }

  it("/raw: a target outside the allow-list is refused with 403, a malformed one with 400", async () => {
    expect(await upgradeStatus(bridge.port, "/raw?target=127.0.0.1:1")).toBe(403);
    expect(await upgradeStatus(bridge.port, "/raw?target=nonsense")).toBe(400);
    expect(await upgradeStatus(bridge.port, "/raw")).toBe(400);
  });

  it("an unknown WebSocket path is 404", async () => {
    expect(await upgradeStatus(bridge.port, "/elsewhere")).toBe(404);
  });

  it("/session: a target outside the allow-list is TARGET_NOT_ALLOWED, a malformed one BAD_TARGET", async () => {
    const page = await PageClient.open(bridge);
    const hello = page.messages[0];
    expect(hello?.type === "hello" && hello.allow).toEqual([echo.target]);
    for (const [target, code] of [
      ["127.0.0.1:1", "TARGET_NOT_ALLOWED"],
      ["localhost:" + echo.port, "TARGET_NOT_ALLOWED"],
      ["example.com:80", "TARGET_NOT_ALLOWED"],
      ["127.0.0.1", "BAD_TARGET"],
      ["127.0.0.1:99999", "BAD_TARGET"],
    ] as const) {
      const r = await page.connect(target);
      expect(r.type === "error" && r.code).toBe(code);
    }
    page.close();
  });
});

describe("bridge: token on non-loopback binds", () => {
  it("binding 0.0.0.0 generates a token, puts it in the URL and refuses upgrades without it", async () => {
    const bridge = await startBridge({ host: "0.0.0.0" });
    try {
      expect(bridge.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(bridge.url).toContain(`?token=${bridge.token}`);
      expect(await upgradeStatus(bridge.port, "/session")).toBe(401);
      expect(await upgradeStatus(bridge.port, "/session?token=wrong")).toBe(401);
      expect(await upgradeStatus(bridge.port, "/raw?target=127.0.0.1:1")).toBe(401);
      expect(await upgradeStatus(bridge.port, `/session?token=${bridge.token ?? ""}`)).toBe("open");
    } finally {
      await bridge.close();
    }
  });

  it("a loopback bind needs no token unless one is given", async () => {
    const open = await startBridge();
    const locked = await startBridge({ token: "s3cret" });
    try {
      expect(open.token).toBeUndefined();
      expect(await upgradeStatus(open.port, "/session")).toBe("open");
      expect(await upgradeStatus(locked.port, "/session")).toBe(401);
      expect(await upgradeStatus(locked.port, "/session?token=s3cret")).toBe("open");
    } finally {
      await open.close();
      await locked.close();
    }
  });
});

describe("bridge: limits", () => {
  it("a message over maxPayload closes the WebSocket with 1009", async () => {
    const bridge = await startBridge({ limits: { maxPayload: 1024 } });
    try {
      const page = await PageClient.open(bridge);
      page.ws.send(Buffer.alloc(2000));
      await page.until(() => page.closeCode !== undefined);
      expect(page.closeCode).toBe(1009);
    } finally {
      await bridge.close();
    }
  });

  it("more WebSockets than maxSessions are refused with 503", async () => {
    const bridge = await startBridge({ limits: { maxSessions: 2 } });
    try {
      const a = await PageClient.open(bridge);
      const b = await PageClient.open(bridge);
      expect(await upgradeStatus(bridge.port, "/session")).toBe(503);
      a.close();
      b.close();
    } finally {
      await bridge.close();
    }
  });

  it("connections per session and in total are capped with TOO_MANY_CONNECTIONS", async () => {
    const echo = await echoServer();
    const bridge = await startBridge({
      allow: [echo.target],
      limits: { maxSessionConnections: 2, maxConnections: 3 },
    });
    try {
      const a = await PageClient.open(bridge);
      expect((await a.connect(echo.target)).type).toBe("opened");
      expect((await a.connect(echo.target)).type).toBe("opened");
      const third = await a.connect(echo.target);
      expect(third.type === "error" && third.code).toBe("TOO_MANY_CONNECTIONS");
      const b = await PageClient.open(bridge);
      expect((await b.connect(echo.target)).type).toBe("opened");
      const fourth = await b.connect(echo.target);
      expect(fourth.type === "error" && fourth.code).toBe("TOO_MANY_CONNECTIONS");
      expect(await upgradeStatus(bridge.port, `/raw?target=${echo.target}`)).toBe(503);
      a.close();
      b.close();
    } finally {
      await bridge.close();
      await echo.close();
    }
  });

  it("a connection without traffic for the idle timeout is closed with reason idle", async () => {
    const echo = await echoServer();
    const bridge = await startBridge({ allow: [echo.target], limits: { idleTimeoutMs: 150 } });
    try {
      const page = await PageClient.open(bridge);
      const opened = await page.connect(echo.target);
      if (opened.type !== "opened") throw new Error(opened.message);
      const closed = await page.waitFor((m) => m.type === "closed" && m.conn === opened.conn);
      expect(closed).toMatchObject({ type: "closed", reason: "idle", view: 0 });
      page.close();
    } finally {
      await bridge.close();
      await echo.close();
    }
  });
});

describe("bridge: static files", () => {
  const outside = tempDir("framescope-outside-");
  writeFileSync(join(outside, "secret.txt"), "secret\n");
  const web = tempDir("framescope-web-");
  writeFileSync(join(web, "index.html"), "<!doctype html><title>page</title>");
  writeFileSync(join(web, "app.js"), "console.log(1)");
  mkdirSync(join(web, "assets"));
  writeFileSync(join(web, "assets", "a b.css"), "body{}");
  mkdirSync(join(web, "empty"));
  symlinkSync(join(outside, "secret.txt"), join(web, "link.txt"));
  const secretName = join("..", outside.split("/").pop() ?? "", "secret.txt");

  let bridge: Awaited<ReturnType<typeof startBridge>>;
  beforeAll(async () => {
    bridge = await startBridge({ webRoot: web });
  });
  afterAll(() => bridge.close());

  it("serves the page with a Content-Security-Policy", async () => {
    const r = await httpGet(bridge.port, "/");
    expect(r.status).toBe(200);
    expect(r.body).toContain("<title>page</title>");
    expect(r.headers["content-security-policy"]).toBe(PAGE_CSP);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    // Cross-origin isolated: the page may share memory with its worker.
    expect(r.headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(r.headers["cross-origin-embedder-policy"]).toBe("require-corp");
    const js = await httpGet(bridge.port, "/app.js?v=1");
    expect([js.status, js.headers["content-type"], js.body]).toEqual([
      200,
      "text/javascript; charset=utf-8",
      "console.log(1)",
    ]);
    expect((await httpGet(bridge.port, "/assets/a%20b.css")).body).toBe("body{}");
  });

  const escapes: (string | readonly [string, string])[] = [
    "/../package.json",
    "/..%2fpackage.json",
    "/%2e%2e/package.json",
    "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/assets/../../package.json",
    "/..\\package.json",
    "/%5c..%5cpackage.json",
    ["/../<outside>/secret.txt", `/${secretName}`],
    ["/..%2F<outside>%2Fsecret.txt", `/${encodeURIComponent(secretName)}`],
    "/link.txt",
    "/app.js%00.html",
    "/%ff",
    "//etc/passwd",
    "/empty/",
    "/assets/",
    "/missing.js",
  ];
  for (const entry of escapes) {
    const [name, path]: readonly [string, string] =
      typeof entry === "string" ? [entry, entry] : entry;
    it(`never serves outside the folder or a listing: ${name} -> 404`, async () => {
      const r = await httpGet(bridge.port, path);
      expect(r.status).toBe(404);
      expect(r.body).not.toContain("secret");
      expect(r.body).not.toContain("framescope");
    });
  }

  it("answers other methods with 405", async () => {
    const r = await fetch(`http://127.0.0.1:${bridge.port}/`, { method: "POST" });
    expect(r.status).toBe(405);
  });

  it("serves a placeholder saying the page is not built when the folder has no index.html", async () => {
    const bare = await startBridge({ webRoot: join(tempDir(), "missing") });
    try {
      const r = await httpGet(bare.port, "/");
      expect(r.status).toBe(200);
      expect(r.body).toContain("not built");
      expect(r.headers["content-security-policy"]).toBe(PAGE_CSP);
      expect((await httpGet(bare.port, "/app.js")).status).toBe(404);
    } finally {
      await bare.close();
    }
  });

  it("a plain WebSocket client gets hello with the protocol version and limits", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/session`);
    const first = await new Promise<string>((resolve) =>
      ws.once("message", (d: Buffer) => resolve(d.toString())),
    );
    expect(JSON.parse(first)).toMatchObject({
      type: "hello",
      version: 1,
      limits: {
        maxPayload: 16 * 1024 * 1024,
        maxSessionConnections: 64,
        maxLinkQueue: 16 * 1024 * 1024,
        maxSessionQueue: 64 * 1024 * 1024,
      },
      taps: [],
      demo: null,
      capture: null,
    });
    ws.close();
  });
});
