import type { Pipe, PipeOpener } from "./bridge-client.js";
import { targetHead } from "./bridge-target.js";

/** Bytes per bulk write or message: 64 KiB. */
const BULK = 64 * 1024;
/** The sink acknowledges every 1 MiB with one byte. */
const ACK_EVERY = 1024 * 1024;
/** Bulk bytes moved before the clock starts (connection set-up and JIT warm-up): 8 MiB. */
const WARM_BYTES = 8 * 1024 * 1024;
/** Upper bounds on one bulk run: 4 GiB each way. */
const MAX_BULK = 4 * 1024 ** 3;
/** Size of a small message. */
export const SMALL = 100;
/** Small messages exchanged before the clock starts. */
const WARM_MESSAGES = 1000;
/** Upper bound on small messages in one run, and on round-trip samples kept. */
const MAX_MESSAGES = 5_000_000;
const MAX_SAMPLES = 200_000;
/** Any wait for the other side gives up after this long: 10 s. */
const STALL_MS = 10_000;

/** Upload (client -> target) in MB/s: 64 KiB sends into the sink for `ms` after the warm-up, timed by its acknowledgements. */
export async function upload(open: PipeOpener, ms: number): Promise<number> {
  const pipe = await open();
  let acked = 0;
  let t0 = 0;
  let a0 = 0;
  let tLast = 0;
  pipe.onBytes = (n) => {
    acked += n * ACK_EVERY;
    tLast = performance.now();
    if (t0 === 0 && acked >= WARM_BYTES) [t0, a0] = [tLast, acked];
  };
  pipe.send(pipe.wrap(targetHead("sink", ACK_EVERY)), false);
  const wire = pipe.wrap(Buffer.alloc(BULK, 0xa5));
  const start = performance.now();
  let sent = 0;
  for (;;) {
    const now = performance.now();
    if (pipe.failure !== undefined || sent >= MAX_BULK) break;
    if (t0 === 0 ? now - start > STALL_MS : now - t0 >= ms) break;
    if (pipe.full) {
      if (!(await writableWithin(pipe, STALL_MS))) break;
    } else {
      pipe.send(wire, true);
      sent += BULK;
    }
  }
  await until(pipe, () => acked >= sent - (sent % ACK_EVERY));
  pipe.close();
  return t0 === 0 || tLast <= t0 ? NaN : (acked - a0) / 1e6 / ((tLast - t0) / 1000);
}

/** Download (target -> client) in MB/s: the source writes 64 KiB at a time; bytes received over `ms` after the warm-up. */
export async function download(open: PipeOpener, ms: number): Promise<number> {
  const pipe = await open();
  let got = 0;
  let t0 = 0;
  let g0 = 0;
  let tEnd = 0;
  let gEnd = 0;
  pipe.onBytes = (n) => {
    got += n;
    if (tEnd !== 0) return;
    const t = performance.now();
    if (t0 === 0) {
      if (got >= WARM_BYTES) [t0, g0] = [t, got];
    } else if (t - t0 >= ms || got >= MAX_BULK) {
      [tEnd, gEnd] = [t, got];
    }
  };
  pipe.send(pipe.wrap(targetHead("source", BULK, MAX_BULK)), false);
  await until(pipe, () => tEnd !== 0);
  pipe.close();
  return tEnd === 0 ? NaN : (gEnd - g0) / 1e6 / ((tEnd - t0) / 1000);
}

/** Small-message figures: completed round trips per second, and round-trip percentiles in µs. */
export interface MessageFigures {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * 100-byte messages through the echo, each its own send, `window` of them in
 * flight (a new one goes out as each comes back), for `ms` after the warm-up.
 */
export async function messages(
  open: PipeOpener,
  ms: number,
  window: number,
): Promise<MessageFigures> {
  const pipe = await open();
  const wire = pipe.wrap(Buffer.alloc(SMALL, 0x61));
  const sentAt = new Float64Array(window);
  const samples = new Float64Array(MAX_SAMPLES);
  let kept = 0;
  let got = 0;
  let done = 0;
  let sent = 0;
  let t0 = 0;
  let d0 = 0;
  let tEnd = 0;
  let dEnd = 0;
  const topUp = (): void =>
    pipe.batch(() => {
      while (sent < done + window) {
        sentAt[sent % window] = performance.now();
        pipe.send(wire, false);
        sent++;
      }
    });
  pipe.onBytes = (n) => {
    got += n;
    const now = performance.now();
    while (done < Math.floor(got / SMALL)) {
      if (t0 !== 0 && kept < MAX_SAMPLES) samples[kept++] = now - (sentAt[done % window] ?? now);
      done++;
    }
    if (tEnd !== 0) return;
    if (t0 === 0) {
      if (done >= WARM_MESSAGES) [t0, d0] = [now, done];
    } else if (now - t0 >= ms || done >= MAX_MESSAGES) {
      [tEnd, dEnd] = [now, done];
      return;
    }
    topUp();
  };
  pipe.send(pipe.wrap(targetHead("echo")), false);
  topUp();
  await until(pipe, () => tEnd !== 0 && done >= sent);
  pipe.close();
  const sorted = samples.subarray(0, kept).sort();
  const at = (q: number): number =>
    (sorted[Math.min(kept - 1, Math.floor(q * kept))] ?? NaN) * 1000;
  return {
    perSecond: tEnd === 0 ? NaN : (dEnd - d0) / ((tEnd - t0) / 1000),
    p50: at(0.5),
    p99: at(0.99),
  };
}

/** Resolves true once the pipe takes more sends, false when it did not within `ms`. */
async function writableWithin(pipe: Pipe, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const ok = await Promise.race([pipe.whenWritable().then(() => true), stalled]);
  clearTimeout(timer);
  return ok && pipe.failure === undefined;
}

/** Resolves when `done()` holds, the pipe broke, or STALL_MS passed. */
function until(pipe: Pipe, done: () => boolean): Promise<void> {
  const start = performance.now();
  return new Promise((resolve) => {
    const check = (): void => {
      if (done() || pipe.failure !== undefined || performance.now() - start > STALL_MS) resolve();
      else setTimeout(check, 2);
    };
    check();
  });
}
