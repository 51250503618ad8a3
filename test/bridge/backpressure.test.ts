import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PageClient, pattern, startBridge, tcpServer } from "./helpers.js";

const MiB = 1024 * 1024;
const BRIDGE_JS = fileURLToPath(new URL("../../dist/bridge/src/bridge.js", import.meta.url));

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `value()` has stopped changing for `quiet` ms (a sender that has stalled). */
async function settled(value: () => number, quiet = 300): Promise<number> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const v = value();
    if (v !== last) {
      last = v;
      since = Date.now();
    } else if (Date.now() - since >= quiet) {
      return v;
    }
    await tick(25);
  }
}

describe("backpressure", () => {
  it("a target that stops reading: the bridge goes on reading the page and holds the sends; every byte arrives once it reads", async () => {
    let target: Socket | undefined;
    const got: Buffer[] = [];
    const server = await tcpServer((socket) => {
      target = socket;
      socket.pause();
      socket.on("data", (d: Buffer) => got.push(d));
    });
    const bridge = await startBridge({ allow: [server.target] });
    try {
      const page = await PageClient.open(bridge);
      const r = await page.connect(server.target);
      if (r.type !== "opened") throw new Error(r.message);
      // More than the socket and the kernel take, less than a connection may hold (16 MiB).
      const sent = 12 * MiB;
      const block = MiB;
      for (let at = 0; at < sent; at += block) page.sendBytes(r.conn, pattern(at, block));
      // The bridge reads all of it: nothing waits in the page's WebSocket.
      const left = await settled(() => page.ws.bufferedAmount);
      expect(left).toBe(0);
      expect(got.length).toBe(0);
      target?.resume();
      while (got.reduce((n, b) => n + b.length, 0) < sent) await tick(10);
      const all = Buffer.concat(got);
      expect(all.length).toBe(sent);
      expect(all.equals(pattern(0, sent))).toBe(true);
      expect(page.messages.filter((m) => m.type === "error")).toEqual([]);
      page.close();
    } finally {
      await bridge.close();
      await server.close();
    }
  });

  it("a page that does not read pauses the TCP socket: a 1 GiB transfer keeps the bridge's memory bounded", async () => {
    const total = 1024 * MiB;
    let written = 0;
    const source = await tcpServer((socket) => {
      const block = pattern(0, MiB);
      const pump = (): void => {
        while (written < total && !socket.destroyed) {
          written += block.length;
          if (!socket.write(block)) return;
        }
        if (written >= total) socket.end();
      };
      socket.on("drain", pump);
      pump();
    });
    // Runs the built bridge (npm test builds before running vitest).
    const child = startChildBridge(source.target);
    try {
      const port = await child.ready;
      const before = await child.memory();
      const page = await PageClient.open({ port });
      const r = await page.connect(source.target);
      if (r.type !== "opened") throw new Error(r.message);
      page.ws.pause();
      const stalledAt = await settled(() => written);
      const during = await child.memory();
      expect(stalledAt).toBeLessThan(128 * MiB);
      expect(during.arrayBuffers - before.arrayBuffers).toBeLessThan(32 * MiB);
      expect(during.rss - before.rss).toBeLessThan(96 * MiB);
      // Reading again lets the transfer go on, in order.
      page.ws.resume();
      await page.until(() => page.receivedLength(r.conn) >= stalledAt + 16 * MiB);
      const got = page.received(r.conn);
      expect(got.subarray(0, 4 * MiB).equals(pattern(0, 4 * MiB))).toBe(true);
      expect(written).toBeGreaterThan(stalledAt);
      page.ws.terminate();
    } finally {
      await child.stop();
      await source.close();
    }
  });
});

interface ChildBridge {
  ready: Promise<number>;
  memory(): Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

/** The built bridge in a child process, so its memory can be measured alone. */
function startChildBridge(target: string): ChildBridge {
  const code = `
    const { createBridge } = await import(${JSON.stringify(new URL(`file://${BRIDGE_JS}`).href)});
    const bridge = await createBridge({ host: "127.0.0.1", port: 0, captures: null, allow: [process.argv[1]],
      webRoot: "/nonexistent", log: () => {} });
    process.send({ port: bridge.port });
    process.on("message", async (m) => {
      if (m === "memory") { globalThis.gc(); process.send({ memory: process.memoryUsage() }); }
      if (m === "stop") { await bridge.close(); process.exit(0); }
    });`;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--expose-gc", "--input-type=module", "-e", code, target],
    {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  const next = <T>(key: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>): void => {
        if (!(key in m)) return;
        child.off("message", onMessage);
        resolve(m[key] as T);
      };
      child.on("message", onMessage);
      child.once("exit", (c) => reject(new Error(`child bridge exited (${c})`)));
    });
  return {
    ready: next<number>("port"),
    memory: () => {
      const m = next<NodeJS.MemoryUsage>("memory");
      child.send("memory");
      return m;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send("stop");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}
