import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runDecodeCommand } from "../../bridge/src/decode-command.js";
import type { RecordedEvent } from "../../web/src/session/bridge-protocol.js";
import {
  encodeCaptureHead,
  encodeChunkRecord,
  encodeEventRecord,
  encodeRecordHead,
} from "../../web/src/session/capture-format.js";
import { PageClient, startBridge, tempDir } from "./helpers.js";

// Regression (review): a view sent event records checked only for `type`, and a
// record time of 2^53 µs or more made the chunk head throw, so the view ended as
// "torn" and everything after it was lost.

const T = 1_763_000_000_000_000;
const CONN = 7;
const opened: RecordedEvent = {
  type: "opened",
  conn: CONN,
  source: "session",
  target: "127.0.0.1:9",
  local: { address: "127.0.0.1", port: 40000 },
  remote: { address: "127.0.0.1", port: 9 },
  time: T,
};

function join2(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/**
 * A capture of one connection: "ab\n" c2s, an event whose conn is a string,
 * a chunk at 2^60 µs, then "cd\n" c2s, fin and closed. Returns the bytes and
 * the offsets of the two bad records.
 */
function captureWithBadRecords(): { bytes: Uint8Array; badAt: [number, number] } {
  const body = new TextEncoder().encode(
    `{"type":"fin","conn":"${CONN}","dir":"c2s","time":${T + 2}}`,
  );
  const good1 = join2(
    encodeCaptureHead(T),
    encodeEventRecord(opened),
    encodeChunkRecord(CONN, "c2s", T + 1, new TextEncoder().encode("ab\n")),
  );
  const badEvent = join2(encodeRecordHead(2, CONN, "c2s", T + 2, body), body);
  const badTime = encodeChunkRecord(CONN, "s2c", 2 ** 60, new TextEncoder().encode("lost"));
  const good2 = join2(
    encodeChunkRecord(CONN, "c2s", T + 3, new TextEncoder().encode("cd\n")),
    encodeEventRecord({ type: "fin", conn: CONN, dir: "c2s", time: T + 4 }),
    encodeEventRecord({ type: "closed", conn: CONN, reason: "page", time: T + 5 }),
  );
  return {
    bytes: join2(good1, badEvent, badTime, good2),
    badAt: [good1.length, good1.length + badEvent.length],
  };
}

describe("capture records with good framing and bad content", () => {
  it("a view reports each as BAD_RECORD at its offset, in place, and replays everything else", async () => {
    const dir = tempDir();
    const { bytes, badAt } = captureWithBadRecords();
    writeFileSync(join(dir, "bad-records.fscap"), bytes);
    const bridge = await startBridge({ captures: dir });
    try {
      const page = await PageClient.open(bridge);
      const order: string[] = [];
      page.ws.on("message", (data: Buffer, isBinary) => {
        if (isBinary) order.push("chunk");
        else {
          const m = JSON.parse(data.toString("utf8")) as { type: string; code?: string };
          order.push(m.code ?? m.type);
        }
      });
      const req = page.req();
      page.send({ type: "open-capture", req, name: "bad-records.fscap" });
      const view = await page.waitFor((m) => m.type === "view" && m.req === req);
      const id = view.type === "view" ? view.view : -1;
      const end = await page.waitFor((m) => m.type === "view-end" && m.view === id);
      expect(end).toMatchObject({ reason: "done" });
      expect(order.slice(order.indexOf("view") + 1)).toEqual([
        "opened",
        "chunk",
        "BAD_RECORD",
        "BAD_RECORD",
        "chunk",
        "fin",
        "closed",
        "view-end",
      ]);
      const errors = page.messages.filter((m) => m.type === "error");
      expect(errors).toHaveLength(2);
      expect(errors[0]).toMatchObject({ view: id, code: "BAD_RECORD" });
      expect(errors[0]?.type === "error" && errors[0].message).toMatch(
        new RegExp(`offset ${badAt[0]} .*bad-event.*conn`),
      );
      expect(errors[1]?.type === "error" && errors[1].message).toMatch(
        new RegExp(`offset ${badAt[1]} .*bad-time`),
      );
      expect(page.received(CONN, "c2s", id).toString()).toBe("ab\ncd\n");
      expect(page.received(CONN, "s2c", id).length).toBe(0);
      page.close();
    } finally {
      await bridge.close();
    }
  });

  it("framescope decode names each bad record's offset on stderr and decodes the records after it", async () => {
    const { bytes, badAt } = captureWithBadRecords();
    const path = join(tempDir(), "bad-records.fscap");
    writeFileSync(path, bytes);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on("data", (d: Buffer) => out.push(d));
    stderr.on("data", (d: Buffer) => err.push(d));
    const code = await runDecodeCommand(["--framing", "delim:sep=0a", path], {
      stdin: new PassThrough(),
      stdout,
      stderr,
    });
    const errText = Buffer.concat(err).toString("utf8");
    expect(code).toBe(0);
    expect(errText).toMatch(new RegExp(`offset ${badAt[0]} .*bad-event`));
    expect(errText).toMatch(new RegExp(`offset ${badAt[1]} .*bad-time`));
    const lines = Buffer.concat(out)
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; span: number[]; conn: number; dir: string });
    expect(lines.map((l) => [l.type, l.conn, l.dir, l.span])).toEqual([
      ["frame", CONN, "c2s", [0, 3]],
      ["frame", CONN, "c2s", [3, 6]],
    ]);
  });
});
