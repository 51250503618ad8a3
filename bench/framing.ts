import { FrameColumns } from "../web/src/decode/frame-columns.js";
import { createFramer } from "../web/src/decode/framers.js";
import { parseFramingSpec } from "../web/src/decode/spec.js";
import { rate, si, type Row } from "./measure.js";

const CHUNK = 64 * 1024;

/** A stream of `count` length-prefixed frames with `payload`-byte payloads, cut into 64 KiB chunks. */
function makeChunks(payload: number, totalBytes: number): Uint8Array[] {
  const frame = 4 + payload;
  const count = Math.max(1, Math.floor(totalBytes / frame));
  const stream = new Uint8Array(count * frame);
  for (let k = 0; k < count; k++) {
    new DataView(stream.buffer).setUint32(k * frame, payload);
    stream.fill(k & 0xff, k * frame + 4, (k + 1) * frame);
  }
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < stream.length; at += CHUNK) chunks.push(stream.subarray(at, at + CHUNK));
  return chunks;
}

export function benchFraming(): Row[] {
  const spec = parseFramingSpec("length");
  if (!spec.ok) throw new Error(spec.error);
  const rows: Row[] = [];
  const sink = new FrameColumns();
  for (const payload of [100, 16 * 1024]) {
    const chunks = makeChunks(payload, 16 * 1024 * 1024);
    const bytes = chunks.reduce((n, c) => n + c.length, 0);
    const size = payload === 100 ? "100 B" : "16 KiB";
    // Frames as objects (push), and as columns of numbers (pushTo, what the page's worker uses).
    const ways: [string, () => number][] = [
      [
        "Frame objects",
        () => {
          const framer = createFramer(spec.spec);
          let n = 0;
          for (const c of chunks) n += framer.push(c).frames.length;
          return n + framer.end().frames.length;
        },
      ],
      [
        "columns (pushTo)",
        () => {
          const framer = createFramer(spec.spec);
          sink.clear();
          for (const c of chunks) framer.pushTo(c, sink);
          framer.endTo(sink);
          return sink.count;
        },
      ],
    ];
    for (const [way, run] of ways) {
      let frames = 0;
      const passes = rate(() => {
        frames = run();
        return 1;
      });
      rows.push({
        name: `${size} payloads, ${way}`,
        figures: {
          "frames/s": si(frames * passes),
          "MB/s": ((bytes * passes) / 1e6).toFixed(0),
          target: payload === 100 ? ">= 20 M frames/s" : "",
        },
      });
    }
  }
  return rows;
}
