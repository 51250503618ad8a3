/**
 * The composer's sends on one connection, one after another: a send is a list
 * of writes with a delay between them, and a second send starts only after
 * the first one's last write, so the writes of two sends never interleave on
 * the stream. With a bridge that reports what it wrote, a write waits while
 * more than SEND_WINDOW bytes of the earlier ones are still in the bridge, and
 * a send is "sent" only once the target's socket has taken all of it.
 */

import { plural } from "./plural.js";

/**
 * Bytes of earlier writes that may wait in the bridge before the next write
 * waits too: far under what a bridge connection holds for its target (16 MiB
 * by default), so a target that reads slowly never has its connection closed.
 */
export const SEND_WINDOW = 1024 * 1024;

/** One send: its writes in order and the delay between two of them, in ms. */
export interface SendJob {
  readonly label: string;
  readonly writes: readonly Uint8Array[];
  readonly delay: number;
}

/** What a queue is doing: the send running (writes done so far), how many wait, and the last outcome. */
export interface SendQueueState {
  readonly running: {
    readonly label: string;
    readonly done: number;
    readonly of: number;
    /** True while it waits for the target to take what the bridge holds. */
    readonly held?: boolean;
  } | null;
  readonly queued: number;
  /** How the last send ended ("sent 40 B in 3 writes"), or why sends were dropped; "" before any. */
  readonly outcome: string;
}

/** What the queue needs from the outside: the write itself (false once the connection is closed) and a timer. */
export interface SendQueueDeps {
  write(bytes: Uint8Array): boolean;
  wait(ms: number): Promise<void>;
  /**
   * Optional: true when at most `window` bytes of the writes so far wait in the
   * bridge for the target, else a promise of true once that holds, or false when
   * the connection ends first. Without it a write counts as sent once `write` returns.
   */
  taken?(window: number): true | Promise<boolean>;
}

/** A queue of sends on one connection. */
export interface SendQueue {
  /** Appends a send; it starts at once when nothing runs. */
  enqueue(job: SendJob): void;
  /** Stops the running send before its next write and drops the queued ones; `why` goes in the outcome. */
  cancel(why: string): void;
  state(): SendQueueState;
  /** Calls `listener` after every change of state; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void>;
}

/** "not sent" or "stopped after write 2 of 4", and the queued sends dropped, joined by "; ". */
function stopped(done: number, of: number, dropped: number): string {
  const parts = [done === 0 ? "not sent" : `stopped after write ${done} of ${of}`];
  if (dropped > 0) parts.push(`${plural(dropped, "queued send")} dropped`);
  return parts.join("; ");
}

/** A new, empty queue writing through `deps`. */
export function createSendQueue(deps: SendQueueDeps): SendQueue {
  const waiting: SendJob[] = [];
  const listeners = new Set<() => void>();
  let state: SendQueueState = { running: null, queued: 0, outcome: "" };
  let pump: Promise<void> = Promise.resolve();
  let pumping = false;
  // Bumped by cancel(): the running send sees it changed and stops; its pending wait is cut short.
  let generation = 0;
  let interrupt: (() => void) | undefined;

  const set = (next: Partial<SendQueueState>): void => {
    state = { ...state, ...next, queued: waiting.length };
    for (const l of listeners) l();
  };

  /** `work`, or undefined as soon as cancel() runs. */
  const interruptible = <T>(work: Promise<T>): Promise<T | undefined> =>
    new Promise<T | undefined>((resolve) => {
      interrupt = () => resolve(undefined);
      void work.then(resolve);
    }).finally(() => (interrupt = undefined));

  const pause = (ms: number): Promise<unknown> => interruptible(deps.wait(ms));

  /**
   * True when at most `window` bytes of the writes so far wait in the bridge,
   * else a wait for that (shown in the state): false when the connection ended
   * first, undefined when cancelled.
   */
  const room = (
    job: SendJob,
    done: number,
    window: number,
  ): true | Promise<boolean | undefined> => {
    const taken = deps.taken?.(window) ?? true;
    if (taken === true) return true;
    const of = job.writes.length;
    set({ running: { label: job.label, done, of, held: true } });
    return interruptible(taken).then((r) => {
      if (r !== undefined) set({ running: { label: job.label, done, of } });
      return r;
    });
  };

  /** Runs one send; its outcome, or undefined when it was cancelled (cancel sets the outcome). */
  const run = async (job: SendJob, gen: number): Promise<string | undefined> => {
    let bytes = 0;
    const of = job.writes.length;
    for (const [i, w] of job.writes.entries()) {
      if (i > 0 && job.delay > 0) await pause(job.delay);
      if (gen !== generation) return undefined;
      // Awaited only when the bridge holds too much: a first write otherwise goes out at once.
      const r = room(job, i, SEND_WINDOW);
      const ok = r === true ? true : await r;
      if (gen !== generation) return undefined;
      if (ok === false || !deps.write(w))
        return `${stopped(i, of, waiting.splice(0).length)}: the connection is closed`;
      bytes += w.length;
      set({ running: { label: job.label, done: i + 1, of } });
    }
    // Sent once the target's socket took every byte, not when the bridge got them.
    const r = room(job, of, 0);
    const all = r === true ? true : await r;
    if (gen !== generation) return undefined;
    if (all === false)
      return `${bytes} B given to the bridge in ${plural(of, "write")}, but the connection closed before the target took them all`;
    return `sent ${bytes} B in ${plural(of, "write")}`;
  };

  const drain = async (): Promise<void> => {
    pumping = true;
    try {
      for (let job = waiting.shift(); job !== undefined; job = waiting.shift()) {
        set({ running: { label: job.label, done: 0, of: job.writes.length } });
        const outcome = await run(job, generation).catch(
          // A write that throws ends this send (and drops the queued ones) like a closed connection.
          (err: unknown) =>
            `${stopped(state.running?.done ?? 0, job.writes.length, waiting.splice(0).length)}: ${
              err instanceof Error ? err.message : String(err)
            }`,
        );
        if (outcome !== undefined) set({ running: null, outcome });
      }
    } finally {
      pumping = false;
    }
  };

  return {
    enqueue(job) {
      waiting.push(job);
      if (pumping) set({});
      else pump = drain();
    },
    cancel(why) {
      if (!pumping) return;
      generation++;
      const was = state.running ?? { done: 0, of: 0 };
      set({
        running: null,
        outcome: `${stopped(was.done, was.of, waiting.splice(0).length)}: ${why}`,
      });
      interrupt?.();
    },
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    idle: () => pump,
  };
}

/** The status line for a queue's state: progress while a send runs, else the last outcome. */
export function describeSendQueue(state: SendQueueState): string {
  if (state.running === null) return state.outcome;
  const { done, of, held } = state.running;
  const queued = state.queued === 0 ? "" : `, ${state.queued} queued`;
  const wait = held === true ? ", waiting for the target to read" : "";
  return `sending: write ${Math.max(done, 1)} of ${of}${wait}${queued}`;
}

const shared = new WeakMap<object, Map<string, SendQueue>>();

/**
 * The one queue of connection `key` among `owner`'s (the session model), made
 * with `deps()` on first use, so a component that re-mounts finds the sends it
 * started still in order.
 */
export function sendQueueOf(owner: object, key: string, deps: () => SendQueueDeps): SendQueue {
  let queues = shared.get(owner);
  if (queues === undefined) shared.set(owner, (queues = new Map()));
  let q = queues.get(key);
  if (q === undefined) queues.set(key, (q = createSendQueue(deps())));
  return q;
}
