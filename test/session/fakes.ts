import {
  BRIDGE_PROTOCOL_VERSION,
  type ServerMessage,
} from "../../web/src/session/bridge-protocol.js";
import { BridgeClient, type SocketLike } from "../../web/src/session/bridge-client.js";
import { DecodeEngine } from "../../web/src/session/decode-engine.js";
import type { WorkerLike } from "../../web/src/session/session-model.js";
import type { UiToWorker, WorkerToUi } from "../../web/src/session/worker-protocol.js";

/** A WebSocket stand-in: records what the page sends, and plays the bridge's part on request. */
export class FakeSocket implements SocketLike {
  binaryType = "blob";
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((event: { readonly data: unknown }) => void) | null = null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  readonly sent: (string | Uint8Array)[] = [];
  closedWith: number | undefined;

  constructor(readonly url: string) {}

  send(data: string | Uint8Array): void {
    this.sent.push(data);
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  /** The control messages the page sent, parsed. */
  sentMessages(): Record<string, unknown>[] {
    return this.sent
      .filter((d) => typeof d === "string")
      .map((d) => JSON.parse(d) as Record<string, unknown>);
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }

  text(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  binary(bytes: Uint8Array): void {
    const copy = new Uint8Array(bytes);
    this.onmessage?.({ data: copy.buffer });
  }

  drop(code = 1006, reason = ""): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

/** Timers run only when the test says so. */
export class ManualTimers {
  private next = 1;
  private readonly pending = new Map<number, { fn: () => void; ms: number }>();
  now = 1_000_000;

  set = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  };

  clear = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** Delays of the timers waiting now. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }

  runAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.fn();
  }
}

/** A bridge client on fake sockets; `sockets` holds every one it opened. */
export function fakeClient(): {
  client: BridgeClient;
  sockets: FakeSocket[];
  timers: ManualTimers;
} {
  const sockets: FakeSocket[] = [];
  const timers = new ManualTimers();
  const client = new BridgeClient("ws://bridge.test/session", {
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    setTimer: timers.set,
    clearTimer: timers.clear,
    now: () => timers.now,
  });
  return { client, sockets, timers };
}

/** The decode worker in this process: messages are handled and answered when `drain` runs. */
export class InProcessWorker implements WorkerLike {
  onmessage: ((event: { readonly data: WorkerToUi }) => void) | null = null;
  private readonly inbox: UiToWorker[] = [];
  private readonly outbox: WorkerToUi[] = [];
  private readonly engine = new DecodeEngine((m) => this.outbox.push(m));

  postMessage(message: UiToWorker): void {
    this.inbox.push(message);
  }

  /**
   * Handles everything posted so far, checks the payloads waiting (as the worker
   * does between messages) and delivers the answers; returns how many messages moved.
   */
  drain(): number {
    let moved = 0;
    while (this.inbox.length > 0 || this.outbox.length > 0) {
      for (const m of this.inbox.splice(0)) {
        this.engine.handle(m);
        this.engine.flush();
        moved++;
      }
      while (this.engine.checkPayloads(1000));
      this.engine.flush();
      for (const m of this.outbox.splice(0)) {
        this.onmessage?.({ data: m });
        moved++;
      }
    }
    return moved;
  }
}

/** A scheduler whose callbacks run when the test calls `tick`. */
export class ManualSchedule {
  private readonly queue: (() => void)[] = [];
  schedule = (fn: () => void): void => {
    this.queue.push(fn);
  };
  tick(): void {
    for (const fn of this.queue.splice(0)) fn();
  }
}

/** The hello of a bridge with the demo tap and captures on. */
export const HELLO: ServerMessage = {
  type: "hello",
  version: BRIDGE_PROTOCOL_VERSION,
  limits: {
    maxPayload: 1 << 24,
    maxSessionConnections: 64,
    maxConnections: 512,
    idleTimeoutMs: 600_000,
    maxLinkQueue: 1 << 24,
    maxSessionQueue: 1 << 26,
  },
  taps: [{ name: "demo", listen: "127.0.0.1:7001", target: "127.0.0.1:9527" }],
  demo: "127.0.0.1:9527",
  allow: ["127.0.0.1:9527"],
  capture: "cap.fscap",
};
