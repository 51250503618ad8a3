/**
 * The page's connections as a capture file (the bridge's format, see
 * capture-format.ts; capture-play.ts plays one back). Connections keep
 * their numbers (see exportIds) and the page's order; records are ordered by
 * time (opened first, then chunks and ends), as the bridge writes them.
 */
import { concatBytes } from "../decode/concat.js";
import type { RecordedEvent } from "./bridge-protocol.js";
import type { CaptureStore, StoredConnection } from "./capture-store.js";
import { encodeCaptureHead, encodeChunkRecord, encodeEventRecord } from "./capture-format.js";
import type { ConnKey } from "./worker-protocol.js";

interface Timed {
  readonly time: number;
  readonly order: number;
  readonly bytes: Uint8Array;
}

function recordsOf(c: StoredConnection, id: number, out: Timed[]): void {
  const info = c.info;
  const first = Math.min(
    info?.openedAt ?? Infinity,
    c.c2s.chunk(0)?.time ?? Infinity,
    c.s2c.chunk(0)?.time ?? Infinity,
  );
  const opened = Number.isFinite(first) ? first : 0;
  const event: RecordedEvent = {
    type: "opened",
    conn: id,
    source: info?.source ?? "tap",
    ...(info?.tap === undefined ? {} : { tap: info.tap }),
    target: info?.target ?? "unknown:0",
    local: info?.local ?? { address: "0.0.0.0", port: 0 },
    remote: info?.remote ?? { address: "0.0.0.0", port: 0 },
    ...(info?.client === undefined ? {} : { client: info.client }),
    time: opened,
  };
  out.push({ time: opened, order: 0, bytes: encodeEventRecord(event) });
  for (const dir of ["c2s", "s2c"] as const) {
    const s = c[dir];
    for (let i = 0; i < s.chunkCount; i++) {
      const ch = s.chunk(i);
      if (ch !== undefined)
        out.push({ time: ch.time, order: 1, bytes: encodeChunkRecord(id, dir, ch.time, ch.bytes) });
    }
    if (s.endedAt !== null && c.closed === undefined)
      out.push({
        time: s.endedAt,
        order: 2,
        bytes: encodeEventRecord({ type: "fin", conn: id, dir, time: s.endedAt }),
      });
  }
  if (c.closed !== undefined)
    out.push({
      time: c.closed.time,
      order: 3,
      bytes: encodeEventRecord({
        type: "closed",
        conn: id,
        reason: c.closed.reason,
        time: c.closed.time,
      }),
    });
}

/**
 * Connection numbers in the file: each connection keeps the number the page
 * shows (so the file, the page and a JSON Lines export name it alike); one
 * already taken by an earlier connection (two captures on the page) gets the
 * next number above all of them.
 */
export function exportIds(conns: readonly number[]): number[] {
  const taken = new Set<number>();
  let next = conns.reduce((m, c) => Math.max(m, c), 0) + 1;
  return conns.map((c) => {
    const id = taken.has(c) || !(c >= 1 && c <= 0xffffffff) ? next++ : c;
    taken.add(id);
    return id;
  });
}

/** The capture file of `keys` (default: every connection), created at `created` (µs since the epoch). */
export function exportCapture(
  store: CaptureStore,
  created: number,
  keys: readonly ConnKey[] = store.keys(),
): Uint8Array {
  const timed: Timed[] = [];
  const conns = keys.flatMap((k) => store.get(k) ?? []);
  const ids = exportIds(conns.map((c) => c.conn));
  conns.forEach((c, i) => recordsOf(c, ids[i] ?? i + 1, timed));
  // Stable: equal times keep opened < chunks < fin < closed, and each stream's chunk order.
  timed.sort((a, b) => a.time - b.time || a.order - b.order);
  return concatBytes([encodeCaptureHead(created), ...timed.map((t) => t.bytes)]);
}
