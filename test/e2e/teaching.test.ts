import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTo, selectFinishedConversation, usePage } from "./fixture.js";
import { screenshot, type OpenedPage } from "./harness.js";

/** The frames lane as "start-end" per frame box (from the boxes' titles). */
async function frameBoxes(page: Page): Promise<string[]> {
  const titles = await page
    .locator('.lane[data-lane="frames cut"] .box.frame')
    .evaluateAll((els) => els.map((e) => (e as unknown as { title: string }).title));
  return titles.map((t) => /\[(\d+), (\d+)\)/.exec(t)?.slice(1).join("-") ?? t);
}

/** One lane label as the page draws it: its text, whether its whole box lies inside the lane, whether it is on top there. */
interface LabelSeen {
  readonly text: string;
  readonly inside: boolean;
  readonly onTop: boolean;
}

/** The labels of lane `lane` (in the page: a string, so the test's Node types stay out of it). */
async function laneLabels(page: Page, lane: string): Promise<LabelSeen[]> {
  return page.evaluate(`(() => {
    const track = document.querySelector('.lane[data-lane="${lane}"] .lane-track');
    const t = track.getBoundingClientRect();
    return [...track.querySelectorAll(".lane-label")].map((l) => {
      const r = l.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return {
        text: l.textContent,
        inside: r.width > 0 && r.left >= t.left && r.right <= t.right && r.top >= t.top && r.bottom <= t.bottom,
        onTop: hit === l,
      };
    });
  })()`);
}

/** The byte window's cells [from, to) as "hex/class" ("2c/head"): hex digits, and head, payload or "" by their marks. */
async function windowBytes(page: Page, from: number, to: number): Promise<string[]> {
  const out: string[] = [];
  for (let at = from; at < to; at++) {
    const cell = page.getByTestId("teach-bytes").locator(`.c[data-at="${at}"]`);
    if ((await cell.count()) === 0) {
      out.push("not shown");
      continue;
    }
    const cls = (await cell.getAttribute("class")) ?? "";
    const part = /\bhead\b/.test(cls) ? "head" : /\bpayload\b/.test(cls) ? "payload" : "";
    out.push(`${await cell.locator(".tb-hex").innerText()}/${part}`);
  }
  return out;
}

describe("the teaching view, in Chromium", () => {
  const fx = usePage();
  let p: OpenedPage;

  it("steps the tokio lesson read by read with the framer's state in words", async () => {
    p = await fx.open();
    const page = p.page;
    await page.getByTestId("teach-toggle").click();
    await page.getByTestId("teach-source").selectOption("tokio");
    const state = page.getByTestId("teach-state");
    const seen: string[] = [];
    await expect.poll(() => state.innerText()).toMatch(/^after bytes \[0, 11\)/);
    for (;;) {
      seen.push(await state.innerText());
      const next = page.getByTestId("teach-next");
      if (await next.isDisabled()) break;
      await next.click();
    }
    expect(seen).toEqual([
      "after bytes [0, 11): frame 0 complete; head: 2 of 4 bytes",
      "after bytes [11, 21): frame 1 complete",
      "after bytes [21, 200): payload: need 125 more bytes",
      "after bytes [200, 250): payload: need 75 more bytes",
      "after bytes [250, 325): frame 2 complete",
    ]);
    expect(await frameBoxes(page)).toEqual(["0-9", "9-21", "21-325"]);
    await page.getByTestId("teach-prev").click();
    expect(await page.locator(".box.needed").count()).toBe(1);
    expect(await frameBoxes(page)).toEqual(["0-9", "9-21"]);
    await screenshot(page, "teaching-step");
    // Read 3 of 5: frame 2's head has arrived, 125 payload bytes are still missing.
    await page.getByTestId("teach-prev").click();
    await expect.poll(() => state.innerText()).toMatch(/^after bytes \[21, 200\)/);
    await screenshot(page, "teaching-tokio-head");
    // 325 bytes: the byte window shows frame 2's length prefix (300 = 00 00 01 2c) as its head.
    expect(await windowBytes(page, 21, 25)).toEqual(["00/head", "00/head", "01/head", "2c/head"]);
    // ... and the bytes the framer is waiting for, from the end of this read.
    const needed = page.getByTestId("teach-bytes").locator(".c.needed");
    expect(await needed.first().getAttribute("data-at")).toBe("200");
    expect(await page.locator('.lane[data-lane="bytes below"] .shown').count()).toBeGreaterThan(0);
    expect(p.errors()).toEqual([]);
  });

  it("re-chunking the same bytes keeps every frame", async () => {
    const page = p.page;
    await page.getByTestId("teach-source").selectOption("crlf");
    const same = page.getByTestId("teach-same");
    await expect.poll(() => same.innerText()).toMatch(/^3 frames from 2 reads: the same frames/);
    for (const [how, reads] of [
      ["one-byte", "13"],
      ["random", "\\d+"],
      ["segments", "1"],
      ["coalesced", "1"],
    ] as const) {
      await page.getByTestId("teach-rechunk").selectOption(how);
      await expect
        .poll(() => same.innerText())
        .toMatch(
          new RegExp(`^3 frames from ${reads} reads?: the same frames as the reads TCP delivered$`),
        );
      const last = page.getByRole("button", { name: "last", exact: true });
      if (!(await last.isDisabled())) await last.click();
      expect(await frameBoxes(page)).toEqual(["0-3", "3-9", "9-13"]);
      // Every frame's number sits whole inside the lane, on top of its box.
      expect(await laneLabels(page, "frames cut")).toEqual(
        ["0", "1", "2"].map((text) => ({ text, inside: true, onTop: true })),
      );
      if (how === "one-byte") await screenshot(page, "teaching-crlf-one-byte");
    }
    await screenshot(page, "teaching-crlf");
    // A live stream of the demo plays through the same view.
    await page.getByTestId("teach-toggle").click();
    await selectFinishedConversation(page);
    await page.getByTestId("teach-toggle").click();
    await page.getByTestId("teach-source").selectOption("stream-c2s");
    await page.getByTestId("teach-rechunk").selectOption("one-byte");
    await expect.poll(() => same.innerText()).toMatch(/^13 frames from \d+ reads: the same frames/);
    await screenshot(page, "teaching-live-stream");
    // Hundreds of 1-byte reads: the reads lane draws them merged, and the current read on top.
    const reads = page.locator('.lane[data-lane="TCP reads"]');
    expect(await reads.locator(".lane-note").innerText()).toMatch(/^\d[\d,]* reads, merged$/);
    expect(await reads.locator(".tick").count()).toBeGreaterThan(0);
    await page.getByRole("button", { name: "last", exact: true }).click();
    await expect.poll(() => page.getByTestId("teach-at").innerText()).toMatch(/^read (\d+) of \1$/);
    expect(await reads.locator(".tick.future").count()).toBe(0);
    expect(await reads.locator(".box.read.now").count()).toBe(1);
    await screenshot(page, "teaching-live-stream-last");
    expect(p.errors()).toEqual([]);
  });
});

describe("the teaching view on a stream still open, in Chromium", () => {
  const fx = usePage({ demo: false, args: ["--allow", "127.0.0.1:*"] });
  /** What the server does with the next connection: its socket is kept for the test. */
  let greet: (socket: Socket) => void = () => undefined;
  let socket: Socket | undefined;
  const sockets = new Set<Socket>();
  let server: Server;
  let target = "";

  beforeAll(async () => {
    server = createServer((s) => {
      socket = s;
      sockets.add(s);
      greet(s);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    // Every connection, also the half-closed ones the bridge keeps open: close waits for them.
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Steps to the last read (the button is disabled when there is only one). */
  async function toLastRead(page: Page): Promise<void> {
    const last = page.getByRole("button", { name: "last", exact: true });
    if (!(await last.isDisabled())) await last.click();
  }

  /** Connects the page to the server, which sends `bytes` and keeps the connection open; shows its S→C stream. */
  async function openStream(page: Page, bytes: Buffer): Promise<void> {
    greet = (s) => void s.write(bytes);
    await connectTo(page, target);
    await page.getByTestId("teach-toggle").click();
    await page.getByTestId("teach-source").selectOption("stream-s2c");
  }

  // Regression: the view played every stream as ended, and said "stopped at byte 7: stream
  // ended inside a frame: 9 of 16 payload bytes missing" on a connection still open.
  it("a frame that stops mid-payload: waiting for 9 more bytes, until the stream really ends", async () => {
    const p = await fx.openInspector();
    const page = p.page;
    // Frame 0 ("abc"), then frame 1's head (16) and 7 of its 16 payload bytes.
    await openStream(page, Buffer.from("00000003616263" + "00000010" + "41424344454647", "hex"));
    const text = page.locator(".lesson-text");
    await expect
      .poll(() => text.innerText())
      .toMatch(/The stream is still open \(18 bytes so far\)/);
    await toLastRead(page);
    const state = page.getByTestId("teach-state");
    await expect
      .poll(() => state.innerText())
      .toMatch(/: (frame 0 complete; )?payload: need 9 more bytes$/);
    expect(await state.innerText()).not.toMatch(/ended|stopped/);
    expect(await page.getByTestId("teach-axis-end").innerText()).toBe("18 B so far");
    // The bytes it waits for lie past the axis: said at its edge. Frame 1's length field is its head.
    expect(await page.getByTestId("teach-needed-past").innerText()).toBe("+9 B needed →");
    expect(await windowBytes(page, 7, 11)).toEqual(["00/head", "00/head", "00/head", "10/head"]);
    await screenshot(page, "teaching-open-mid-frame");
    // The server ends the stream: now the framer is ended, and says the frame stays incomplete.
    socket?.end();
    await expect
      .poll(() => state.innerText())
      .toMatch(/stopped at byte 7: stream ended inside a frame: 9 of 16 payload bytes missing$/);
    await expect.poll(() => text.innerText()).toMatch(/The stream has ended: 18 bytes in all\./);
    expect(p.errors()).toEqual([]);
    await page.getByTestId("teach-toggle").click();
  });

  // Regression: the view plays the first 4096 bytes of a long stream, and said "stopped at byte 0:
  // stream ended inside a frame: 61444 of 65536 payload bytes missing" there.
  it("a stream longer than the view plays: the first 4,096 bytes, never ended at the cut", async () => {
    const p = await fx.openInspector();
    const page = p.page;
    await openStream(
      page,
      Buffer.concat([Buffer.from("00010000", "hex"), Buffer.alloc(10_000, 0x2e)]),
    );
    const text = page.locator(".lesson-text");
    await expect
      .poll(() => text.innerText())
      .toContain("Showing the first 4,096 of 10,004 bytes; the stream goes on after them");
    socket?.end();
    await expect
      .poll(() => page.getByTestId("connect-status").innerText())
      .toMatch(/the server closed its side|closed \(/);
    await toLastRead(page);
    const state = page.getByTestId("teach-state");
    await expect.poll(() => state.innerText()).toMatch(/\): payload: need 61444 more bytes$/);
    expect(await page.getByTestId("teach-axis-end").innerText()).toBe("4,096 of 10,004 B");
    expect(await page.getByTestId("teach-needed-past").innerText()).toBe("+61,444 B needed →");
    await screenshot(page, "teaching-long-stream");
    expect(p.errors()).toEqual([]);
  });
});
