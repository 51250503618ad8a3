import { describe, expect, it } from "vitest";
import { LIVE_MS, connectTo, usePage } from "./fixture.js";
import { screenshot, type OpenedPage } from "./harness.js";
import { recordTexts, recordedTexts } from "./in-page.js";

/** A frame row of the request `{"hget":{"table":"users","key":"alice"}}`, and of its answer. */
const HGET_ALICE: unknown = expect.stringMatching(
  /CommandRequest hget \{table: "users", key: "alice"\}/,
);
const ALICE_LIDDELL: unknown = expect.stringMatching(
  /CommandResponse status: 200, values: \{string: "Alice Liddell"\}/,
);

describe("the composer, in Chromium, on a connection to the demo kv server", () => {
  const fx = usePage({ demoIntervalSeconds: 60 });

  /** The inspector connected to the demo kv server, its composer set to JSON CommandRequests. */
  async function openComposer(): Promise<OpenedPage> {
    const p = await fx.openInspector();
    await connectTo(p.page, fx.bridge.demo ?? "");
    await p.page.getByLabel("Input as").selectOption("json");
    await expect
      .poll(() => p.page.getByTestId("compose-type").inputValue())
      .toBe("abi.CommandRequest");
    return p;
  }

  it("checks JSON per field, previews the framed bytes and gets the CommandResponse decoded", async () => {
    const p = await openComposer();
    const page = p.page;
    // A wrong field is named with its path, and nothing can be sent.
    await page.getByTestId("send-input").fill('{"hget":{"table":7,"key":"alice"}}');
    await expect
      .poll(() => page.getByTestId("compose-errors").innerText())
      .toBe("hget.table: a string is expected");
    expect(await page.getByTestId("send").isDisabled()).toBe(true);
    // The right one: 4-byte length head (16) then the 16-byte message.
    await page.getByTestId("send-input").fill('{"hget":{"table":"users","key":"alice"}}');
    const preview = page.getByTestId("compose-preview");
    await expect.poll(() => preview.locator(".c").count()).toBe(20);
    expect(await preview.locator(".c.head").allInnerTexts()).toEqual(["00", "00", "00", "10"]);
    expect(await preview.locator(".c.payload").count()).toBe(16);
    // Two frames in one write, split over three writes 50 ms apart.
    await page.getByTestId("compose-copies").fill("2");
    await page.getByTestId("compose-writes").fill("3");
    await expect.poll(() => preview.locator(".c").count()).toBe(40);
    expect(await preview.locator(".c.wstart").count()).toBe(2);
    await screenshot(page, "composer-preview");
    await page.getByTestId("send").click();
    const rows = page.locator(".frame-rows .frow");
    await expect.poll(() => rows.count(), { timeout: LIVE_MS }).toBe(4);
    const c2s = page.locator('.frame-rows .frow[data-dir="c2s"]');
    const s2c = page.locator('.frame-rows .frow[data-dir="s2c"]');
    // Summaries come from the worker once a row is shown.
    await expect.poll(() => c2s.allInnerTexts()).toEqual([HGET_ALICE, HGET_ALICE]);
    await expect
      .poll(() => s2c.first().innerText())
      .toMatch(/CommandResponse status: 200, values: \{string: "Alice Liddell"\}/);
    // The history resends the same writes.
    await page.getByRole("button", { name: "resend" }).click();
    await expect.poll(() => c2s.count(), { timeout: LIVE_MS }).toBe(4);
    await screenshot(page, "composer-sent");
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  it("queues a second send behind the first: split and delayed writes never interleave", async () => {
    const p = await openComposer();
    const page = p.page;
    await page.getByTestId("send-input").fill('{"hget":{"table":"users","key":"alice"}}');
    // A number field holds what is typed: emptied, it is invalid instead of snapping back to 1.
    const writes = page.getByTestId("compose-writes");
    await writes.press("Backspace");
    expect(await writes.inputValue()).toBe("");
    expect(await writes.getAttribute("aria-invalid")).toBe("true");
    await expect
      .poll(() => page.getByTestId("send-status").innerText())
      .toBe("split over: a whole number from 1 to 64 writes");
    expect(await page.getByTestId("send").isDisabled()).toBe(true);
    await writes.pressSequentially("4");
    expect(await writes.inputValue()).toBe("4");
    await page.getByTestId("compose-delay").fill("500");
    const preview = page.getByTestId("compose-preview");
    await expect.poll(() => preview.locator(".c.wstart").count()).toBe(3);
    // Two sends of 4 writes 500 ms apart, clicked back to back: the second waits its turn.
    // Every text the status shows is recorded: the queued state lasts only until the first
    // send's last write, which a poll on a loaded machine may not see.
    const status = page.getByTestId("send-status");
    await page.evaluate(recordTexts, "send-status");
    await page.getByTestId("send").click();
    await page.getByTestId("send").click();
    await expect
      .poll(() => page.evaluate(recordedTexts, "send-status"))
      .toContainEqual(expect.stringMatching(/^sending: write [1-4] of 4, 1 queued$/));
    await screenshot(page, "composer-queued");
    await expect.poll(() => status.innerText(), { timeout: LIVE_MS }).toBe("sent 20 B in 4 writes");
    const c2s = page.locator('.frame-rows .frow[data-dir="c2s"]');
    const s2c = page.locator('.frame-rows .frow[data-dir="s2c"]');
    await expect.poll(() => s2c.count(), { timeout: LIVE_MS }).toBe(2);
    await expect.poll(() => c2s.allInnerTexts()).toEqual([HGET_ALICE, HGET_ALICE]);
    await expect.poll(() => s2c.allInnerTexts()).toEqual([ALICE_LIDDELL, ALICE_LIDDELL]);
    // Payload checks come from the worker after the rows: once they are all in, no row has issues.
    await expect.poll(() => page.getByTestId("checking").count()).toBe(0);
    expect(await page.locator(".frame-rows .frow.issue-row").count()).toBe(0);
    expect(await page.locator(".frame-rows .col-issues.has").count()).toBe(0);
    // Disconnecting mid-send stops it and drops what is queued, saying so on one wrapped line.
    // The longest delay: the disconnect must come before the second write.
    await page.getByTestId("compose-delay").fill("5000");
    await page.getByTestId("send").click();
    await page.getByTestId("send").click();
    await expect.poll(() => status.innerText()).toBe("sending: write 1 of 4, 1 queued");
    await page.getByTestId("disconnect").click();
    await expect
      .poll(() => status.innerText())
      .toBe("stopped after write 1 of 4; 1 queued send dropped: you disconnected");
    const form = await page.locator("form.actions").boundingBox();
    const box = await status.boundingBox();
    expect(box !== null && form !== null && box.x + box.width <= form.x + form.width).toBe(true);
    await screenshot(page, "composer-dropped");
    expect(p.errors()).toEqual([]);
  });
});
