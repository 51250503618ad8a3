import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SendFlows } from "../../web/src/session/send-flow.js";
import {
  SEND_WINDOW,
  createSendQueue,
  describeSendQueue,
  sendQueueOf,
  type SendJob,
  type SendQueue,
} from "../../web/src/ui/send-queue.js";

/** A send named `name` of `n` one-byte writes 0x10*k+1 .. (k = 1, 2, ...), `delay` ms apart. */
const job = (name: string, n: number, delay: number, k = 1): SendJob => ({
  label: name,
  writes: Array.from({ length: n }, (_, i) => Uint8Array.of(0x10 * k + i + 1)),
  delay,
});

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

/** A queue on a fake connection that logs every write as hex, and closes when told to. */
function fakeConnection(): { queue: SendQueue; written: string[]; close(): void } {
  const written: string[] = [];
  let open = true;
  const queue = createSendQueue({
    write: (bytes) => {
      if (!open) return false;
      written.push(hex(bytes));
      return true;
    },
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  return { queue, written, close: () => void (open = false) };
}

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe("a send queue", () => {
  it("writes one send's writes in order, the delay apart, and says how it went", async () => {
    const c = fakeConnection();
    c.queue.enqueue(job("a", 3, 100));
    expect(c.written).toEqual(["11"]);
    expect(describeSendQueue(c.queue.state())).toBe("sending: write 1 of 3");
    await vi.advanceTimersByTimeAsync(99);
    expect(c.written).toEqual(["11"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(c.written).toEqual(["11", "12"]);
    expect(describeSendQueue(c.queue.state())).toBe("sending: write 2 of 3");
    await vi.advanceTimersByTimeAsync(100);
    await c.queue.idle();
    expect(c.written).toEqual(["11", "12", "13"]);
    expect(describeSendQueue(c.queue.state())).toBe("sent 3 B in 3 writes");
  });

  it("starts a second send after the first one's last write: double send does not interleave", async () => {
    const c = fakeConnection();
    c.queue.enqueue(job("a", 4, 50, 1));
    c.queue.enqueue(job("b", 4, 50, 2));
    expect(describeSendQueue(c.queue.state())).toBe("sending: write 1 of 4, 1 queued");
    await vi.advanceTimersByTimeAsync(150);
    expect(c.written).toEqual(["11", "12", "13", "14", "21"]);
    expect(describeSendQueue(c.queue.state())).toBe("sending: write 1 of 4");
    await vi.runAllTimersAsync();
    expect(c.written).toEqual(["11", "12", "13", "14", "21", "22", "23", "24"]);
    expect(c.queue.state()).toEqual({ running: null, queued: 0, outcome: "sent 4 B in 4 writes" });
  });

  it("keeps any sends, enqueued at any time, whole and in the order they were enqueued", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            writes: fc.integer({ min: 1, max: 4 }),
            delay: fc.constantFrom(0, 10, 35),
            after: fc.constantFrom(0, 5, 40),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        async (sends) => {
          const c = fakeConnection();
          const expected: string[] = [];
          for (const [k, s] of sends.entries()) {
            const j = job(`s${k}`, s.writes, s.delay, k + 1);
            expected.push(...j.writes.map(hex));
            c.queue.enqueue(j);
            await vi.advanceTimersByTimeAsync(s.after);
          }
          await vi.runAllTimersAsync();
          await c.queue.idle();
          expect(c.written).toEqual(expected);
          expect(c.queue.state().running).toBeNull();
        },
      ),
      { numRuns: 60 },
    );
  });

  it("drops the queued sends and stops the running one when the connection closes", async () => {
    const c = fakeConnection();
    c.queue.enqueue(job("a", 3, 1000, 1));
    c.queue.enqueue(job("b", 2, 0, 2));
    c.queue.enqueue(job("c", 2, 0, 3));
    c.close();
    c.queue.cancel("the connection closed");
    // The running send stops at once, not after its 1 s delay.
    await c.queue.idle();
    expect(c.written).toEqual(["11"]);
    expect(c.queue.state()).toEqual({
      running: null,
      queued: 0,
      outcome: "stopped after write 1 of 3; 2 queued sends dropped: the connection closed",
    });
    await vi.runAllTimersAsync();
    expect(c.written).toEqual(["11"]);
  });

  it("drops the queued sends when a write finds the connection closed", async () => {
    const c = fakeConnection();
    c.queue.enqueue(job("a", 3, 100, 1));
    c.queue.enqueue(job("b", 2, 0, 2));
    await vi.advanceTimersByTimeAsync(100);
    c.close();
    await vi.runAllTimersAsync();
    expect(c.written).toEqual(["11", "12"]);
    expect(describeSendQueue(c.queue.state())).toBe(
      "stopped after write 2 of 3; 1 queued send dropped: the connection is closed",
    );
  });

  it("a write that throws ends its send with the reason, and the queue goes on taking sends", async () => {
    const written: string[] = [];
    let fail = true;
    const queue = createSendQueue({
      write: (bytes) => {
        if (fail && bytes[0] === 0x12) throw new Error("socket gone");
        written.push(hex(bytes));
        return true;
      },
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    queue.enqueue(job("a", 3, 0, 1));
    queue.enqueue(job("b", 1, 0, 2));
    await vi.runAllTimersAsync();
    await queue.idle();
    expect(written).toEqual(["11"]);
    expect(describeSendQueue(queue.state())).toBe(
      "stopped after write 1 of 3; 1 queued send dropped: socket gone",
    );
    fail = false;
    queue.enqueue(job("c", 1, 0, 3));
    await vi.runAllTimersAsync();
    await queue.idle();
    expect(written).toEqual(["11", "31"]);
  });

  it("says not sent when the first write finds the connection closed", async () => {
    const c = fakeConnection();
    c.close();
    c.queue.enqueue(job("a", 2, 0));
    await c.queue.idle();
    expect(describeSendQueue(c.queue.state())).toBe("not sent: the connection is closed");
  });

  it("runs a send enqueued after a cancel on its own, after the cancelled one stopped", async () => {
    const c = fakeConnection();
    c.queue.enqueue(job("a", 3, 500, 1));
    c.queue.cancel("you disconnected");
    c.queue.enqueue(job("b", 2, 10, 2));
    await vi.runAllTimersAsync();
    await c.queue.idle();
    expect(c.written).toEqual(["11", "21", "22"]);
    expect(describeSendQueue(c.queue.state())).toBe("sent 2 B in 2 writes");
  });

  it("cancelling an idle queue changes nothing", () => {
    const c = fakeConnection();
    c.queue.cancel("the connection closed");
    expect(c.queue.state()).toEqual({ running: null, queued: 0, outcome: "" });
  });

  it("tells its listeners of every change", async () => {
    const c = fakeConnection();
    const seen: string[] = [];
    const stop = c.queue.subscribe(() => seen.push(describeSendQueue(c.queue.state())));
    c.queue.enqueue(job("a", 2, 10));
    await vi.runAllTimersAsync();
    stop();
    c.queue.enqueue(job("b", 1, 0));
    expect(seen).toEqual([
      "sending: write 1 of 2",
      "sending: write 1 of 2",
      "sending: write 2 of 2",
      "sent 2 B in 2 writes",
    ]);
  });
});

describe("a send queue on a bridge that reports what it wrote", () => {
  /** A connection whose bridge reports `written`; `take(n)` is the bridge writing n more bytes. */
  function reportingConnection(): {
    queue: SendQueue;
    sizes: number[];
    take(n: number): void;
    close(): void;
  } {
    const flows = new SendFlows();
    flows.reporting("k");
    const sizes: number[] = [];
    let written = 0;
    const queue = createSendQueue({
      write: (bytes) => {
        sizes.push(bytes.length);
        flows.sent("k", bytes.length);
        return true;
      },
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      taken: (window) => flows.taken("k", window),
    });
    return {
      queue,
      sizes,
      take: (n) => flows.written("k", (written += n)),
      close: () => flows.ended("k"),
    };
  }

  const big = (name: string, writes: number, size: number): SendJob => ({
    label: name,
    writes: Array.from({ length: writes }, () => new Uint8Array(size)),
    delay: 0,
  });

  it("says sent only once the target took every byte", async () => {
    const c = reportingConnection();
    c.queue.enqueue(job("a", 2, 0));
    await vi.runAllTimersAsync();
    expect(c.sizes).toEqual([1, 1]);
    expect(describeSendQueue(c.queue.state())).toBe(
      "sending: write 2 of 2, waiting for the target to read",
    );
    c.take(1);
    await vi.runAllTimersAsync();
    expect(c.queue.state().running?.held).toBe(true);
    c.take(1);
    await c.queue.idle();
    expect(describeSendQueue(c.queue.state())).toBe("sent 2 B in 2 writes");
  });

  it("holds its next write while more than SEND_WINDOW bytes wait in the bridge", async () => {
    const c = reportingConnection();
    const size = SEND_WINDOW / 2;
    c.queue.enqueue(big("a", 5, size));
    await vi.runAllTimersAsync();
    // A write goes out while at most SEND_WINDOW waits in the bridge: the fourth waits for the target.
    expect(c.sizes.length).toBe(3);
    expect(describeSendQueue(c.queue.state())).toBe(
      "sending: write 3 of 5, waiting for the target to read",
    );
    c.take(size);
    await vi.runAllTimersAsync();
    expect(c.sizes.length).toBe(4);
    c.take(4 * size);
    await c.queue.idle();
    expect(c.sizes.length).toBe(5);
    expect(describeSendQueue(c.queue.state())).toBe(`sent ${5 * size} B in 5 writes`);
  });

  it("says the target did not take it all when the connection closes first", async () => {
    const c = reportingConnection();
    c.queue.enqueue(big("a", 3, SEND_WINDOW));
    c.queue.enqueue(job("b", 1, 0));
    await vi.runAllTimersAsync();
    expect(c.sizes.length).toBe(2);
    c.close();
    await c.queue.idle();
    expect(c.sizes.length).toBe(2);
    expect(describeSendQueue(c.queue.state())).toBe(
      "stopped after write 2 of 3; 1 queued send dropped: the connection is closed",
    );

    const d = reportingConnection();
    d.queue.enqueue(job("a", 2, 0));
    await vi.runAllTimersAsync();
    d.close();
    await d.queue.idle();
    expect(describeSendQueue(d.queue.state())).toBe(
      "2 B given to the bridge in 2 writes, but the connection closed before the target took them all",
    );
  });

  it("a cancel stops a send that waits for the target", async () => {
    const c = reportingConnection();
    c.queue.enqueue(big("a", 4, SEND_WINDOW));
    await vi.runAllTimersAsync();
    c.queue.cancel("you disconnected");
    await c.queue.idle();
    expect(describeSendQueue(c.queue.state())).toBe("stopped after write 2 of 4: you disconnected");
  });
});

describe("sendQueueOf", () => {
  it("gives one queue per owner and connection", () => {
    const owner = {};
    const deps = () => ({ write: () => true, wait: () => Promise.resolve() });
    const a = sendQueueOf(owner, "1", deps);
    expect(sendQueueOf(owner, "1", deps)).toBe(a);
    expect(sendQueueOf(owner, "2", deps)).not.toBe(a);
    expect(sendQueueOf({}, "1", deps)).not.toBe(a);
  });
});
