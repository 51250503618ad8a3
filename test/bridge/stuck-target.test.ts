import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { resolveLimits } from "../../bridge/src/bridge-options.js";
import { TARGET_WRITE_HIGH_WATER } from "../../bridge/src/tcp-link.js";
import type { ServerMessage } from "../../web/src/session/bridge-protocol.js";
import { PageClient, echoServer, pattern, startBridge, tcpServer, tempDir } from "./helpers.js";

// Regression (user audit): a target that accepts and never reads froze the whole
// session. The bridge stopped reading the page's WebSocket while any one target
// was full, so a disconnect, a second connect or a captures list waited behind
// the stuck bytes for good. Now the stuck connection holds the page's sends
// itself, up to a bound, and everything else goes on.

const MiB = 1024 * 1024;

/** `promise`, or a failure naming `what` once `ms` have passed (the old code never answers). */
async function within<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `done()` holds, checked every 10 ms (for state no message announces). */
async function polled(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 10));
}

/** A TCP server whose connections are accepted and never read until told. */
async function stuckServer(): Promise<
  Awaited<ReturnType<typeof tcpServer>> & {
    sockets: Socket[];
    /** Reads connection `i` at last: the bytes it gets, and how it ends (an error code, or "end"). */
    readAll: (i: number) => Promise<{ bytes: number; end: string }>;
  }
> {
  const sockets: Socket[] = [];
  const server = await tcpServer((socket) => {
    socket.pause();
    sockets.push(socket);
  });
  return Object.assign(server, {
    sockets,
    readAll: (i: number) =>
      new Promise<{ bytes: number; end: string }>((resolve, reject) => {
        const socket = sockets[i];
        if (socket === undefined) return reject(new Error(`no connection ${i}`));
        let bytes = 0;
        socket.on("data", (d: Buffer) => (bytes += d.length));
        socket.once("error", (err: NodeJS.ErrnoException) =>
          resolve({ bytes, end: err.code ?? "error" }),
        );
        socket.once("end", () => resolve({ bytes, end: "end" }));
        socket.resume();
      }),
  });
}

type Opened = Extract<ServerMessage, { type: "opened" }>;

async function open(page: PageClient, target: string, written = false): Promise<Opened> {
  const r = await within(page.connect(target, false, written), `connect ${target}`);
  if (r.type !== "opened") throw new Error(`${r.code}: ${r.message}`);
  return r;
}

/** Sends `total` bytes of the pattern on `conn` in `block`-byte sends, all at once. */
function blast(page: PageClient, conn: number, total: number, block = MiB, from = 0): void {
  for (let at = from; at < from + total; at += block)
    page.sendBytes(conn, pattern(at, Math.min(block, from + total - at)));
}

const isError = (conn: number) => (m: ServerMessage) => m.type === "error" && m.conn === conn;

describe("a target that does not read", () => {
  it("does not hold up the session: a captures list, a second connection and its own disconnect go on", async () => {
    const stuck = await stuckServer();
    const echo = await echoServer();
    const bridge = await startBridge({ allow: [stuck.target, echo.target], captures: tempDir() });
    try {
      const page = await PageClient.open(bridge);
      const a = await open(page, stuck.target, true);
      // 12 MiB: more than the socket and the kernel take, less than a connection may hold (16 MiB).
      const sent = 12 * MiB;
      blast(page, a.conn, sent);

      // Control messages sent after the stuck bytes are answered.
      const req = page.req();
      page.send({ type: "list-captures", req });
      await within(
        page.waitFor((m) => m.type === "captures" && m.req === req),
        "list-captures behind a stuck target",
      );

      // A second target works, and its bytes flow both ways.
      const b = await open(page, echo.target);
      blast(page, b.conn, 4 * MiB, 256 * 1024);
      await within(
        page.until(() => page.receivedLength(b.conn) === 4 * MiB),
        "the echo of the second connection",
      );
      expect(page.received(b.conn).equals(pattern(0, 4 * MiB))).toBe(true);

      // The bridge read every send for the stuck target (none waits in the page's
      // WebSocket), and holds what its socket did not take, within the bound.
      await within(
        polled(() => page.ws.bufferedAmount === 0),
        "the bridge reading the page",
      );
      expect(page.written(a.conn)).toBeLessThan(sent);
      expect(stuck.sockets[0]?.bytesRead ?? 0).toBeLessThan(sent);
      expect(page.messages.some(isError(a.conn))).toBe(false);

      // Disconnecting it is honoured: the bridge gives queued writes a short grace, then closes.
      page.send({ type: "close", conn: a.conn });
      const closed = await within(
        page.waitFor((m) => m.type === "closed" && m.conn === a.conn),
        "close of the stuck connection",
      );
      expect(closed).toMatchObject({ reason: "page" });
      // What its socket could not take in the grace was cut off (a reset: on Linux the target
      // may see it as an end after the bytes its kernel got).
      const seen = await within(stuck.readAll(0), "the stuck target's socket ending");
      expect(["end", "ECONNRESET"]).toContain(seen.end);
      expect(seen.bytes).toBeLessThan(sent);
      // The other connection is still there.
      page.sendBytes(b.conn, Buffer.from("still here"));
      await within(
        page.until(() => page.receivedLength(b.conn) === 4 * MiB + 10),
        "the second connection after the close",
      );
      page.close();
    } finally {
      await bridge.close();
      await echo.close();
      await stuck.close();
    }
  });

  it("keeps small and large sends in order while it holds them, and delivers all once the target reads", async () => {
    const stuck = await stuckServer();
    const bridge = await startBridge({ allow: [stuck.target] });
    try {
      const page = await PageClient.open(bridge);
      const a = await open(page, stuck.target, true);
      // Many small sends (merged while held) between a few large ones: 12 MiB in all.
      const total = 12 * MiB;
      let at = 0;
      for (let k = 0; at < total; k++) {
        const size = Math.min(total - at, k % 50 === 49 ? 300 * 1024 : 1 + ((k * 7919) % 3000));
        page.sendBytes(a.conn, pattern(at, size));
        at += size;
      }
      await within(
        polled(() => page.ws.bufferedAmount === 0),
        "the bridge reading the page",
      );
      expect(page.written(a.conn)).toBeLessThan(total);
      const seen = stuck.readAll(0);
      const socket = stuck.sockets[0];
      if (socket === undefined) throw new Error("no socket");
      const got: Buffer[] = [];
      socket.on("data", (d: Buffer) => got.push(d));
      await within(
        page.until(() => page.written(a.conn) === total),
        "every byte written",
      );
      page.send({ type: "fin", conn: a.conn });
      expect(await within(seen, "the target's end")).toEqual({ bytes: total, end: "end" });
      expect(Buffer.concat(got).equals(pattern(0, total))).toBe(true);
      expect(page.messages.some(isError(a.conn))).toBe(false);
      page.close();
    } finally {
      await bridge.close();
      await stuck.close();
    }
  });

  it("holds at most maxLinkQueue over the socket's buffer, then closes that connection with TARGET_NOT_READING", async () => {
    const stuck = await stuckServer();
    const bridge = await startBridge({ allow: [stuck.target] });
    // The default bound: 16 MiB over the socket's own buffer.
    const bound = TARGET_WRITE_HIGH_WATER + 16 * MiB;
    try {
      const page = await PageClient.open(bridge);
      const a = await open(page, stuck.target, true);
      const block = MiB;
      const sent = 48 * MiB;
      blast(page, a.conn, sent, block);

      const error = await within(page.waitFor(isError(a.conn)), "TARGET_NOT_READING");
      expect(error).toMatchObject({ type: "error", view: 0, code: "TARGET_NOT_READING" });
      if (error.type !== "error") throw new Error("not an error");
      const lost = /^the target is not reading: (\d+) bytes could not be written/.exec(
        error.message,
      );
      expect(lost, error.message).not.toBeNull();
      // What the bridge held when it gave up: more than the bound less one send, never more than it.
      const held = Number(lost?.[1]);
      expect(held).toBeGreaterThan(bound);
      expect(held).toBeLessThanOrEqual(bound + block);
      expect(page.written(a.conn) + held).toBeLessThanOrEqual(sent);
      const closed = await within(
        page.waitFor((m) => m.type === "closed" && m.conn === a.conn),
        "closed after the error",
      );
      expect(closed).toMatchObject({ reason: "error" });
      const seen = await within(stuck.readAll(0), "the stuck target's socket ending");
      expect(["end", "ECONNRESET"]).toContain(seen.end);
      expect(seen.bytes).toBeLessThan(sent - held);

      // The sends after it are refused (the connection is shut, then gone); the session goes on.
      await within(
        polled(() => page.ws.bufferedAmount === 0),
        "the bridge reading the page",
      );
      const codes = new Set(page.messages.flatMap((m) => (m.type === "error" ? [m.code] : [])));
      expect([...codes].sort()).toEqual(
        expect.arrayContaining(["TARGET_NOT_READING"]) as unknown as string[],
      );
      for (const code of codes)
        expect(["TARGET_NOT_READING", "BAD_MESSAGE", "UNKNOWN_CONNECTION"]).toContain(code);
      const again = await open(page, stuck.target);
      expect(again.conn).not.toBe(a.conn);
      expect(resolveLimits().maxLinkQueue).toBe(16 * MiB);
      page.close();
    } finally {
      await bridge.close();
      await stuck.close();
    }
  });

  it("past the session's bound, the connection holding the most is closed and the others go on", async () => {
    const stuck = await stuckServer();
    const limits = { maxPayload: 2 * MiB, maxLinkQueue: 24 * MiB, maxSessionQueue: 24 * MiB };
    const bridge = await startBridge({ allow: [stuck.target], limits });
    try {
      const page = await PageClient.open(bridge);
      const a = await open(page, stuck.target, true);
      const b = await open(page, stuck.target, true);
      // a holds 22 MiB less what the kernel took (a few MiB): under its own bound.
      blast(page, a.conn, 22 * MiB);
      await within(
        polled(() => page.ws.bufferedAmount === 0),
        "the bridge reading the page",
      );
      expect(page.messages.some(isError(a.conn))).toBe(false);
      // b's sends take the session past 24 MiB while b holds less than a.
      blast(page, b.conn, 16 * MiB);
      const error = await within(page.waitFor(isError(a.conn)), "a closed for the session");
      expect(error).toMatchObject({ code: "TARGET_NOT_READING" });
      if (error.type !== "error") throw new Error("not an error");
      expect(error.message).toMatch(/this page's connections hold at most 25165824/);
      await within(
        page.waitFor((m) => m.type === "closed" && m.conn === a.conn),
        "a's closed",
      );
      await within(
        polled(() => page.ws.bufferedAmount === 0),
        "the bridge reading the page",
      );
      expect(page.messages.some(isError(b.conn))).toBe(false);

      // b kept every byte: once its target reads, they all arrive in order.
      const target = stuck.sockets[1];
      if (target === undefined) throw new Error("no second socket");
      const got: Buffer[] = [];
      let length = 0;
      target.on("data", (d: Buffer) => {
        got.push(d);
        length += d.length;
      });
      target.resume();
      await within(
        polled(() => length >= 16 * MiB),
        "b's bytes at its target",
      );
      expect(Buffer.concat(got).equals(pattern(0, 16 * MiB))).toBe(true);
      await within(
        page.until(() => page.written(b.conn) === 16 * MiB),
        "b's written count",
      );
      page.close();
    } finally {
      await bridge.close();
      await stuck.close();
    }
  });

  it("a page that waits for `written` sends any amount through a target that reads slowly", async () => {
    let target: Socket | undefined;
    let length = 0;
    const got: Buffer[] = [];
    const slow = await tcpServer((socket) => {
      target = socket;
      socket.on("data", (d: Buffer) => {
        got.push(d);
        length += d.length;
      });
      // Reads in bursts: 20 ms on, 60 ms off.
      const toggle = (): void => {
        if (socket.destroyed) return;
        if (socket.isPaused()) socket.resume();
        else socket.pause();
        setTimeout(toggle, socket.isPaused() ? 60 : 20);
      };
      socket.pause();
      setTimeout(toggle, 60);
    });
    const limits = { maxPayload: 2 * MiB, maxLinkQueue: 2 * MiB, maxSessionQueue: 2 * MiB };
    const bridge = await startBridge({ allow: [slow.target], limits });
    try {
      const page = await PageClient.open(bridge);
      const a = await open(page, slow.target, true);
      const total = 40 * MiB;
      const block = 256 * 1024;
      const window = MiB;
      let sent = 0;
      let most = 0;
      while (sent < total) {
        await within(
          page.until(() => sent - page.written(a.conn) < window),
          `room to send at ${sent}`,
        );
        most = Math.max(most, sent - page.written(a.conn));
        page.sendBytes(a.conn, pattern(sent, block));
        sent += block;
      }
      await within(
        page.until(() => page.written(a.conn) === total),
        "everything written",
      );
      expect(most).toBeLessThan(window);
      await within(
        polled(() => length >= total),
        "every byte at the target",
      );
      expect(Buffer.concat(got).equals(pattern(0, total))).toBe(true);
      expect(page.messages.some(isError(a.conn))).toBe(false);
      expect(target?.destroyed).toBe(false);
      // The bridge said in `opened` that the notices would come.
      expect(a.written).toBe(0);
      page.close();
    } finally {
      await bridge.close();
      await slow.close();
    }
  });

  it("the queue limits are checked: one send of the largest message always fits", () => {
    expect(() => resolveLimits({ maxPayload: 2 * MiB, maxLinkQueue: MiB })).toThrow(RangeError);
    expect(() => resolveLimits({ maxLinkQueue: 32 * MiB, maxSessionQueue: 16 * MiB })).toThrow(
      RangeError,
    );
    expect(resolveLimits({ maxPayload: 32 * MiB }).maxLinkQueue).toBe(32 * MiB);
    expect(resolveLimits({ maxLinkQueue: 100 * MiB }).maxSessionQueue).toBe(100 * MiB);
    expect(resolveLimits().maxSessionQueue).toBe(64 * MiB);
  });
});

describe("written notices", () => {
  it("come only when asked, grow to every byte and arrive before `closed`", async () => {
    const echo = await echoServer();
    const bridge = await startBridge({ allow: [echo.target] });
    try {
      const page = await PageClient.open(bridge);
      const req = page.req();
      page.send({ type: "connect", req, target: echo.target, written: "yes" });
      const bad = await within(
        page.waitFor((m) => m.type === "error" && m.req === req),
        "the bad connect",
      );
      expect(bad).toMatchObject({ code: "BAD_MESSAGE", message: "written must be a boolean" });

      const plain = await open(page, echo.target);
      expect(plain.written).toBeUndefined();
      const counted = await open(page, echo.target, true);
      const total = 3 * MiB;
      blast(page, plain.conn, total, 64 * 1024);
      blast(page, counted.conn, total, 64 * 1024);
      page.send({ type: "fin", conn: plain.conn });
      page.send({ type: "fin", conn: counted.conn });
      const closedAt = async (conn: number): Promise<number> => {
        await within(
          page.waitFor((m) => m.type === "closed" && m.conn === conn),
          `closed ${conn}`,
        );
        return page.messages.findIndex((m) => m.type === "closed" && m.conn === conn);
      };
      await closedAt(plain.conn);
      const end = await closedAt(counted.conn);
      const counts = page.messages.flatMap((m, i) =>
        m.type === "written" ? [{ conn: m.conn, bytes: m.bytes, i }] : [],
      );
      expect(counts.every((c) => c.conn === counted.conn)).toBe(true);
      // Growing, ending at every byte, all before `closed`.
      const bytes = counts.map((c) => c.bytes);
      expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
      expect(new Set(bytes).size).toBe(bytes.length);
      expect(bytes.at(-1)).toBe(total);
      expect(counts.every((c) => c.i < end)).toBe(true);
      expect(page.receivedLength(counted.conn)).toBe(total);
      page.close();
    } finally {
      await bridge.close();
      await echo.close();
    }
  });
});
