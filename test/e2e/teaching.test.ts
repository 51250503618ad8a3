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
      if (seen.length === 3) await screenshot(page, "teaching-step");
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
    expect(p.errors()).toEqual([]);
  });
});
