/**
 * Everything the page received, as received: per connection and direction the
 * chunks exactly as the bridge delivered them (one per TCP read), with their
 * times and stream offsets. Append-only: chunks are never merged, split or
 * dropped, so any byte can be shown with the read that brought it.
 */
import type {
  BridgeErrorCode,
  CloseReason,
  ConnectionSource,
  Direction,
  Endpoint,
} from "./bridge-protocol.js";
import type { ConnKey } from "./worker-protocol.js";
import { appendAll } from "../decode/append.js";

/** One chunk: its bytes, when it arrived (µs since the Unix epoch) and where it starts in its stream. */
export interface StoredChunk {
  readonly bytes: Uint8Array;
  readonly time: number;
  readonly offset: number;
}

/** The chunks of one direction of one connection. */
export class StreamChunks {
  private readonly list: StoredChunk[] = [];
  /** Total bytes: the stream's length. */
  length = 0;
  /** When the direction ended (TCP FIN), µs; null while open. */
  endedAt: number | null = null;

  /** Appends one chunk; returns it with its stream offset. */
  append(bytes: Uint8Array, time: number): StoredChunk {
    const chunk = { bytes, time, offset: this.length };
    this.list.push(chunk);
    this.length += bytes.length;
    return chunk;
  }

  get chunkCount(): number {
    return this.list.length;
  }

  chunk(index: number): StoredChunk | undefined {
    return this.list[index];
  }

  /** Index of the chunk holding stream offset `at`, or -1 outside [0, length). */
  chunkIndexAt(at: number): number {
    if (at < 0 || at >= this.length) return -1;
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.list[mid]?.offset ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** When the byte at stream offset `at` arrived (µs; the last chunk's time past the end, 0 before any). */
  timeAt(at: number): number {
    const k = at >= this.length ? this.list.length - 1 : this.chunkIndexAt(Math.max(0, at));
    return this.list[k]?.time ?? 0;
  }

  /** The byte at stream offset `at`, or undefined outside the stream. */
  byteAt(at: number): number | undefined {
    const k = this.chunkIndexAt(at);
    const c = this.list[k];
    return c === undefined ? undefined : c.bytes[at - c.offset];
  }

  /** A copy of the bytes [start, end), clipped to the stream. */
  read(start: number, end: number): Uint8Array {
    const s = Math.max(0, start);
    const e = Math.min(this.length, end);
    const out = new Uint8Array(Math.max(0, e - s));
    if (e <= s) return out;
    for (let k = this.chunkIndexAt(s); k < this.list.length; k++) {
      const c = this.list[k] as StoredChunk;
      if (c.offset >= e) break;
      const from = Math.max(s, c.offset);
      const to = Math.min(e, c.offset + c.bytes.length);
      out.set(c.bytes.subarray(from - c.offset, to - c.offset), from - s);
    }
    return out;
  }

  /** Offsets in (start, end) where a new chunk begins: the TCP read boundaries inside a range. */
  boundariesIn(start: number, end: number): number[] {
    const out: number[] = [];
    const first = this.chunkIndexAt(Math.max(0, start));
    for (let k = Math.max(first, 0) + 1; k < this.list.length; k++) {
      const at = (this.list[k] as StoredChunk).offset;
      if (at >= end) break;
      if (at > start) out.push(at);
    }
    return out;
  }
}

/** What the bridge said about one connection. */
export interface ConnectionInfo {
  readonly source: ConnectionSource;
  readonly tap: string | undefined;
  readonly target: string;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly client: Endpoint | undefined;
  /** µs since the Unix epoch. */
  readonly openedAt: number;
}

/** One connection: its streams, and how it opened and ended. */
export interface StoredConnection {
  readonly key: ConnKey;
  /** The bridge's connection id. */
  readonly conn: number;
  info: ConnectionInfo | undefined;
  closed: { readonly reason: CloseReason; readonly time: number } | undefined;
  error:
    { readonly code: BridgeErrorCode; readonly message: string; readonly time: number } | undefined;
  readonly c2s: StreamChunks;
  readonly s2c: StreamChunks;
}

/** All connections, in the order they were first seen. */
export class CaptureStore {
  private readonly conns = new Map<ConnKey, StoredConnection>();
  private readonly order: ConnKey[] = [];
  private readonly ordinals = new Map<ConnKey, number>();
  /** Bytes received per direction over all connections. */
  readonly totals: Record<Direction, number> = { c2s: 0, s2c: 0 };
  private removed = 0;

  /** The connection, created (without info) on first use. */
  connection(key: ConnKey, conn: number): StoredConnection {
    let c = this.conns.get(key);
    if (c === undefined) {
      c = {
        key,
        conn,
        info: undefined,
        closed: undefined,
        error: undefined,
        c2s: new StreamChunks(),
        s2c: new StreamChunks(),
      };
      this.conns.set(key, c);
      this.ordinals.set(key, this.ordinals.size + this.removed);
      this.order.push(key);
    }
    return c;
  }

  get(key: ConnKey): StoredConnection | undefined {
    return this.conns.get(key);
  }

  /** Keys in the order connections were first seen. */
  keys(): readonly ConnKey[] {
    return this.order;
  }

  /** When the connection was first seen relative to the others (larger is newer), or -1. */
  ordinal(key: ConnKey): number {
    return this.ordinals.get(key) ?? -1;
  }

  get size(): number {
    return this.order.length;
  }

  appendChunk(
    key: ConnKey,
    conn: number,
    dir: Direction,
    bytes: Uint8Array,
    time: number,
  ): StoredChunk {
    this.totals[dir] += bytes.length;
    return this.connection(key, conn)[dir].append(bytes, time);
  }

  /** Removes connections (the page's "clear"); the only way anything leaves the store. */
  remove(keys: readonly ConnKey[]): void {
    const gone = new Set(keys);
    for (const key of gone) {
      const c = this.conns.get(key);
      if (c === undefined) continue;
      this.totals.c2s -= c.c2s.length;
      this.totals.s2c -= c.s2c.length;
      this.conns.delete(key);
      this.ordinals.delete(key);
      this.removed++;
    }
    const kept = this.order.filter((k) => !gone.has(k));
    this.order.length = 0;
    appendAll(this.order, kept);
  }
}
