/**
 * How much of the page's sends the bridge has written to each target. The
 * page opens its connections with `written: true`; the bridge then says in
 * `opened` that it will report, and sends `written` (the count of bytes its
 * socket to the target has taken) as they go. A send counts as sent once the
 * count covers it, and the composer holds its next write while too much waits
 * in the bridge: a target that reads slowly then never gets its connection
 * closed for TARGET_NOT_READING, and one that does not read at all shows as
 * "waiting for the target" instead of "sent".
 */
import type { ConnKey } from "./worker-protocol.js";

interface Waiter {
  /** Resolves once `written` reaches this. */
  readonly upTo: number;
  readonly resolve: (taken: boolean) => void;
}

interface Flow {
  sent: number;
  written: number;
  waiters: Waiter[];
  /** The connection closed: `written` is final. */
  closed: boolean;
}

export class SendFlows {
  private readonly flows = new Map<ConnKey, Flow>();

  /** The bridge will report `written` for `key` (its `opened` said so). */
  reporting(key: ConnKey): void {
    if (!this.flows.has(key))
      this.flows.set(key, { sent: 0, written: 0, waiters: [], closed: false });
  }

  /** The page handed `bytes` to the bridge for `key`. */
  sent(key: ConnKey, bytes: number): void {
    const f = this.flows.get(key);
    if (f !== undefined) f.sent += bytes;
  }

  /** The bridge's count of bytes written to `key`'s target. */
  written(key: ConnKey, bytes: number): void {
    const f = this.flows.get(key);
    if (f === undefined || bytes <= f.written) return;
    f.written = bytes;
    const still: Waiter[] = [];
    for (const w of f.waiters) {
      if (bytes >= w.upTo) w.resolve(true);
      else still.push(w);
    }
    f.waiters = still;
  }

  /** Bytes the page sent on `key` that the bridge has not written yet (0 when it does not report). */
  waiting(key: ConnKey): number {
    const f = this.flows.get(key);
    return f === undefined ? 0 : f.sent - f.written;
  }

  /**
   * True when at most `window` bytes of what was sent on `key` wait in the
   * bridge (or the bridge does not report), else a promise of true once that
   * holds, or of false when the connection ends first.
   */
  taken(key: ConnKey, window: number): true | Promise<boolean> {
    const f = this.flows.get(key);
    if (f === undefined || f.sent - f.written <= window) return true;
    if (f.closed) return Promise.resolve(false);
    return new Promise((resolve) => f.waiters.push({ upTo: f.sent - window, resolve }));
  }

  /** `key` closed: what was not written by now never will be. */
  ended(key: ConnKey): void {
    const f = this.flows.get(key);
    if (f === undefined) return;
    f.closed = true;
    const waiters = f.waiters;
    f.waiters = [];
    for (const w of waiters) w.resolve(false);
  }

  /** The link to the bridge went away, and with it every connection of this page. */
  endAll(): void {
    for (const key of this.flows.keys()) this.ended(key);
  }

  /** Forgets connections the page no longer holds. */
  forget(keys: readonly ConnKey[]): void {
    for (const key of keys) this.ended(key);
    for (const key of keys) this.flows.delete(key);
  }
}
