import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { selectFinishedConversation, usePage } from "./fixture.js";
import { screenshot } from "./harness.js";

/** Clicks `testId` and returns the downloaded file's name and bytes. */
async function downloadOf(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

/** The connection numbers of a capture file's "opened" records. */
function openedConns(capture: Buffer): string[] {
  return [...capture.toString("latin1").matchAll(/"type":"opened","conn":(\d+)/g)].map(
    (m) => m[1] ?? "",
  );
}

/** How many connections a capture file holds. */
function connectionsIn(capture: Buffer): number {
  return new Set(openedConns(capture)).size;
}

/** How many connections the page's store holds under keys that start with `prefix`. */
function storedConnections(page: Page, prefix: string): Promise<number> {
  return page.evaluate(
    `window.framescope.store.keys().filter((k) => k.startsWith(${JSON.stringify(prefix)})).length`,
  ) as Promise<number>;
}

describe("export and import, in Chromium", () => {
  const fx = usePage();
  let capture: Buffer;

  it("exports a conversation's frames as JSON Lines, a selection's bytes and every connection as a capture", async () => {
    const p = await fx.open();
    const page = p.page;
    await selectFinishedConversation(page);

    const jsonl = await downloadOf(page, "export-jsonl");
    expect(jsonl.name).toMatch(/^framescope-conn\d+-frames\.jsonl$/);
    const lines = jsonl.bytes
      .toString("utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(26);
    expect(lines.filter((l) => l["dir"] === "c2s").length).toBe(13);
    expect(Object.keys(lines[0] ?? {})).toEqual([
      "type",
      "conn",
      "dir",
      "index",
      "span",
      "head",
      "payload",
      "chunks",
      "payloadHex",
      "info",
      "message",
    ]);
    const firstRequest = lines.find((l) => l["dir"] === "c2s");
    expect(firstRequest?.["message"]).toMatchObject({ hset: { table: "users" } });

    // The selected frame's bytes, saved as a file, are its span.
    await page.getByTestId("frame-list").press("Home");
    await page.locator('.frame-rows .frow[data-row="0"]').click();
    // A click on a row asks the worker for the frame's details again, and until they arrive
    // nothing is selected to save (an earlier answer may still be on the page).
    await expect
      .poll(() =>
        page.evaluate(
          "(() => { const s = window.framescope.selection; return s.row === 0 && s.detail !== undefined; })()",
        ),
      )
      .toBe(true);
    const info = await page.getByTestId("frame-info").innerText();
    const [, start, end] = /\[(\d+), (\d+)\)/.exec(info) ?? [];
    const bin = await downloadOf(page, "save-bytes");
    expect(bin.bytes.length).toBe(Number(end) - Number(start));
    expect(bin.bytes.subarray(4).toString("hex")).toBe(firstRequest?.["payloadHex"]);

    const cap = await downloadOf(page, "export-capture");
    expect(cap.name).toMatch(/^framescope-[\d-]+T[\d-]+\.fscap$/);
    expect(cap.bytes.subarray(0, 8).toString("hex")).toBe("894653434150" + "0d0a");
    capture = cap.bytes;
    // The capture names the conversation by the number the page shows and the JSON Lines use.
    // (Read from the page's model: live rows keep arriving above the selected one in the list.)
    const shown = await page.evaluate(
      "window.framescope.store.get(window.framescope.selection.conn).conn",
    );
    expect(shown).toBe(lines[0]?.["conn"]);
    expect(openedConns(capture)).toContain(String(lines[0]?.["conn"]));
    expect(p.errors()).toEqual([]);
    // A page left open keeps taking in the live demo: close it for the tests that follow.
    await p.close();
  });

  it("imports that capture by file picker and by drop, and decodes it like live traffic", async () => {
    const p = await fx.open();
    const page = p.page;
    await page.getByTestId("import-capture").setInputFiles({
      name: "saved.fscap",
      mimeType: "application/octet-stream",
      buffer: capture,
    });
    await expect
      .poll(() => page.getByTestId("export-said").innerText())
      .toMatch(/^imported saved\.fscap: \d+ connection\(s\), \d+ chunk\(s\)$/);
    // A full kv conversation of the file (13 requests), picked through the page's model:
    // the conversation list is virtualised and live demo traffic keeps arriving.
    const pickFull = `(() => {
      const m = window.framescope;
      const key = m.store.keys().find(
        (k) => k.startsWith("import:saved.fscap#") && m.table(k).frameCount("c2s") === 13,
      );
      if (key !== undefined) { m.selection.selectConversation(key); m.changed(); }
      return key ?? null;
    })()`;
    await expect.poll(() => page.evaluate(pickFull)).toMatch(/^import:saved\.fscap#\d+$/);
    await expect.poll(() => page.getByTestId("frame-count").innerText()).toBe("26 rows");
    await page.getByTestId("frame-list").press("Home");
    // Summaries come from the worker once a row is shown.
    await expect
      .poll(() => page.locator('.frame-rows .frow[data-row="0"]').innerText())
      .toMatch(/CommandRequest hset \{table: "users"/);
    await screenshot(page, "export-imported");

    // Dropping the same file on the panel imports it again under its own name.
    // In the page (a string, so the test's Node types stay out of it): a drop event carrying the file.
    await page.evaluate(`(() => {
      const bytes = Uint8Array.from(atob("${capture.toString("base64")}"), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], "dropped.fscap"));
      const target = document.querySelector('[data-testid="exports"]');
      target.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    await expect
      .poll(() => page.getByTestId("export-said").innerText())
      .toMatch(/^imported dropped\.fscap: /);
    // Every connection of the file, both times (counted in the page's store: the list scrolls).
    const fileConns = connectionsIn(capture);
    expect(fileConns).toBeGreaterThan(0);
    expect(await storedConnections(page, "import:saved.fscap#")).toBe(fileConns);
    expect(await storedConnections(page, "import:dropped.fscap#")).toBe(fileConns);
    // A file that is not a capture says why.
    await page.getByTestId("import-capture").setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("hello"),
    });
    await expect
      .poll(() => page.getByTestId("export-said").innerText())
      .toMatch(/NOT_A_CAPTURE|SHORT_HEAD/);
    expect(p.pageErrors).toEqual([]);
    await p.close();
  });

  it("opens a recorded capture from the bridge's list: downloaded, decoded like live traffic", async () => {
    // The exported capture, saved in the bridge's folder as an earlier recording.
    const name = "capture-2020-01-01T00-00-00-000Z.fscap";
    writeFileSync(join(fx.bridge.captures, name), capture);
    const p = await fx.openInspector();
    const page = p.page;
    await page.getByRole("button", { name: "captures ▾" }).click();
    await screenshot(page, "captures-menu");
    const downloads: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/captures/")) downloads.push(new URL(r.url()).pathname);
    });
    await page.getByRole("menuitem", { name: new RegExp(name.replace(/\./g, "\\.")) }).click();
    await expect.poll(() => storedConnections(page, `${name}#`)).toBe(connectionsIn(capture));
    expect(downloads).toEqual([`/captures/${name}`]);
    // Its 13-frame conversations are framed and decoded.
    const full = `window.framescope.store.keys().filter((k) => k.startsWith(${JSON.stringify(
      name + "#",
    )}) && window.framescope.table(k).frameCount("c2s") === 13).length`;
    await expect.poll(() => page.evaluate(full)).toBeGreaterThan(0);
    expect(p.errors()).toEqual([]);
  });
});
