import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../web/src/session/capture-format.js";
import { pattern, tempDir } from "./helpers.js";

const WRITER_JS = fileURLToPath(
  new URL("../../dist/bridge/src/capture-writer.js", import.meta.url),
);

/** Record i of the child's sequence: conn i, bytes of a size that varies up to ~1.5 MiB. */
const sizeOf = (i: number): number => ((i * 7919) % 1_500_000) + 1;

/** A child that appends the sequence to a capture as fast as it can, printing the path once 8 MiB are on disk. */
const CHILD = `
  const { CaptureWriter } = await import(${JSON.stringify(new URL(`file://${WRITER_JS}`).href)});
  const w = await CaptureWriter.create(process.argv[1], () => {});
  const sizeOf = ${sizeOf.toString()};
  const pattern = (start, length) => { const b = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) { const n = start + i; b[i] = (n * 7 + (n >>> 11)) & 0xff; } return b; };
  let told = false;
  for (let i = 1; ; i++) {
    w.chunk(i, i % 2 ? "c2s" : "s2c", i, pattern(i, sizeOf(i)));
    if (i % 3 === 0) w.event(i, { type: "fin", conn: i, dir: "c2s", time: i });
    if (!told && w.flushed > 8 * 1024 * 1024) { told = true; process.stdout.write(w.path + "\\n"); }
    if (w.pendingBytes > 4 * 1024 * 1024) await new Promise((r) => w.once("flush", r));
  }`;

describe("capture crash-safety", () => {
  for (const delay of [0, 7, 23]) {
    it(`a writer killed with SIGKILL ${delay} ms into a busy stretch leaves a readable prefix`, async () => {
      const dir = tempDir();
      const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD, dir], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const path = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("\n")) resolve(out.trim());
        });
        child.once("exit", (code) => reject(new Error(`child exited early (${code})`)));
      });
      await new Promise((r) => setTimeout(r, delay));
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;

      const bytes = readFileSync(path);
      const r = readCapture(bytes, crc32);
      if (!r.ok) throw new Error(r.text);
      expect(r.tail === null || r.tail.reason === "incomplete").toBe(true);
      expect(r.end + (r.tail?.size ?? 0)).toBe(bytes.length);
      // The records are exactly the start of the sequence the child wrote, each one whole.
      let i = 1;
      let chunks = 0;
      for (const rec of r.records) {
        if (rec.kind === "chunk") {
          expect(rec.conn).toBe(i);
          expect(rec.dir).toBe(i % 2 ? "c2s" : "s2c");
          expect(Buffer.from(rec.bytes).equals(pattern(i, sizeOf(i)))).toBe(true);
          chunks++;
          if (i % 3 !== 0) i++;
        } else {
          expect(rec.event).toEqual({ type: "fin", conn: i, dir: "c2s", time: i });
          i++;
        }
      }
      expect(chunks).toBeGreaterThan(5);
    });
  }
});
