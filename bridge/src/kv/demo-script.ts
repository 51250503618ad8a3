import { KvClient } from "./kv-client.js";
import type { KvResponse, KvSchema, KvValue } from "./kv-schema.js";

/** Default pause between two runs of the scripted session, in milliseconds. */
export const DEMO_INTERVAL_MS = 5000;

/** A value large enough to be gzipped on the wire (about 6 KiB of text, compressible). */
export function largeDemoValue(run: number): KvValue {
  const line = (i: number): string =>
    `line ${i} of run ${run}: the quick brown fox jumps over the lazy dog\n`;
  return { string: Array.from({ length: 90 }, (_, i) => line(i)).join("") };
}

/**
 * One short scripted kv session, as a user would run it: a subscriber on topic
 * "news", then hset/hmset/hget/hgetall/hmget/hexist/hmexist/hdel/hmdel, a
 * publish the subscriber receives, a large (gzipped) value written and read
 * back, a missing key (404), and an unsubscribe. Returns every response.
 */
export async function runDemoScript(
  address: string,
  schema: KvSchema,
  run = 1,
): Promise<KvResponse[]> {
  const subscriber = await KvClient.connect(address, schema);
  const client = await KvClient.connect(address, schema);
  const out: KvResponse[] = [];
  const ask = async (c: KvClient, req: Parameters<KvClient["request"]>[0]): Promise<KvResponse> => {
    const r = await c.request(req);
    out.push(r);
    return r;
  };
  try {
    const sub = await ask(subscriber, { subscribe: { topic: "news" } });
    const id = Number(sub.values?.[0]?.integer ?? 0);
    await ask(client, {
      hset: { table: "users", pair: { key: "alice", value: { string: "Alice Liddell" } } },
    });
    await ask(client, {
      hmset: {
        table: "users",
        pairs: [
          { key: "age", value: { integer: String(20 + run) } },
          { key: "score", value: { float: 97.5 } },
          { key: "admin", value: { bool: run % 2 === 0 } },
          {
            key: "avatar",
            value: { binary: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) },
          },
        ],
      },
    });
    await ask(client, { hget: { table: "users", key: "alice" } });
    await ask(client, { hgetall: { table: "users" } });
    await ask(client, { hmget: { table: "users", keys: ["age", "score", "nobody"] } });
    await ask(client, { hexist: { table: "users", key: "alice" } });
    await ask(client, { hmexist: { table: "users", keys: ["alice", "bob"] } });
    await ask(client, {
      publish: { topic: "news", data: [{ string: `run ${run}` }, { integer: String(run) }] },
    });
    out.push(await subscriber.next());
    await ask(client, {
      hset: { table: "docs", pair: { key: "readme", value: largeDemoValue(run) } },
    });
    await ask(client, { hget: { table: "docs", key: "readme" } });
    await ask(client, { hget: { table: "users", key: "nobody" } });
    await ask(client, { hdel: { table: "users", key: "avatar" } });
    await ask(client, { hmdel: { table: "users", keys: ["score", "admin"] } });
    await ask(subscriber, { unsubscribe: { topic: "news", id } });
  } finally {
    await Promise.all([client.close(), subscriber.close()]);
  }
  return out;
}

/** Runs the script now and then every `intervalMs`, until stopped; failures are reported, never thrown. */
export function startDemoTraffic(
  address: string,
  schema: KvSchema,
  log: (line: string) => void,
  intervalMs = DEMO_INTERVAL_MS,
): { stop(): Promise<void> } {
  let run = 0;
  let current: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = (): void => {
    current = runDemoScript(address, schema, ++run).catch((err: unknown) =>
      log(`framescope: demo client: ${err instanceof Error ? err.message : String(err)}`),
    );
    void current.then(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  tick();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
