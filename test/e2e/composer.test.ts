import { describe, expect, it } from "vitest";
import { LIVE_MS, connectTo, usePage } from "./fixture.js";
import { screenshot } from "./harness.js";

describe("the composer, in Chromium, on a connection to the demo kv server", () => {
  const fx = usePage({ demoIntervalSeconds: 60 });

  it("checks JSON per field, previews the framed bytes and gets the CommandResponse decoded", async () => {
    const p = await fx.openInspector();
    const page = p.page;
    await connectTo(page, fx.bridge.demo ?? "");
    await page.getByLabel("Input as").selectOption("json");
    await expect
      .poll(() => page.getByTestId("compose-type").inputValue())
      .toBe("abi.CommandRequest");
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
    await expect
      .poll(() => c2s.allInnerTexts())
      .toEqual([
        expect.stringMatching(/CommandRequest hget \{table: "users", key: "alice"\}/),
        expect.stringMatching(/CommandRequest hget \{table: "users", key: "alice"\}/),
      ]);
    await expect
      .poll(() => s2c.first().innerText())
      .toMatch(/CommandResponse status: 200, values: \{string: "Alice Liddell"\}/);
    // The history resends the same writes.
    await page.getByRole("button", { name: "resend" }).click();
    await expect.poll(() => c2s.count(), { timeout: LIVE_MS }).toBe(4);
    await screenshot(page, "composer-sent");
    expect(p.errors()).toEqual([]);
  });
});
