/**
 * Functions that run inside the browser page (passed to `page.evaluate`).
 * playwright-core sends their source text, so they must not use anything from
 * outside their own body. The project's type check has no DOM library, so the
 * few browser globals they use are declared here, for this file only.
 */

interface PageWebSocket {
  binaryType: string;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: (() => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null;
  send(data: string): void;
  close(): void;
}
declare const WebSocket: new (url: string) => PageWebSocket;

interface PageElement {
  readonly innerText: string;
  readonly classList: { contains(name: string): boolean };
  querySelector(selector: string): PageElement | null;
}
declare const document: {
  readonly body: unknown;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
};
declare const MutationObserver: new (callback: () => void) => {
  observe(
    target: unknown,
    options: { subtree: boolean; childList: boolean; characterData: boolean },
  ): void;
};

/** How a WebSocket opened in the page went. */
export interface SocketOutcome {
  /** The `open` event fired. */
  readonly opened: boolean;
  /** An `error` event fired. */
  readonly failed: boolean;
  /** The close code, or null if it was still open when the probe ended. */
  readonly closeCode: number | null;
  /** The first text message, parsed as JSON, or null. */
  readonly hello: unknown;
  /** The first 16 bytes (the chunk head) of the first binary message, or null. */
  readonly firstChunkHead: number[] | null;
  /** The page's origin, as the browser sees it. */
  readonly pageOrigin: string;
}

/**
 * In the page: opens a WebSocket to `url`, waits for the first text message
 * and, when `attachTap` is given, sends `attach` for that tap and waits for the
 * first binary chunk; resolves when done, on close, or after `timeoutMs`.
 */
export function probeSocket(args: {
  url: string;
  attachTap: string | null;
  timeoutMs: number;
}): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    const state = {
      opened: false,
      failed: false,
      closeCode: null as number | null,
      hello: null as unknown,
      firstChunkHead: null as number[] | null,
      pageOrigin: String((globalThis as { origin?: unknown }).origin),
    };
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.onclose = null;
      ws.close();
      resolve({ ...state });
    };
    const timer = setTimeout(finish, args.timeoutMs);
    const ws = new WebSocket(args.url);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => void (state.opened = true);
    ws.onerror = () => void (state.failed = true);
    ws.onclose = (event) => {
      state.closeCode = event.code;
      finish();
    };
    ws.onmessage = (event) => {
      if (typeof event.data === "string") {
        if (state.hello !== null) return;
        state.hello = JSON.parse(event.data);
        if (args.attachTap === null) return finish();
        ws.send(JSON.stringify({ type: "attach", req: 1, tap: args.attachTap }));
      } else if (event.data instanceof ArrayBuffer && state.firstChunkHead === null) {
        state.firstChunkHead = Array.from(new Uint8Array(event.data, 0, 16));
        finish();
      }
    };
  });
}

/** A row of the frame list as {@link listedRows} reads it. */
export interface ListedRow {
  /** An issue row (its size column gives the issue's stream offset), not a frame. */
  readonly issue: boolean;
  /** The text of its size column. */
  readonly size: string;
}

/**
 * In the page: the rows the frame list shows, read in one go. The list is live and reuses a
 * row's element for another row, so a locator's query and the reads of the elements it found
 * (`allInnerTexts`, `evaluateAll`: two round trips) may see different rows; this does not.
 */
export function listedRows(): ListedRow[] {
  return Array.from(document.querySelectorAll(".frame-rows .frow"), (row) => ({
    issue: row.classList.contains("issue-row"),
    size: row.querySelector(".col-size")?.innerText ?? "",
  }));
}

/**
 * In the page: from now on, records every text the element `[data-testid=testId]` shows, after
 * every change of the page, so a test can tell that a state was shown even if it lasted less
 * than a poll's interval. Read them with {@link recordedTexts}.
 */
export function recordTexts(testId: string): void {
  const texts: string[] = [];
  const g = globalThis as unknown as { recordedTexts?: Record<string, string[]> };
  (g.recordedTexts ??= {})[testId] = texts;
  const read = (): void => {
    const text = document.querySelector(`[data-testid="${testId}"]`)?.innerText;
    if (text !== undefined && text !== texts[texts.length - 1]) texts.push(text);
  };
  read();
  new MutationObserver(read).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
  });
}

/** In the page: the texts {@link recordTexts} recorded for `testId` so far, oldest first. */
export function recordedTexts(testId: string): string[] {
  const g = globalThis as unknown as { recordedTexts?: Record<string, string[]> };
  return [...(g.recordedTexts?.[testId] ?? [])];
}
