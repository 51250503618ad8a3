import { copyFileSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bridge } from "../../bridge/src/bridge.js";
import { readCapture } from "../../web/src/session/capture-format.js";
import { PageClient, echoServer, httpGet, pattern, startBridge, tempDir } from "./helpers.js";

/** A GET (or `method`) from the bridge's own host, with `headers` on top; the body as bytes. */
async function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
) {
  const r = await httpGet(port, path, { Host: `127.0.0.1:${port}`, ...headers }, method);
  return { status: r.status, headers: r.headers, body: r.bytes };
}

describe("GET /captures/NAME", () => {
  const dir = tempDir();
  let bridge: Bridge;
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let live: string;
  const old = "capture-2020-01-01T00-00-00-000Z.fscap";

  beforeAll(async () => {
    echo = await echoServer();
    bridge = await startBridge({ allow: [echo.target], captures: dir });
    live = basename(bridge.capturePath ?? "");
    // Traffic, so the live capture holds chunks.
    const page = await PageClient.open(bridge);
    const r = await page.connect(echo.target);
    if (r.type !== "opened") throw new Error(r.message);
    page.sendBytes(r.conn, pattern(0, 50_000));
    await page.until(() => page.receivedLength(r.conn) >= 50_000);
    page.close();
  });
  afterAll(async () => {
    await bridge.close();
    await echo.close();
  });

  it("sends the capture being written up to its last complete record, as a readable capture", async () => {
    const r = await get(bridge.port, `/captures/${live}`);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/octet-stream");
    expect(r.headers["cache-control"]).toBe("no-store");
    const read = readCapture(new Uint8Array(r.body));
    expect(read.ok && read.tail === null && read.bad.length === 0).toBe(true);
    const chunkBytes = read.ok
      ? read.records.reduce((n, x) => n + (x.kind === "chunk" ? x.bytes.length : 0), 0)
      : 0;
    expect(chunkBytes).toBeGreaterThanOrEqual(100_000);
    expect(r.body.equals(readFileSync(join(dir, live)).subarray(0, r.body.length))).toBe(true);
  });

  it("sends an older capture whole, and answers HEAD with its size alone", async () => {
    copyFileSync(join(dir, live), join(dir, old));
    const bytes = readFileSync(join(dir, old));
    const r = await get(bridge.port, `/captures/${old}`);
    expect([r.status, r.body.equals(bytes)]).toEqual([200, true]);
    const head = await get(bridge.port, `/captures/${old}`, {}, "HEAD");
    expect([head.status, head.headers["content-length"], head.body.length]).toEqual([
      200,
      String(bytes.length),
      0,
    ]);
  });

  it.each([
    ["a name that is no capture", "/captures/notes.txt", {}, 404],
    ["a missing capture", "/captures/capture-1999.fscap", {}, 404],
    ["a path out of the folder", "/captures/..%2F..%2Fetc%2Fpasswd", {}, 404],
    ["an encoded slash", `/captures/sub%2F${"x"}.fscap`, {}, 404],
    ["a name that does not decode", "/captures/%E0%A4%A.fscap", {}, 404],
    ["another site's page", "LIVE", { Origin: "http://evil.example" }, 403],
    ["a request another site made", "LIVE", { "Sec-Fetch-Site": "cross-site" }, 403],
    [
      "a host name that is not the bridge's (DNS rebinding)",
      "LIVE",
      { Host: "evil.example:80" },
      403,
    ],
  ])("refuses %s", async (_name, path, headers: Record<string, string>, status) => {
    const r = await get(bridge.port, path === "LIVE" ? `/captures/${live}` : path, headers);
    expect(r.status).toBe(status);
  });

  it("lets the page's own origin and same-origin requests through", async () => {
    const origin = `http://127.0.0.1:${bridge.port}`;
    const r = await get(bridge.port, `/captures/${live}`, {
      Origin: origin,
      "Sec-Fetch-Site": "same-origin",
    });
    expect(r.status).toBe(200);
    expect((await get(bridge.port, `/captures/${live}`, {}, "POST")).status).toBe(405);
  });

  it("lets a page served through an --origin in front of the bridge download, whatever the host's case", async () => {
    const proxied = await startBridge({ captures: tempDir(), origins: ["https://proxy.example"] });
    try {
      const name = basename(proxied.capturePath ?? "");
      const through = { Origin: "https://proxy.example", "Sec-Fetch-Site": "same-origin" };
      expect(
        (await get(proxied.port, `/captures/${name}`, { Host: "proxy.example", ...through }))
          .status,
      ).toBe(200);
      expect(
        (await get(proxied.port, `/captures/${name}`, { Host: `127.0.0.1:${proxied.port}` }))
          .status,
      ).toBe(200);
      expect(
        (await get(proxied.port, `/captures/${name}`, { Host: "PROXY.example", ...through }))
          .status,
      ).toBe(200);
      expect(
        (await get(proxied.port, `/captures/${name}`, { Host: "proxy.example:8443", ...through }))
          .status,
      ).toBe(403);
    } finally {
      await proxied.close();
    }
  });

  it("needs the token when the bridge has one, and 404s when captures are off", async () => {
    const guarded = await startBridge({ captures: tempDir(), token: "s3cret" });
    const bare = await startBridge();
    try {
      const name = basename(guarded.capturePath ?? "");
      expect((await get(guarded.port, `/captures/${name}`)).status).toBe(401);
      expect((await get(guarded.port, `/captures/${name}?token=nope`)).status).toBe(401);
      expect((await get(guarded.port, `/captures/${name}?token=s3cret`)).status).toBe(200);
      expect((await get(bare.port, `/captures/${old}`)).status).toBe(404);
    } finally {
      await guarded.close();
      await bare.close();
    }
  });
});
