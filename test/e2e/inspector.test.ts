import { createServer, type AddressInfo } from "node:net";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  LIVE_MS,
  connectTo,
  expectFrameSizes,
  selectFinishedConversation,
  usePage,
} from "./fixture.js";
import { screenshot, type OpenedPage } from "./harness.js";
import { kvRequestFrame } from "../session/kv-fixtures.js";

/** A 127.0.0.1 port nothing listens on: bound, then closed again. */
async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A run of hex cells: its first byte's offset and how many bytes it holds. */
interface Run {
  readonly offset: number;
  readonly count: number;
}

/** A run's element in the page, as the functions below read it. */
interface RunElement {
  readonly dataset: { readonly offset: string; readonly count: string };
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
}

/**
 * In the page: the runs matching `selector` and, when `offset` is given, where that byte is
 * in its run (viewport coordinates), read in one go. A run's element is reused for another
 * run when the hex view re-renders (the pointer's cursor splits runs), so a locator's query
 * and the reads of what it found (two round trips) may see different runs; this does not.
 */
function hexRuns(args: { selector: string; offset: number | null }): {
  runs: Run[];
  point: { x: number; y: number } | null;
} {
  const doc = (
    globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<RunElement> } }
  ).document;
  const runs: Run[] = [];
  let point: { x: number; y: number } | null = null;
  for (const e of doc.querySelectorAll(args.selector)) {
    const run = { offset: Number(e.dataset.offset), count: Number(e.dataset.count) };
    runs.push(run);
    const at = args.offset;
    if (at !== null && run.offset <= at && at < run.offset + run.count) {
      const box = e.getBoundingClientRect();
      const x = box.left + ((at - run.offset + 0.5) / run.count) * box.width;
      if (box.width > 0) point = { x, y: box.top + box.height / 2 };
    }
  }
  return { runs, point };
}

/** The runs of the hex column, optionally only those that carry a class. */
async function runs(page: Page, cls = ""): Promise<Run[]> {
  const selector = `.hhex .c${cls === "" ? "" : `.${cls}`}`;
  return (await page.evaluate(hexRuns, { selector, offset: null })).runs;
}

/** Offsets of the bytes (hex column) that carry a class. */
async function cellsWith(page: Page, cls: string): Promise<number[]> {
  const offsets = (await runs(page, cls)).flatMap((r) => range(r.offset, r.offset + r.count));
  return offsets.sort((a, b) => a - b);
}

/**
 * Where the byte at `offset` is on the page, in the hex column: in its run, at its own place.
 * Pointer actions go to the page's coordinates, as a user's pointer does: the pointer reaching
 * a byte marks it as the cursor, which splits its run, so an action aimed at the run's element
 * would find another element under the pointer once the page has re-rendered.
 */
async function bytePoint(page: Page, offset: number): Promise<{ x: number; y: number }> {
  const run = (await runs(page)).find((r) => r.offset <= offset && offset < r.offset + r.count);
  if (run === undefined) throw new Error(`no hex cell shows byte ${offset}`);
  await page.locator(`.hhex .c[data-offset="${run.offset}"]`).scrollIntoViewIfNeeded();
  // The run and its place read together: it may have been split since it was found.
  const { point } = await page.evaluate(hexRuns, { selector: ".hhex .c", offset });
  if (point === null) throw new Error(`the run of byte ${offset} is not shown`);
  return point;
}

/** Clicks the byte at `offset` in the hex column. */
async function clickByte(page: Page, offset: number): Promise<void> {
  const { x, y } = await bytePoint(page, offset);
  await page.mouse.click(x, y);
  // The pointer rests on the byte: the status line names it.
  await expect
    .poll(() => page.getByTestId("hex-status").innerText())
    .toBe(`offset ${offset} (0x${offset.toString(16)})`);
}

const range = (s: number, e: number): number[] => Array.from({ length: e - s }, (_, i) => s + i);

/** The numbers a field tree row carries about its field's bytes. */
async function fieldSpans(
  row: Locator,
): Promise<{ start: number; tagEnd: number; valueStart: number; valueEnd: number }> {
  const n = async (name: string): Promise<number> => Number(await row.getAttribute(name));
  return {
    start: await n("data-start"),
    tagEnd: await n("data-tag-end"),
    valueStart: await n("data-value-start"),
    valueEnd: await n("data-value-end"),
  };
}

/** Picks a finished client conversation of the demo and selects its first frame. */
async function pickClientConversation(page: Page): Promise<void> {
  await selectFinishedConversation(page);
  // Keyboard navigation: Home selects the first row and brings it into view (the list may
  // have been following the end of this conversation while it was live).
  await page.getByTestId("frame-list").press("Home");
  await expect
    .poll(() => page.locator('.frame-rows .frow[data-row="0"]').getAttribute("aria-selected"))
    .toBe("true");
}

/** In the page: whether it is cross-origin isolated and holds its chunks in shared memory. */
function sharedChunks(): { isolated: boolean; shared: boolean; held: boolean } {
  const g = globalThis as unknown as {
    crossOriginIsolated: boolean;
    framescope: { chunks: { shared: boolean; allocated: number } };
  };
  return {
    isolated: g.crossOriginIsolated,
    shared: g.framescope.chunks.shared,
    held: g.framescope.chunks.allocated > 0,
  };
}

describe("the inspector page on the live demo, in Chromium", () => {
  const fx = usePage({ args: ["--allow", "127.0.0.1:*"] });
  let p: OpenedPage;

  it("attaches to the demo tap by itself and shows kv frames decoded live in both directions", async () => {
    p = await fx.openInspector();
    const page = p.page;
    const request = page.locator('.frame-rows .frow[data-dir="c2s"]', {
      hasText: "CommandRequest",
    });
    const response = page.locator('.frame-rows .frow[data-dir="s2c"]', {
      hasText: "CommandResponse status: 200",
    });
    await expect.poll(() => request.count(), { timeout: LIVE_MS }).toBeGreaterThan(0);
    await expect.poll(() => response.count(), { timeout: LIVE_MS }).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId("tap-demo").getAttribute("class")).toContain("on");
    // The newest conversation is followed and its first frame shown with its fields.
    await expect
      .poll(() => page.getByTestId("message-type").innerText())
      .toMatch(/^abi\.Command(Request|Response)$/);
    expect(await page.getByTestId("totals").innerText()).toMatch(/C→S [\d.]+ K?i?B · [1-9]\d* fr/);
    // Served cross-origin isolated, the page holds what it received in memory it shares with
    // its decode worker: once, not once per side.
    expect(await page.evaluate(sharedChunks)).toEqual({ isolated: true, shared: true, held: true });
    await screenshot(page, "inspector-live");
    expect(p.errors()).toEqual([]);
  });

  it("selecting a frame and a field highlights exactly the field's tag, length and value bytes", async () => {
    const page = p.page;
    await pickClientConversation(page);
    await page
      .locator(".frame-rows .frow", { hasText: 'CommandRequest hset {table: "users"' })
      .first()
      .click();
    await expect
      .poll(() => page.getByTestId("message-type").innerText())
      .toBe("abi.CommandRequest");
    // hset (path 0) > pair (0.1): a nested LEN field with tag, length and value.
    const pair = page.locator('.trow[data-path="0.1"]');
    await pair.click();
    await expect.poll(() => pair.getAttribute("aria-selected")).toBe("true");
    await page.mouse.move(5, 5);
    const f = await fieldSpans(pair);
    expect(f.valueStart).toBeGreaterThan(f.tagEnd);
    await expect.poll(() => cellsWith(page, "tag")).toEqual(range(f.start, f.tagEnd));
    expect(await cellsWith(page, "len")).toEqual(range(f.tagEnd, f.valueStart));
    expect(await cellsWith(page, "val")).toEqual(range(f.valueStart, f.valueEnd));
    // The selected frame is marked as a whole; its 4-byte length field is the head.
    const frameInfo = await page.getByTestId("frame-info").innerText();
    const [, start, end] = /\[(\d+), (\d+)\)/.exec(frameInfo) ?? [];
    expect(await cellsWith(page, "sel")).toEqual(range(Number(start), Number(end)));
    expect(
      (await cellsWith(page, "head")).filter((o) => o >= Number(start) && o < Number(end)),
    ).toEqual(range(Number(start), Number(start) + 4));
    await screenshot(page, "inspector-field-selected");
  });

  it("clicking a hex byte selects the innermost field that covers it", async () => {
    const page = p.page;
    // hset > table (0.0) is a string: a byte of its value selects it.
    const table = page.locator('.trow[data-path="0.0"]');
    const f = await fieldSpans(table);
    await clickByte(page, f.valueStart + 1);
    await expect.poll(() => table.getAttribute("aria-selected")).toBe("true");
    expect(await page.locator('.trow[aria-selected="true"]').count()).toBe(1);
    // Its tag byte belongs to table as well, and the length byte of pair to pair.
    const pair = page.locator('.trow[data-path="0.1"]');
    const pf = await fieldSpans(pair);
    await clickByte(page, pf.tagEnd);
    await expect.poll(() => pair.getAttribute("aria-selected")).toBe("true");
    await page.mouse.move(5, 5);
    expect(await cellsWith(page, "len")).toEqual(range(pf.tagEnd, pf.valueStart));
    await screenshot(page, "inspector-byte-clicked");
    expect(p.errors()).toEqual([]);
  });

  it("a drag selects a range of bytes, which belongs to its stream", async () => {
    const page = p.page;
    const status = page.getByTestId("hex-status");
    const from = await bytePoint(page, 2);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    const to = await bytePoint(page, 9);
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();
    // With the pointer off the bytes, the status line tells the range.
    await page.mouse.move(5, 5);
    await expect.poll(() => status.innerText()).toBe("8 bytes selected: [2, 10)");
    // The other stream does not take the range along, nor does coming back restore it.
    // (Each time once the page shows that stream: before, the status line may be the old one.)
    await page.getByTestId("hex-s2c").click();
    await expect.poll(() => page.getByTestId("hex-s2c").getAttribute("class")).toBe("on");
    await expect.poll(() => status.innerText()).not.toMatch(/selected/);
    await page.getByTestId("hex-c2s").click();
    await expect.poll(() => page.getByTestId("hex-c2s").getAttribute("class")).toBe("on");
    await expect.poll(() => status.innerText()).not.toMatch(/selected/);
    expect(p.errors()).toEqual([]);
  });

  it("a gzip-flagged kv frame decodes, and its fields index the gunzipped payload", async () => {
    const page = p.page;
    // The large value (about 6 KiB of text) is written and read back gzipped: filter to its frames.
    await page.getByLabel("Filter frames").fill("quick brown fox");
    const gz = page.locator(".frame-rows .frow", { has: page.locator(".badge.gz") });
    await expect.poll(() => gz.count()).toBeGreaterThanOrEqual(2);
    const row = page
      .locator('.frame-rows .frow[data-dir="s2c"]', { has: page.locator(".badge.gz") })
      .first();
    expect(await row.innerText()).toMatch(
      /CommandResponse status: 200, values: \{string: "line 0 of run \d+: the quick brown fox/,
    );
    await row.click();
    await expect
      .poll(() => page.getByTestId("message-type").innerText())
      .toBe("abi.CommandResponse");
    expect(await page.locator(".panel.tree .badge.gz").innerText()).toMatch(
      /^gzip \d+ B → \d+\.\d KiB$/,
    );
    // values (1) > string (1.0): its bytes are in the gunzipped payload, which the hex view switches to.
    const value = page.locator('.trow[data-path="1.0"]');
    await value.click();
    await expect.poll(() => page.getByTestId("hex-payload").getAttribute("class")).toBe("on");
    const f = await fieldSpans(value);
    await page.mouse.move(5, 5);
    await expect.poll(() => cellsWith(page, "tag")).toEqual(range(f.start, f.tagEnd));
    expect(f.valueEnd - f.valueStart).toBeGreaterThan(5000);
    expect(await value.locator(".fvalue").innerText()).toMatch(
      /^"line 0 of run \d+: the quick brown fox jumps over the lazy dog\\nline 1 of run/,
    );
    await screenshot(page, "inspector-gzip-frame");
    await page.getByLabel("Filter frames").fill("");
  });

  it("switching the framing preset re-cuts every frame already received", async () => {
    const page = p.page;
    await page.getByLabel("Filter frames").fill("");
    await pickClientConversation(page);
    const rows = page.locator(".frame-rows .frow");
    const before = await page.getByTestId("frame-count").innerText();
    await page.getByTestId("preset-both").selectOption("fixed12");
    await expect.poll(() => page.getByTestId("spec-both").inputValue()).toBe("fixed:size=12");
    await expect.poll(() => rows.first().innerText()).toMatch(/12 B/);
    await expectFrameSizes(page, "12 B");
    expect(await page.getByTestId("frame-count").innerText()).not.toBe(before);
    await screenshot(page, "inspector-fixed12");
    // An invalid value in the form explains itself and changes nothing.
    await page.getByTestId("field-both-size").fill("0");
    await expect
      .poll(() => page.getByTestId("spec-error-both").innerText())
      .toMatch(/size=0 is not allowed: size takes 1 to 16777216/);
    expect(await rows.first().innerText()).toMatch(/12 B/);
    // Back to the kv framing: the requests decode again.
    await page.getByTestId("preset-both").selectOption("kv");
    await expect
      .poll(() => page.getByTestId("spec-both").inputValue())
      .toBe("length:mask=7fffffff,gzip=80000000");
    await expect.poll(() => rows.first().innerText()).toMatch(/CommandRequest hset/);
    expect(p.errors()).toEqual([]);
  });

  it("a .proto with an error shows the error with its file, line and column", async () => {
    const page = p.page;
    await page.locator(".schemas button", { hasText: "paste" }).click();
    await page.getByTestId("paste-name").fill("broken.proto");
    await page
      .getByTestId("paste-text")
      .fill('syntax = "proto3";\nmessage Broken {\n  int32 x = ;\n}\n');
    await page.getByTestId("paste-add").click();
    await expect
      .poll(() => page.getByTestId("schema-error").innerText())
      .toMatch(/^broken\.proto:3:\d+: illegal/);
    await screenshot(page, "inspector-schema-error");
    await page.getByRole("button", { name: "remove broken.proto" }).click();
    await expect.poll(() => page.getByTestId("schema-error").count()).toBe(0);
    expect(p.errors()).toEqual([]);
  });

  it("connecting to a target that refuses shows the reason", async () => {
    const page = p.page;
    const port = await refusingPort();
    await page.getByTestId("target").fill(`127.0.0.1:${port}`);
    await page.getByTestId("connect").click();
    await expect
      .poll(() => page.getByTestId("connect-status").innerText())
      .toMatch(
        new RegExp(
          `^✕ ECONNREFUSED: connection refused: nothing listens there \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`,
        ),
      );
    await screenshot(page, "inspector-connect-refused");
    expect(p.pageErrors).toEqual([]);
  });

  it("connects to the kv server from the page, sends a request and sees both directions decoded", async () => {
    const page = p.page;
    await connectTo(page, fx.bridge.demo ?? "");
    const hex = [...kvRequestFrame({ hget: { table: "users", key: "alice" } })]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join(" ");
    await page.getByLabel("Input as").selectOption("hex");
    await page.getByTestId("send-input").fill(hex);
    await page.getByTestId("send").click();
    const rows = page.locator(".frame-rows .frow");
    await expect.poll(() => rows.count(), { timeout: LIVE_MS }).toBe(2);
    // Summaries come from the worker once a row is shown.
    await expect
      .poll(() => rows.nth(0).innerText())
      .toMatch(/C→S[\s\S]*CommandRequest hget \{table: "users", key: "alice"\}/);
    await expect
      .poll(() => rows.nth(1).innerText())
      .toMatch(/S→C[\s\S]*CommandResponse status: 200, values: \{string: "Alice Liddell"\}/);
    await screenshot(page, "inspector-connect-send");
    await page.getByTestId("disconnect").click();
    await expect
      .poll(() => page.getByTestId("connect-status").innerText())
      .toBe(`connection to ${fx.bridge.demo ?? ""} closed (page)`);
    expect(p.errors()).toEqual([]);
  });

  it("bytes that break the framing: the issue row says where, and the bytes after it stay visible", async () => {
    const page = p.page;
    await connectTo(page, fx.bridge.demo ?? "");
    // A kv length field of all ones: 2^31 - 1 once the gzip bit is masked off, far over the max.
    await page.getByLabel("Input as").selectOption("hex");
    await page.getByTestId("send-input").fill("ff ff ff ff 01 02 03");
    await page.getByTestId("send").click();
    const issue = page.locator(".frame-rows .frow.issue-row.fatal");
    await expect.poll(() => issue.count(), { timeout: LIVE_MS }).toBe(1);
    expect(await issue.innerText()).toMatch(/@0[\s\S]*length 2147483647 \(field 0xffffffff/);
    expect(await issue.locator(".col-issues").innerText()).toBe("FRAME_TOO_LARGE");
    await issue.click();
    const detail = page.getByTestId("issue-detail");
    await expect.poll(() => detail.count()).toBe(1);
    expect((await detail.innerText()).split(/\n+/)).toEqual([
      "FRAME_TOO_LARGE: length 2147483647 (field 0xffffffff, length bits 0x7fffffff) exceeds max 8388608",
      "Where: bytes 0–3 (4 bytes) of the C→S stream (0x0).",
      "Fatal: the framer stopped at byte 0. The 7 bytes from there on are kept unframed " +
        "(hatched in the hex view); change the framing to cut them again.",
    ]);
    // Every byte is still shown, marked unframed.
    expect(await cellsWith(page, "unframed")).toEqual(range(0, 7));
    await screenshot(page, "inspector-issue-row");
    expect(p.errors()).toEqual([]);
  });
});
