import { connect } from "node:net";
import { gunzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCaptureFile } from "../../bridge/src/capture-files.js";
import { runDemoScript } from "../../bridge/src/kv/demo-script.js";
import { KvClient } from "../../bridge/src/kv/kv-client.js";
import { KV_GZIP_THRESHOLD, KvFrameReader, encodeKvFrame } from "../../bridge/src/kv/kv-framing.js";
import {
  decodeResponse,
  encodeRequest,
  loadKvSchema,
  type KvResponse,
} from "../../bridge/src/kv/kv-schema.js";
import { startKvServer, type KvServer } from "../../bridge/src/kv/kv-server.js";
import { createFramer } from "../../web/src/decode/framers.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";
import { startBridge, tempDir } from "./helpers.js";

const schema = loadKvSchema();
const hex = (h: string): Buffer => Buffer.from(h.replaceAll(" ", ""), "hex");

/** The same data with every Buffer as a plain Uint8Array, for deep equality. */
function plain(x: unknown): unknown {
  if (x instanceof Uint8Array) return Uint8Array.from(x);
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === "object" && x !== null)
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

describe("kv framing", () => {
  it("frames small payloads plainly and larger ones gzipped, with the top bit set", () => {
    expect(encodeKvFrame(hex("0a03")).toString("hex")).toBe("000000020a03");
    const exact = Buffer.alloc(KV_GZIP_THRESHOLD, 0x61);
    expect(encodeKvFrame(exact).readUInt32BE(0)).toBe(KV_GZIP_THRESHOLD);
    const big = Buffer.alloc(KV_GZIP_THRESHOLD + 1, 0x61);
    const framed = encodeKvFrame(big);
    const head = framed.readUInt32BE(0);
    expect(head >>> 31).toBe(1);
    expect(head & 0x7fffffff).toBe(framed.length - 4);
    expect(Buffer.from(gunzipSync(framed.subarray(4))).equals(big)).toBe(true);
  });

  const stream = Buffer.concat([
    encodeKvFrame(hex("0a0568656c6c6f")),
    encodeKvFrame(Buffer.alloc(3000, 0x62)),
    encodeKvFrame(hex("")),
  ]);
  const splits: { name: string; cuts: number[] }[] = [
    { name: "whole stream in one chunk", cuts: [] },
    { name: "head split after 2 bytes", cuts: [2] },
    { name: "payload split after 3 bytes", cuts: [7] },
    { name: "second head split after 1 byte", cuts: [12] },
    {
      name: "every byte its own chunk",
      cuts: Array.from({ length: stream.length - 1 }, (_, i) => i + 1),
    },
  ];
  for (const s of splits) {
    it(`reads the same payloads whatever the chunking: ${s.name}`, () => {
      const reader = new KvFrameReader();
      const out: string[] = [];
      let at = 0;
      for (const cut of [...s.cuts, stream.length]) {
        const r = reader.push(stream.subarray(at, cut));
        if (r instanceof Error) throw r;
        out.push(...r.map((p) => Buffer.from(p).toString("hex")));
        at = cut;
      }
      expect(out).toEqual(["0a0568656c6c6f", "62".repeat(3000), ""]);
    });
  }

  it("refuses a frame over the maximum and a flagged payload that is not gzip", () => {
    expect(new KvFrameReader().push(hex("7fffffff"))).toBeInstanceOf(Error);
    expect(
      new KvFrameReader().push(hex("80000014 00000000000000000000000000000000000000ff")),
    ).toBeInstanceOf(Error);
  });
});

describe("the demo kv server, against its schema", () => {
  let kv: KvServer;
  let client: KvClient;
  beforeAll(async () => {
    kv = await startKvServer({ port: 0, schema });
    client = await KvClient.connect(kv.address, schema);
  });
  afterAll(async () => {
    await client.close();
    await kv.close();
  });

  const steps: { name: string; req: Parameters<KvClient["request"]>[0]; res: KvResponse }[] = [
    {
      name: "hget of a missing key is 404",
      req: { hget: { table: "t", key: "k" } },
      res: { status: 404, message: "key k not found in table t" },
    },
    {
      name: "hset returns the previous (empty) value",
      req: { hset: { table: "t", pair: { key: "k", value: { string: "v1" } } } },
      res: { status: 200, values: [{}] },
    },
    {
      name: "hset again returns the previous value",
      req: { hset: { table: "t", pair: { key: "k", value: { integer: "-9007199254740993" } } } },
      res: { status: 200, values: [{ string: "v1" }] },
    },
    {
      name: "hget returns the int64 intact",
      req: { hget: { table: "t", key: "k" } },
      res: { status: 200, values: [{ integer: "-9007199254740993" }] },
    },
    {
      name: "hmset returns the previous values",
      req: {
        hmset: {
          table: "t",
          pairs: [
            { key: "b", value: { bool: true } },
            { key: "a", value: { float: 1.5 } },
            { key: "k", value: { binary: Uint8Array.of(1, 2) } },
          ],
        },
      },
      res: { status: 200, values: [{}, {}, { integer: "-9007199254740993" }] },
    },
    {
      name: "hgetall returns the pairs sorted by key",
      req: { hgetall: { table: "t" } },
      res: {
        status: 200,
        pairs: [
          { key: "a", value: { float: 1.5 } },
          { key: "b", value: { bool: true } },
          { key: "k", value: { binary: Uint8Array.of(1, 2) } },
        ],
      },
    },
    {
      name: "hmget gives an empty Value for a missing key",
      req: { hmget: { table: "t", keys: ["a", "zz"] } },
      res: { status: 200, values: [{ float: 1.5 }, {}] },
    },
    {
      name: "hexist",
      req: { hexist: { table: "t", key: "a" } },
      res: { status: 200, values: [{ bool: true }] },
    },
    {
      name: "hmexist",
      req: { hmexist: { table: "t", keys: ["a", "zz"] } },
      res: { status: 200, values: [{ bool: true }, { bool: false }] },
    },
    {
      name: "hdel returns the deleted value",
      req: { hdel: { table: "t", key: "a" } },
      res: { status: 200, values: [{ float: 1.5 }] },
    },
    {
      name: "hmdel returns the deleted values",
      req: { hmdel: { table: "t", keys: ["b", "a"] } },
      res: { status: 200, values: [{ bool: true }, {}] },
    },
    {
      name: "hexist after hdel",
      req: { hexist: { table: "t", key: "a" } },
      res: { status: 200, values: [{ bool: false }] },
    },
    {
      name: "an empty request is 400",
      req: {},
      res: { status: 400, message: "invalid command: no request set" },
    },
    {
      name: "unsubscribing an unknown id is 404",
      req: { unsubscribe: { topic: "x", id: 99 } },
      res: { status: 404, message: "no subscription 99 on topic x" },
    },
  ];
  for (const s of steps) {
    it(s.name, async () => {
      expect(plain(await client.request(s.req))).toEqual(s.res);
    });
  }

  it("undecodable bytes get status 400 and the connection goes on", async () => {
    const socket = connect({ host: "127.0.0.1", port: kv.port });
    const reader = new KvFrameReader();
    const payloads: Uint8Array[] = [];
    socket.on("data", (d: Buffer) => {
      const r = reader.push(d);
      if (!(r instanceof Error)) payloads.push(...r);
    });
    socket.write(encodeKvFrame(hex("0aff")));
    socket.write(encodeKvFrame(encodeRequest(schema, { hexist: { table: "t", key: "k" } })));
    await new Promise<void>((resolve) => {
      const check = (): void => (payloads.length >= 2 ? resolve() : void setTimeout(check, 5));
      check();
    });
    const [bad, good] = payloads.map((p) => decodeResponse(schema, p));
    expect(bad).toMatchObject({ status: 400 });
    expect(good).toEqual({ status: 200, values: [{ bool: true }] });
    socket.destroy();
  });

  it("subscribe answers an id, publish pushes to subscribers, unsubscribe stops them", async () => {
    const sub = await KvClient.connect(kv.address, schema);
    const s = await sub.request({ subscribe: { topic: "news" } });
    expect(s.status).toBe(200);
    const id = Number(s.values?.[0]?.integer);
    expect(id).toBeGreaterThan(0);
    expect(
      await client.request({
        publish: { topic: "news", data: [{ string: "hi" }, { integer: "7" }] },
      }),
    ).toEqual({ status: 200 });
    expect(await sub.next()).toEqual({ status: 200, values: [{ string: "hi" }, { integer: "7" }] });
    expect(await sub.request({ unsubscribe: { topic: "news", id } })).toEqual({ status: 200 });
    expect(
      await client.request({ publish: { topic: "news", data: [{ string: "unheard" }] } }),
    ).toEqual({ status: 200 });
    expect(await sub.request({ hexist: { table: "t", key: "k" } })).toEqual({
      status: 200,
      values: [{ bool: true }],
    });
    await sub.close();
  });

  it("a large value is gzipped on the wire both ways and comes back intact", async () => {
    const big = "framescope ".repeat(400);
    await client.request({ hset: { table: "docs", pair: { key: "big", value: { string: big } } } });
    expect((await client.request({ hget: { table: "docs", key: "big" } })).values).toEqual([
      { string: big },
    ]);
  });
});

describe("the scripted demo session through a tap", () => {
  it("runs every command, and the decode core frames the capture with length:mask=7fffffff,gzip=80000000", async () => {
    const kv = await startKvServer({ port: 0, schema });
    const bridge = await startBridge({
      captures: tempDir(),
      taps: [{ listen: "127.0.0.1:0", target: kv.address, name: "demo" }],
    });
    let responses: KvResponse[] = [];
    try {
      responses = await runDemoScript(bridge.taps[0]?.listen ?? "", schema, 3);
    } finally {
      await bridge.close();
      await kv.close();
    }
    expect(responses.map((r) => r.status)).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 404, 200, 200, 200,
    ]);
    expect(responses[9]).toEqual({ status: 200, values: [{ string: "run 3" }, { integer: "3" }] });
    const capture = await readCaptureFile(bridge.capturePath ?? "");
    if (!capture.ok) throw new Error(capture.text);
    const spec = parseFramingSpec("length:mask=7fffffff,gzip=80000000");
    if (!spec.ok) throw new Error(spec.error);
    let frames = 0;
    let gzipped = 0;
    for (const conn of new Set(capture.records.map((r) => r.conn))) {
      for (const dir of ["c2s", "s2c"] as const) {
        const chunks = capture.records.flatMap((r) =>
          r.kind === "chunk" && r.conn === conn && r.dir === dir ? [r.bytes] : [],
        );
        const stream = Buffer.concat(chunks);
        const framer = createFramer(spec.spec);
        const out = [framer.push(stream), framer.end()];
        expect(out.flatMap((o) => o.issues)).toEqual([]);
        const type = dir === "c2s" ? schema.request : schema.response;
        for (const f of out.flatMap((o) => o.frames)) {
          frames++;
          let payload: Uint8Array = stream.subarray(f.payloadStart, f.payloadEnd);
          if (f.info?.kind === "length" && f.info.gzip) {
            gzipped++;
            payload = gunzipSync(payload);
          }
          expect(() => type.decode(payload)).not.toThrow();
        }
      }
    }
    expect(frames).toBe(31);
    expect(gzipped).toBe(2);
  });
});
