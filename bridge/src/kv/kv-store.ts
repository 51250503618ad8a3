import type { KvPair, KvRequest, KvResponse, KvValue } from "./kv-schema.js";

/** Receives the messages published to one subscription. */
export type KvPush = (response: KvResponse) => void;

/** A subscription made by `subscribe`: its topic and id. */
export interface KvSubscription {
  readonly topic: string;
  readonly id: number;
}

const OK = 200;
const EMPTY: KvValue = {};

/**
 * The kv server's in-memory store: tables of key -> Value, and topics with
 * subscribers. `execute` runs one CommandRequest and returns its
 * CommandResponse, as the lecture's kv server answers it: missing keys give
 * 404 for hget and an empty Value in the multi-key commands; hset, hdel and
 * their multi forms return the previous values.
 */
export class KvStore {
  private readonly tables = new Map<string, Map<string, KvValue>>();
  private readonly topics = new Map<string, Map<number, KvPush>>();
  private nextSubscription = 1;

  /** Runs one request. For `subscribe`, `push` will receive every later publish on the topic. */
  execute(req: KvRequest, push: KvPush): { response: KvResponse; subscription?: KvSubscription } {
    if (req.hget) {
      const { table = "", key = "" } = req.hget;
      const v = this.table(table).get(key);
      return v === undefined
        ? notFound(`key ${key} not found in table ${table}`)
        : ok({ values: [v] });
    }
    if (req.hgetall) {
      const pairs = [...this.table(req.hgetall.table ?? "").entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]): KvPair => ({ key, value }));
      return ok({ pairs });
    }
    if (req.hmget) {
      const t = this.table(req.hmget.table ?? "");
      return ok({ values: (req.hmget.keys ?? []).map((k) => t.get(k) ?? EMPTY) });
    }
    if (req.hset) {
      const { table = "", pair } = req.hset;
      return ok({ values: [this.set(table, pair ?? { key: "" })] });
    }
    if (req.hmset) {
      const { table = "", pairs = [] } = req.hmset;
      return ok({ values: pairs.map((p) => this.set(table, p)) });
    }
    if (req.hdel) {
      return ok({ values: [this.del(req.hdel.table ?? "", req.hdel.key ?? "")] });
    }
    if (req.hmdel) {
      const { table = "", keys = [] } = req.hmdel;
      return ok({ values: keys.map((k) => this.del(table, k)) });
    }
    if (req.hexist) {
      return ok({
        values: [{ bool: this.table(req.hexist.table ?? "").has(req.hexist.key ?? "") }],
      });
    }
    if (req.hmexist) {
      const t = this.table(req.hmexist.table ?? "");
      return ok({ values: (req.hmexist.keys ?? []).map((k) => ({ bool: t.has(k) })) });
    }
    if (req.subscribe) {
      const topic = req.subscribe.topic ?? "";
      const id = this.nextSubscription++;
      this.subscribers(topic).set(id, push);
      return { ...ok({ values: [{ integer: String(id) }] }), subscription: { topic, id } };
    }
    if (req.unsubscribe) {
      const { topic = "", id = 0 } = req.unsubscribe;
      return this.unsubscribe({ topic, id })
        ? ok({})
        : notFound(`no subscription ${id} on topic ${topic}`);
    }
    if (req.publish) {
      const { topic = "", data = [] } = req.publish;
      for (const deliver of this.subscribers(topic).values()) deliver({ status: OK, values: data });
      return ok({});
    }
    return { response: { status: 400, message: "invalid command: no request set" } };
  }

  /** Drops a subscription; false when it did not exist. */
  unsubscribe(sub: KvSubscription): boolean {
    const subs = this.topics.get(sub.topic);
    const removed = subs?.delete(sub.id) ?? false;
    if (subs?.size === 0) this.topics.delete(sub.topic);
    return removed;
  }

  private set(table: string, pair: KvPair): KvValue {
    const t = this.table(table, true);
    const old = t.get(pair.key) ?? EMPTY;
    t.set(pair.key, pair.value ?? EMPTY);
    return old;
  }

  private del(table: string, key: string): KvValue {
    const t = this.table(table);
    const old = t.get(key) ?? EMPTY;
    t.delete(key);
    return old;
  }

  private table(name: string, create = false): Map<string, KvValue> {
    let t = this.tables.get(name);
    if (t === undefined) {
      t = new Map();
      if (create) this.tables.set(name, t);
    }
    return t;
  }

  private subscribers(topic: string): Map<number, KvPush> {
    let s = this.topics.get(topic);
    if (s === undefined) {
      s = new Map();
      this.topics.set(topic, s);
    }
    return s;
  }
}

function ok(fields: Omit<KvResponse, "status">): { response: KvResponse } {
  return { response: { status: OK, ...fields } };
}

function notFound(message: string): { response: KvResponse } {
  return { response: { status: 404, message } };
}
