import { execFileSync } from "node:child_process";
import { createReadStream, type ReadStream } from "node:fs";
import { connect, type AddressInfo } from "node:net";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import type { BridgeContext } from "../../bridge/src/bridge-context.js";
import { resolveLimits } from "../../bridge/src/bridge-options.js";
import { CAPTURE_QUEUE_HIGH, CaptureWriter } from "../../bridge/src/capture-writer.js";
import { startRaw } from "../../bridge/src/raw-endpoint.js";
import { Session } from "../../bridge/src/session.js";
import { startTaps } from "../../bridge/src/tap.js";
import { parseAllowRule, parseHostPort, type AllowRule } from "../../bridge/src/targets.js";
import { readCapture, type CaptureRecord } from "../../web/src/session/capture-format.js";
import { PageClient, echoServer, pattern, tempDir } from "./helpers.js";

// Regression (review): the capture writer queued records without bound, so a
// disk slower than the traffic made the bridge's memory grow without limit.
// Here the capture file is a FIFO the test reads from only when it chooses:
// a real disk that stops, then catches up.

const KiB = 1024;
const MiB = 1024 * KiB;
/** The writer's limits in these tests: full above 1 MiB queued, ready again at 256 KiB. */
const HIGH = 1 * MiB;
const LOW = 256 * KiB;
/** What producers may add after `full` turns on: the reads and messages already in hand. */
const SLACK = 1 * MiB;
const TOTAL = 24 * MiB;

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A capture writer on a FIFO, and the FIFO's reader, which reads nothing until `drain()` (idempotent). */
async function slowCapture(): Promise<{
  writer: CaptureWriter;
  peak: () => number;
  drain: () => void;
  bytes: () => Promise<Buffer>;
}> {
  const fifo = join(tempDir(), "slow.fscap");
  execFileSync("mkfifo", [fifo]);
  // Opening either end of a FIFO waits for the other: open both at once.
  const reader: ReadStream = createReadStream(fifo, { highWaterMark: 64 * KiB });
  const writer = await CaptureWriter.createAt(fifo, () => undefined, { high: HIGH, low: LOW });
  let peak = 0;
  const sample = (): void => {
    peak = Math.max(peak, writer.pendingBytes);
  };
  writer.on("flush", sample);
  writer.watch(sample);
  const sampler = setInterval(sample, 1);
  const parts: Buffer[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    reader.on("end", resolve);
    reader.on("error", reject);
  });
  return {
    writer,
    peak: () => peak,
    drain: () => {
      if (reader.listenerCount("data") === 0) reader.on("data", (d) => parts.push(d as Buffer));
    },
    bytes: async () => {
      await ended;
      clearInterval(sampler);
      return Buffer.concat(parts);
    },
  };
}

/** Waits until `value()` has stopped changing for `quiet` ms (producers that have stalled). */
async function settled(value: () => number, quiet = 300): Promise<number> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const v = value();
    if (v !== last) [last, since] = [v, Date.now()];
    else if (Date.now() - since >= quiet) return v;
    await tick(20);
  }
}

function contextFor(writer: CaptureWriter, allow: AllowRule[]): BridgeContext {
  let next = 1;
  return {
    limits: resolveLimits(),
    allow,
    lookup: undefined,
    recorder: writer,
    log: () => undefined,
    nextConnId: () => next++,
    openConnections: 0,
  };
}

/** Checks the capture holds exactly TOTAL pattern bytes each way for one connection, and its events in order. */
function expectWholeCapture(bytes: Buffer): void {
  const r = readCapture(bytes, crc32);
  if (!r.ok) throw new Error(r.text);
  expect(r.tail).toBeNull();
  expect(r.bad).toEqual([]);
  const streamOf = (dir: "c2s" | "s2c"): Buffer =>
    Buffer.concat(r.records.flatMap((x) => (x.kind === "chunk" && x.dir === dir ? [x.bytes] : [])));
  expect(streamOf("c2s").equals(pattern(0, TOTAL))).toBe(true);
  expect(streamOf("s2c").equals(pattern(0, TOTAL))).toBe(true);
  const events = r.records.flatMap((x: CaptureRecord) => (x.kind === "event" ? [x.event] : []));
  expect(events.map((e) => (e.type === "fin" ? `fin ${e.dir}` : e.type))).toEqual([
    "opened",
    "fin c2s",
    "fin s2c",
    "closed",
  ]);
  expect(r.records[0]?.kind).toBe("event");
  expect(r.records.at(-1)?.kind).toBe("event");
}

describe("capture queue bound", () => {
  it("the default bound is 64 MiB", () => {
    expect(CAPTURE_QUEUE_HIGH).toBe(64 * MiB);
  });

  it("a tap pauses both sides while the capture is full, and every byte still lands in order", async () => {
    const echo = await echoServer();
    const slow = await slowCapture();
    const ctx = contextFor(slow.writer, []);
    const [tap] = await startTaps(ctx, [{ listen: "127.0.0.1:0", target: echo.target }]);
    if (tap === undefined) throw new Error("no tap");
    const at = tap.info.listen.lastIndexOf(":");
    const client = connect({ host: "127.0.0.1", port: Number(tap.info.listen.slice(at + 1)) });
    let back = 0;
    const done = new Promise<void>((resolve, reject) => {
      client.on("data", (d: Buffer) => (back += d.length));
      client.on("end", resolve);
      client.on("error", reject);
    });
    const sendAll = (async () => {
      for (let sent = 0; sent < TOTAL; sent += 256 * KiB) {
        if (!client.write(pattern(sent, 256 * KiB)))
          await new Promise((r) => client.once("drain", r));
      }
      client.end();
    })();
    try {
      // The disk does not move: the queue fills to the bound and the pair stops there.
      const stalled = await settled(() => slow.writer.pendingBytes);
      expect(stalled).toBeLessThanOrEqual(HIGH + SLACK);
      expect(stalled).toBeGreaterThan(HIGH);
      expect(slow.writer.full).toBe(true);
      expect(back).toBeLessThan(TOTAL);

      slow.drain();
      await sendAll;
      await done;
      expect(back).toBe(TOTAL);
      while (ctx.openConnections > 0) await tick(10);
    } finally {
      slow.drain();
      client.destroy();
      await tap.close();
      await slow.writer.close();
      await echo.close();
    }
    expectWholeCapture(await slow.bytes());
    expect(slow.peak()).toBeLessThanOrEqual(HIGH + SLACK);
    expect(slow.writer.full).toBe(false);
  });

  it("a session stops reading its target and its page while the capture is full; nothing is lost", async () => {
    const echo = await echoServer();
    const slow = await slowCapture();
    const rule = parseAllowRule(echo.target);
    if (rule === null) throw new Error("bad rule");
    const ctx = contextFor(slow.writer, [rule]);
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((r) => wss.once("listening", r));
    wss.on("connection", (ws) => {
      ws.on("error", () => undefined);
      new Session(ws, {
        ctx,
        views: null,
        hello: () => ({
          type: "hello",
          version: 1,
          limits: ctx.limits,
          taps: [],
          demo: null,
          allow: [],
          capture: null,
        }),
      });
    });
    const page = await PageClient.open({ port: (wss.address() as AddressInfo).port });
    try {
      const r = await page.connect(echo.target);
      if (r.type !== "opened") throw new Error(r.message);
      for (let sent = 0; sent < TOTAL; sent += 256 * KiB)
        page.sendBytes(r.conn, pattern(sent, 256 * KiB));

      const stalled = await settled(() => slow.writer.pendingBytes);
      expect(stalled).toBeLessThanOrEqual(HIGH + SLACK);
      expect(stalled).toBeGreaterThan(HIGH);
      expect(slow.writer.full).toBe(true);
      // The page's sends wait in its own WebSocket, not in the bridge.
      expect(page.receivedLength(r.conn)).toBeLessThan(TOTAL);

      slow.drain();
      await page.until(() => page.receivedLength(r.conn) === TOTAL);
      page.send({ type: "fin", conn: r.conn });
      await page.waitFor((m) => m.type === "closed" && m.conn === r.conn);
      expect(page.received(r.conn).equals(pattern(0, TOTAL))).toBe(true);
    } finally {
      slow.drain();
      page.close();
      await new Promise((resolve) => wss.close(resolve));
      await slow.writer.close();
      await echo.close();
    }
    expectWholeCapture(await slow.bytes());
    expect(slow.peak()).toBeLessThanOrEqual(HIGH + SLACK);
  });

  it("/raw stops reading its WebSocket and its target while the capture is full; nothing is lost", async () => {
    const echo = await echoServer();
    const slow = await slowCapture();
    const ctx = contextFor(slow.writer, []);
    const target = parseHostPort(echo.target);
    if (target === null) throw new Error("bad target");
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((r) => wss.once("listening", r));
    wss.on("connection", (ws) => {
      ws.on("error", () => undefined);
      startRaw(ws, ctx, target);
    });
    const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`);
    const got: Buffer[] = [];
    let back = 0;
    ws.on("message", (d: Buffer) => {
      got.push(d);
      back += d.length;
    });
    const closed = new Promise((r) => ws.once("close", r));
    try {
      await new Promise((resolve, reject) => {
        ws.once("open", resolve);
        ws.once("error", reject);
      });
      for (let sent = 0; sent < TOTAL; sent += 256 * KiB) ws.send(pattern(sent, 256 * KiB));

      const stalled = await settled(() => slow.writer.pendingBytes);
      expect(stalled).toBeLessThanOrEqual(HIGH + SLACK);
      expect(stalled).toBeGreaterThan(HIGH);
      expect(slow.writer.full).toBe(true);
      expect(back).toBeLessThan(TOTAL);

      slow.drain();
      while (back < TOTAL) await tick(10);
      expect(Buffer.concat(got).equals(pattern(0, TOTAL))).toBe(true);
      ws.close();
      await closed;
      while (ctx.openConnections > 0) await tick(10);
    } finally {
      slow.drain();
      ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await slow.writer.close();
      await echo.close();
    }
    const r = readCapture(await slow.bytes(), crc32);
    if (!r.ok) throw new Error(r.text);
    expect(r.tail).toBeNull();
    const c2s = r.records.flatMap((x) => (x.kind === "chunk" && x.dir === "c2s" ? [x.bytes] : []));
    const s2c = r.records.flatMap((x) => (x.kind === "chunk" && x.dir === "s2c" ? [x.bytes] : []));
    expect(Buffer.concat(c2s).equals(pattern(0, TOTAL))).toBe(true);
    expect(Buffer.concat(s2c).equals(pattern(0, TOTAL))).toBe(true);
    expect(slow.peak()).toBeLessThanOrEqual(HIGH + SLACK);
  });
});
