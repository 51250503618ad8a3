import { describe, expect, it } from "vitest";
import { LIVE_MS, expectFrameSizes, usePage } from "./fixture.js";
import { screenshot } from "./harness.js";

describe("a share link, in Chromium", () => {
  const fx = usePage();

  it("the hash follows the settings, and opening that link reproduces the view", async () => {
    const first = await fx.openInspector();
    await first.page.getByTestId("preset-both").selectOption("fixed12");
    await expect.poll(() => new URL(first.page.url()).hash).toMatch(/c2s=fixed%3Asize%3D12/);
    const link = first.page.url();
    expect(new URL(link).hash).toMatch(/s2c=fixed%3Asize%3D12&s2c\.msg=/);

    const second = await fx.open(link);
    const page = second.page;
    await expect.poll(() => page.getByTestId("spec-both").inputValue()).toBe("fixed:size=12");
    await expectFrameSizes(page, "12 B", 3);
    for (const d of ["c2s", "s2c"])
      expect(await page.getByTestId(`type-${d}`).inputValue()).toBe(
        await first.page.getByTestId(`type-${d}`).inputValue(),
      );
    await screenshot(page, "share-link-opened");
    expect([...first.errors(), ...second.errors()]).toEqual([]);
    // A page left open keeps taking in the live demo: close it for the tests that follow.
    await first.close();
    await second.close();
  });

  it("a link's message types apply", async () => {
    const p = await fx.open(
      `${fx.bridge.url}#c2s.msg=abi.CommandResponse&s2c.msg=abi.CommandRequest`,
    );
    const page = p.page;
    const rows = page.locator('.frame-rows .frow[data-dir="c2s"]', { hasText: "CommandResponse" });
    await expect.poll(() => rows.count(), { timeout: LIVE_MS }).toBeGreaterThan(0);
    expect(await page.getByTestId("spec-both").inputValue()).toBe(
      "length:mask=7fffffff,gzip=80000000",
    );
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  it("a link pasted into an open tab applies without a reload", async () => {
    const p = await fx.openInspector();
    const page = p.page;
    await expect
      .poll(() => page.getByTestId("spec-both").inputValue())
      .toBe("length:mask=7fffffff,gzip=80000000");
    await page.evaluate(`location.hash = "c2s=fixed%3Asize%3D12&s2c=fixed%3Asize%3D12"`);
    await expect.poll(() => page.getByTestId("spec-both").inputValue()).toBe("fixed:size=12");
    expect(p.errors()).toEqual([]);
    await p.close();
  });

  it("a link with an invalid spec says so and keeps the defaults", async () => {
    const p = await fx.open(`${fx.bridge.url}#c2s=fixed%3Asize%3D0`);
    await expect
      .poll(() => p.page.getByTestId("spec-both").inputValue())
      .toBe("length:mask=7fffffff,gzip=80000000");
    await expect
      .poll(() => p.page.locator("body").innerText())
      .toMatch(/c2s framing in the link: /);
    expect(p.pageErrors).toEqual([]);
  });
});
