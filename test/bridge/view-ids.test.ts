import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { resolveLimits } from "../../bridge/src/bridge-options.js";
import { MAX_VIEW_ID, ViewIds } from "../../bridge/src/view-ids.js";
import type { ServerMessage } from "../../web/src/session/bridge-protocol.js";
import { PageClient, echoServer, startBridge, tempDir } from "./helpers.js";

// Regression (review): view ids came from `nextView++` and went past the chunk
// head's u16 after 65,535 views in one session.

describe("view ids", () => {
  it("hands out 1..65535 in order, never 0, then refuses while all are in use", () => {
    const ids = new ViewIds();
    const seen: number[] = [];
    for (let k = 0; k < MAX_VIEW_ID; k++) seen.push(ids.take() ?? -1);
    expect(seen[0]).toBe(1);
    expect(seen[MAX_VIEW_ID - 1]).toBe(0xffff);
    expect(seen.every((id, k) => id === k + 1)).toBe(true);
    expect(ids.take()).toBeNull();
    ids.release(300);
    expect(ids.take()).toBe(300);
    expect(ids.take()).toBeNull();
  });

  it("after wrapping, skips the ids still in use", () => {
    const ids = new ViewIds(5);
    expect([ids.take(), ids.take(), ids.take(), ids.take(), ids.take()]).toEqual([1, 2, 3, 4, 5]);
    ids.release(2);
    ids.release(4);
    expect(ids.take()).toBe(2);
    expect(ids.take()).toBe(4);
    expect(ids.take()).toBeNull();
    ids.release(1);
    ids.release(5);
    ids.release(3);
    // Round on from the last id handed out (4): 5, then 1, then 3 (2 and 4 are in use).
    expect([ids.take(), ids.take(), ids.take(), ids.take()]).toEqual([5, 1, 3, null]);
    expect(ids.size).toBe(5);
  });

  it("a released id comes back only after the other free ids, and unknown releases are ignored", () => {
    const ids = new ViewIds(4);
    const a = ids.take();
    ids.release(a ?? 0);
    ids.release(99);
    expect([ids.take(), ids.take(), ids.take(), ids.take()]).toEqual([2, 3, 4, 1]);
  });

  it("never goes past 0xffff: a larger maximum is a programmer error", () => {
    expect(() => new ViewIds(0x10000)).toThrow(RangeError);
    expect(() => new ViewIds(0)).toThrow(RangeError);
    expect(() => resolveLimits({ maxViewId: 0x10000 })).toThrow(RangeError);
    expect(resolveLimits().maxViewId).toBe(0xffff);
  });

  it("end to end: a closed view's id is reused for a new view, skipping one still open, and messages stay apart", async () => {
    const echo = await echoServer();
    const bridge = await startBridge({
      allow: [echo.target],
      captures: tempDir(),
      taps: [{ listen: "127.0.0.1:0", target: echo.target, name: "t" }],
      limits: { maxViewId: 2 },
    });
    try {
      const page = await PageClient.open(bridge);
      const open = async (): Promise<Extract<ServerMessage, { type: "view" | "error" }>> => {
        const req = page.req();
        page.send({ type: "attach", req, tap: "t" });
        return page.waitFor(
          (m): m is Extract<ServerMessage, { type: "view" | "error" }> =>
            (m.type === "view" || m.type === "error") && m.req === req,
        );
      };
      const idOf = (m: Extract<ServerMessage, { type: "view" | "error" }>): number => {
        if (m.type !== "view") throw new Error(JSON.stringify(m));
        return m.view;
      };
      const a = idOf(await open());
      const b = idOf(await open());
      expect([a, b]).toEqual([1, 2]);
      expect(await open()).toMatchObject({ type: "error", code: "TOO_MANY_VIEWS" });

      page.send({ type: "close-view", view: b });
      const endB = await page.waitFor((m) => m.type === "view-end" && m.view === b);
      const afterEndB = page.messages.indexOf(endB);
      // Wraps past 2 to 1, which view a still has, and so takes 2 again.
      const c = idOf(await open());
      expect(c).toBe(b);

      // Traffic through the tap now shows up in views a and c, never as the closed b.
      await tapRoundTrip(bridge.taps[0]?.listen ?? "", "reused");
      const opened = await page.waitFor((m) => m.type === "opened" && m.view === c, afterEndB + 1);
      const conn = opened.type === "opened" ? opened.conn : -1;
      await page.until(() =>
        page.messages.some((m) => m.type === "closed" && m.conn === conn && m.view === c),
      );
      await page.until(() =>
        page.messages.some((m) => m.type === "closed" && m.conn === conn && m.view === a),
      );
      expect(page.received(conn, "s2c", c).toString()).toBe("reused");
      expect(page.received(conn, "s2c", a).toString()).toBe("reused");
      const later = page.messages.slice(afterEndB + 1);
      expect(later.every((m) => !("view" in m) || m.view === a || m.view === c)).toBe(true);
      // One announcement of id 2 after b ended (c's), and one opened per live view.
      expect(later.filter((m) => m.type === "view")).toMatchObject([{ view: c }]);
      const opens = later.filter((m) => m.type === "opened" && m.conn === conn);
      expect(opens.map((m) => ("view" in m ? m.view : -1)).sort()).toEqual([a, c]);

      // Once a is closed too, its id is handed out again.
      page.send({ type: "close-view", view: a });
      await page.waitFor((m) => m.type === "view-end" && m.view === a);
      expect(idOf(await open())).toBe(a);
      page.close();
    } finally {
      await bridge.close();
      await echo.close();
    }
  });
});

/** One client of the tap at `listen`: sends `text`, reads it back, then closes. */
function tapRoundTrip(listen: string, text: string): Promise<void> {
  const at = listen.lastIndexOf(":");
  return new Promise((resolve, reject) => {
    const socket = connect({ host: listen.slice(0, at), port: Number(listen.slice(at + 1)) }, () =>
      socket.write(text),
    );
    let got = "";
    socket.on("data", (d: Buffer) => {
      got += d.toString();
      if (got === text) socket.end();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve());
  });
}
