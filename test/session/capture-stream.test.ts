import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeCaptureHead,
  encodeChunkRecord,
  encodeEventRecord,
  readCapture,
  type CaptureRecord,
} from "../../web/src/session/capture-format.js";
import { CaptureStreamReader } from "../../web/src/session/capture-stream.js";
import { concat } from "./kv-fixtures.js";

/** A capture: one connection opened, chunks both ways, a fin. */
const FILE = concat(
  encodeCaptureHead(1_000_000),
  encodeEventRecord({
    type: "opened",
    conn: 1,
    source: "tap",
    tap: "t",
    target: "127.0.0.1:9",
    local: { address: "127.0.0.1", port: 1 },
    remote: { address: "127.0.0.1", port: 9 },
    time: 1_000_001,
  }),
  encodeChunkRecord(
    1,
    "c2s",
    1_000_002,
    Uint8Array.from({ length: 300 }, (_x, i) => i & 255),
  ),
  encodeChunkRecord(1, "s2c", 1_000_003, Uint8Array.of(1, 2, 3)),
  encodeEventRecord({ type: "fin", conn: 1, dir: "c2s", time: 1_000_004 }),
);

/** Feeds the file cut at `cuts`; returns the records, the tail and the error. */
function play(bytes: Uint8Array, cuts: readonly number[]) {
  const reader = new CaptureStreamReader();
  const records: CaptureRecord[] = [];
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    records.push(...reader.push(bytes.subarray(from, at)).records);
    from = at;
  }
  return { records, tail: reader.end(), error: reader.error };
}

describe("CaptureStreamReader", () => {
  it("reads the records whatever the reads, as a whole-file read does", () => {
    const whole = readCapture(FILE);
    if (!whole.ok) throw new Error(whole.error);
    expect(whole.records.map((x) => x.kind)).toEqual(["event", "chunk", "chunk", "event"]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: FILE.length - 1 })), (cuts) => {
        const r = play(
          FILE,
          [...cuts].sort((a, b) => a - b),
        );
        expect(r.records).toEqual(whole.records);
        expect([r.tail, r.error]).toEqual([null, undefined]);
      }),
    );
    // Every byte its own read.
    const bytewise = play(
      FILE,
      Array.from({ length: FILE.length - 1 }, (_x, i) => i + 1),
    );
    expect(bytewise.records).toEqual(whole.records);
  });

  it("a file cut inside a record: the records before it, and the rest as an incomplete tail", () => {
    const cut = FILE.subarray(0, FILE.length - 5);
    const r = play(cut, [100]);
    expect(r.records.map((x) => x.kind)).toEqual(["event", "chunk", "chunk"]);
    expect(r.tail).toEqual({
      offset: expect.any(Number),
      size: expect.any(Number),
      reason: "incomplete",
    });
    expect((r.tail?.offset ?? 0) + (r.tail?.size ?? 0)).toBe(cut.length);
  });

  it("damaged framing ends the reading there: a checksum mismatch is the tail, to the end", () => {
    const bad = FILE.slice();
    const second = readCapture(FILE);
    const at = second.ok ? (second.records[1]?.offset ?? 0) : 0;
    bad[at + 30] = (bad[at + 30] ?? 0) ^ 0xff;
    const r = play(bad, [at + 10]);
    expect(r.records.map((x) => x.kind)).toEqual(["event"]);
    expect(r.tail).toEqual({ offset: at, size: bad.length - at, reason: "checksum" });
  });

  it("says why a file is no capture, and a head cut short", () => {
    expect(play(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), []).error).toMatch(/^NOT_A_CAPTURE/);
    expect(play(FILE.subarray(0, 10), [4]).error).toMatch(/^SHORT_HEAD/);
  });
});
