import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { selectFinishedConversation, usePage } from "./fixture.js";
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
