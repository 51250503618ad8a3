import protobuf from "protobufjs";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { walkRaw } from "../web/src/decode/raw-walk.js";
import { walkMessage } from "../web/src/decode/schema-walk.js";
import { loadSchemas } from "../web/src/session/schema-load.js";
import { rates, si, type Row } from "./measure.js";

/** A corpus of kv-server messages: requests of every kind and responses small and large. */
function kvCorpus(root: protobuf.Root): { type: protobuf.Type; bytes: Uint8Array }[] {
  const Req = root.lookupType("abi.CommandRequest");
  const Res = root.lookupType("abi.CommandResponse");
  const value = (k: number) =>
    k % 3 === 0
      ? { string: `value-${k}` }
      : k % 3 === 1
        ? { integer: k * 1000003 }
        : { float: k / 7 };
  const reqs = [
    { hget: { table: "users", key: "alice" } },
    { hgetall: { table: "users" } },
    { hmget: { table: "users", keys: ["alice", "bob", "carol"] } },
    { hset: { table: "users", pair: { key: "alice", value: { string: "admin" } } } },
    {
      hmset: {
        table: "scores",
        pairs: Array.from({ length: 8 }, (_, k) => ({ key: `p${k}`, value: value(k) })),
      },
    },
    { publish: { topic: "news", data: [value(1), value(2)] } },
  ];
  const ress = [
    { status: 200, values: [value(0)] },
    { status: 200, values: Array.from({ length: 20 }, (_, k) => value(k)) },
    {
      status: 200,
      pairs: Array.from({ length: 20 }, (_, k) => ({ key: `key-${k}`, value: value(k) })),
    },
    { status: 404, message: "not found" },
  ];
  return [
    ...reqs.map((o) => ({ type: Req, bytes: Req.encode(Req.fromObject(o)).finish() })),
    ...ress.map((o) => ({ type: Res, bytes: Res.encode(Res.fromObject(o)).finish() })),
  ];
}

export async function benchProtobuf(): Promise<Row[]> {
  const path = fileURLToPath(new URL("../../proto/kv.proto", import.meta.url));
  const loaded = loadSchemas([{ name: "kv.proto", text: readFileSync(path, "utf8") }]);
  if (!loaded.ok) throw new Error(loaded.error.text);
  const corpus = kvCorpus(loaded.root);
  // Plain Uint8Arrays, as the page has them (protobufjs returns Buffers under Node).
  const items = corpus.map((c) => ({ type: c.type, bytes: Uint8Array.from(c.bytes) }));
  const bytes = items.reduce((n, c) => n + c.bytes.length, 0);
  const pass = (fn: (c: (typeof items)[number]) => unknown) => () => {
    for (const c of items) fn(c);
    return items.length;
  };
  const [pbjs = 0, schema = 0, raw = 0] = rates([
    pass((c) => c.type.decode(c.bytes)),
    pass((c) => walkMessage(c.type, c.bytes, 0)),
    pass((c) => walkRaw(c.bytes, 0)),
  ]);
  const row = (name: string, perSec: number, target: string): Row => ({
    name,
    figures: {
      "messages/s": si(perSec),
      "MB/s": ((perSec * bytes) / items.length / 1e6).toFixed(1),
      "vs protobufjs": (perSec / pbjs).toFixed(2) + "x",
      target,
    },
  });
  return [
    row(`protobufjs Type.decode (${items.length} messages, ${bytes} B)`, pbjs, ""),
    row("framescope schema walk, full spans", schema, ">= 1.0x"),
    row("framescope schemaless walk", raw, ">= 2.0x"),
  ];
}
