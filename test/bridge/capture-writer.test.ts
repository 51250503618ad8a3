import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CaptureWriter, WRITE_SOON_BYTES } from "../../bridge/src/capture-writer.js";
import type { BufferHold } from "../../bridge/src/read-buffers.js";
import type { RecordedEvent } from "../../web/src/session/bridge-protocol.js";
import {
  CAPTURE_HEAD_SIZE,
  RECORD_HEAD_SIZE,
  encodeCaptureHead,
  encodeChunkRecord,
  encodeEventRecord,
  readCapture,
} from "../../web/src/session/capture-format.js";
import { pattern, tempDir } from "./helpers.js";

type Entry =
  | { kind: "chunk"; conn: number; dir: "c2s" | "s2c"; time: number; bytes: Buffer }
  | { kind: "event"; event: RecordedEvent };

/** The file the writer must produce for `entries`: the pure encoders' bytes after its head. */
function expectedFile(file: Buffer, entries: readonly Entry[]): Buffer {
  return Buffer.concat([
    file.subarray(0, CAPTURE_HEAD_SIZE),
    ...entries.map((e) =>
      e.kind === "chunk"
        ? encodeChunkRecord(e.conn, e.dir, e.time, e.bytes)
        : encodeEventRecord(e.event),
    ),
  ]);
}

async function writeAll(
  entries: readonly Entry[],
): Promise<{ file: Buffer; writer: CaptureWriter }> {
  const path = join(tempDir(), "w.fscap");
  const writer = await CaptureWriter.createAt(path, () => undefined);
  for (const e of entries) {
    if (e.kind === "chunk") writer.chunk(e.conn, e.dir, e.time, e.bytes);
    else writer.event(e.event.conn, e.event);
  }
  await writer.close();
  return { file: readFileSync(path), writer };
}

const entry: fc.Arbitrary<Entry> = fc.oneof(
  fc.record({
    kind: fc.constant("chunk" as const),
    conn: fc.nat({ max: 0xffffffff }),
    dir: fc.constantFrom("c2s" as const, "s2c" as const),
    time: fc.maxSafeNat(),
    // Small, around the small-body limit (4096: copied) and large (queued by reference).
    bytes: fc
      .oneof(
        fc.nat({ max: 64 }),
        // Around the largest body checksummed in pure JS (192: above it, zlib).
        fc.integer({ min: 150, max: 260 }),
        fc.integer({ min: 4000, max: 4200 }),
        fc.integer({ min: 30_000, max: 70_000 }),
      )
      .chain((n) => fc.nat({ max: 255 }).map((seed) => pattern(seed, n))),
  }),
  fc.record({
    kind: fc.constant("event" as const),
    event: fc.record({
      type: fc.constant("fin" as const),
      conn: fc.nat({ max: 0xffffffff }),
      dir: fc.constantFrom("c2s" as const, "s2c" as const),
      time: fc.maxSafeNat(),
    }),
  }),
);

describe("CaptureWriter", () => {
  it("writes exactly the pure encoders' records, in order, whatever mix of sizes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 30 }), async (entries) => {
        const { file, writer } = await writeAll(entries);
        expect(file.subarray(0, 8).equals(Buffer.from(encodeCaptureHead(0).subarray(0, 8)))).toBe(
          true,
        );
        expect(file.equals(expectedFile(file, entries))).toBe(true);
        expect(writer.flushed).toBe(file.length);
        expect(writer.pendingBytes).toBe(0);
      }),
      { numRuns: 30 },
    );
  });

  it("reuses its batch buffers only once their records are written: many small records over many writes come out whole", async () => {
    const path = join(tempDir(), "reuse.fscap");
    const writer = await CaptureWriter.createAt(path, () => undefined);
    const entries: Entry[] = [];
    let time = 0;
    for (let round = 0; round < 40; round++) {
      // 1500 records of 1..200 bytes: about 3 batch buffers a round.
      for (let i = 0; i < 1500; i++) {
        const bytes = pattern(round * 1500 + i, 1 + ((i * 37 + round) % 200));
        const e: Entry = { kind: "chunk", conn: round, dir: i % 2 ? "s2c" : "c2s", time, bytes };
        entries.push(e);
        writer.chunk(e.conn, e.dir, time++, bytes);
      }
      // Sometimes the writes catch up (written batches become spare), sometimes they do not.
      if (round % 3 !== 2) await writer.sync();
    }
    await writer.close();
    const file = readFileSync(path);
    expect(file.equals(expectedFile(file, entries))).toBe(true);
  });

  it("a lone record is written without waiting for more (the delay starts the write)", async () => {
    const path = join(tempDir(), "lone.fscap");
    const writer = await CaptureWriter.createAt(path, () => undefined);
    const flushed = new Promise<number>((resolve) => writer.once("flush", resolve));
    writer.chunk(1, "s2c", 5, Buffer.from("hello"));
    expect(await flushed).toBe(CAPTURE_HEAD_SIZE + RECORD_HEAD_SIZE + 5);
    const r = readCapture(readFileSync(path));
    if (!r.ok) throw new Error(r.text);
    expect(r.records).toMatchObject([{ kind: "chunk", conn: 1, dir: "s2c", time: 5 }]);
    await writer.close();
  });

  it("more than WRITE_SOON_BYTES queued in one turn go out in one write, whole", async () => {
    const path = join(tempDir(), "soon.fscap");
    const writer = await CaptureWriter.createAt(path, () => undefined);
    const sizes: number[] = [];
    writer.on("flush", (n: number) => sizes.push(n));
    const big = pattern(3, 64 * 1024);
    const count = Math.ceil(WRITE_SOON_BYTES / big.length) + 1;
    for (let i = 0; i < count; i++) writer.chunk(2, "c2s", i, big);
    await new Promise((resolve) => writer.once("flush", resolve));
    expect(sizes[0]).toBe(CAPTURE_HEAD_SIZE + count * (RECORD_HEAD_SIZE + big.length));
    await writer.close();
  });

  it("holds a body it keeps (over 4 KiB) until the write that holds it is done, and a copied one not at all", async () => {
    const path = join(tempDir(), "hold.fscap");
    const writer = await CaptureWriter.createAt(path, () => undefined);
    const events: string[] = [];
    const owner = (name: string): BufferHold => ({
      hold: () => {
        events.push(`hold ${name}`);
        return () => events.push(`let go ${name}`);
      },
    });
    writer.on("flush", () => events.push("flush"));
    writer.chunk(1, "s2c", 1, pattern(1, 100), owner("small"));
    writer.chunk(1, "s2c", 2, pattern(2, 64 * 1024), owner("large"));
    expect(events).toEqual(["hold large"]);
    await writer.close();
    expect(events.slice(0, 3)).toEqual(["hold large", "let go large", "flush"]);
  });

  it("sync() writes what is queued without the delay and resolves once it is in the file", async () => {
    const path = join(tempDir(), "sync.fscap");
    const writer = await CaptureWriter.createAt(path, () => undefined);
    expect(await writer.sync()).toBe(CAPTURE_HEAD_SIZE);
    writer.chunk(1, "c2s", 1, Buffer.from("ab"));
    writer.chunk(1, "s2c", 2, pattern(0, 64 * 1024));
    const end = CAPTURE_HEAD_SIZE + 2 * RECORD_HEAD_SIZE + 2 + 64 * 1024;
    const synced = writer.sync();
    // Queued after the call: not waited for.
    writer.chunk(1, "c2s", 3, Buffer.from("later"));
    expect(await synced).toBeGreaterThanOrEqual(end);
    expect(readFileSync(path).length).toBeGreaterThanOrEqual(end);
    const r = readCapture(readFileSync(path).subarray(0, end));
    if (!r.ok) throw new Error(r.text);
    expect(r.records.map((x) => x.time)).toEqual([1, 2]);
    expect(r.tail).toBeNull();
    await writer.close();
  });

  it("close() writes at once what waits for the delay", async () => {
    const { file } = await writeAll([
      { kind: "chunk", conn: 9, dir: "c2s", time: 1, bytes: Buffer.from("x") },
    ]);
    expect(file.length).toBe(CAPTURE_HEAD_SIZE + RECORD_HEAD_SIZE + 1);
  });
});
