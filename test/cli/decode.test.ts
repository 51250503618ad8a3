import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { gzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { encodeCaptureHead, encodeChunkRecord } from "../../web/src/session/capture-format.js";

/** The built command, run as a user would (npm test builds it first). */
const CLI = fileURLToPath(new URL("../../dist/bridge/src/cli.js", import.meta.url));
const KV_PROTO = fileURLToPath(new URL("../../proto/kv.proto", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "framescope-cli-"));

function run(
  args: string[],
  input?: Uint8Array,
): { code: number | null; lines: Record<string, unknown>[]; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: "buffer" });
  const out = r.stdout.toString("utf8").trim();
  return {
    code: r.status,
    lines: out === "" ? [] : out.split("\n").map((l) => JSON.parse(l) as Record<string, unknown>),
    stderr: r.stderr.toString("utf8"),
  };
}

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

describe("framescope decode", () => {
  it("prints one JSON line per frame with spans and payloadHex, exit 0", () => {
    const r = run([
      "decode",
      "--framing",
      "length:size=2",
      file("two.bin", hex("000b68656c6c6f20776f726c64" + "0001" + "21")),
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      {
        type: "frame",
        index: 0,
        span: [0, 13],
        head: [0, 2],
        payload: [2, 13],
        chunks: [0, 1],
        payloadHex: "68656c6c6f20776f726c64",
      },
      {
        type: "frame",
        index: 1,
        span: [13, 16],
        head: [13, 15],
        payload: [15, 16],
        chunks: [0, 1],
        payloadHex: "21",
      },
    ]);
  });

  it("reads standard input and reports a fatal issue in stream order, exit 1", () => {
    const r = run(["decode", "--framing", "length", "-"], hex("0000000161" + "ffffffff"));
    expect(r.code).toBe(1);
    expect(r.lines.map((l) => l["type"])).toEqual(["frame", "issue"]);
    expect(r.lines[1]).toMatchObject({
      type: "issue",
      code: "FRAME_TOO_LARGE",
      fatal: true,
      span: [5, 9],
    });
    expect(r.lines[1]?.["text"]).toContain("4294967295");
  });

  it("decodes kv-server frames with --proto and --type as canonical JSON, gzip flag included", () => {
    const root = protobuf.loadSync(KV_PROTO);
    const Req = root.lookupType("abi.CommandRequest");
    const small = Req.encode(Req.fromObject({ hget: { table: "t1", key: "hello" } })).finish();
    const big = Req.encode(
      Req.fromObject({
        hset: { table: "t1", pair: { key: "k", value: { string: "x".repeat(2000) } } },
      }),
    ).finish();
    const gz = gzipSync(big);
    const head = (n: number, flag: number) =>
      Uint8Array.of(((n >>> 24) & 0x7f) | flag, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
    const stream = Buffer.concat([head(small.length, 0), small, head(gz.length, 0x80), gz]);
    const r = run([
      "decode",
      "--framing",
      "length:mask=7fffffff,gzip=80000000",
      "--proto",
      KV_PROTO,
      "--type",
      "abi.CommandRequest",
      file("kv.bin", stream),
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatchObject({
      type: "frame",
      message: { hget: { table: "t1", key: "hello" } },
    });
    expect(r.lines[1]).toMatchObject({
      type: "frame",
      info: { kind: "length", gzip: true },
      source: { kind: "gzip", size: big.length },
      message: { hset: { table: "t1", pair: { key: "k", value: { string: "x".repeat(2000) } } } },
    });
  });

  it("adds the field tree with spans with --fields, and decodes without a schema with --raw", () => {
    const input = file("hello.bin", hex("07" + "0a05776f726c64"));
    const r = run(["decode", "--framing", "varint", "--raw", "--fields", input]);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatchObject({
      type: "frame",
      payload: [1, 8],
      message: { "1": "world" },
      fields: [
        { number: 1, wireType: 2, tag: [1, 2], length: [2, 3], value: [3, 8], span: [1, 8] },
      ],
    });
  });

  it("keeps a frame whose payload does not decode and adds an issue line for it", () => {
    const r = run([
      "decode",
      "--framing",
      "length:size=1",
      "--raw",
      file("bad.bin", hex("02" + "0a05")),
    ]);
    expect(r.code).toBe(1);
    expect(r.lines.map((l) => l["type"])).toEqual(["frame", "issue"]);
    expect(r.lines[1]).toMatchObject({ type: "issue", frame: 0, code: "LENGTH_PAST_END" });
  });

  it("reads a capture file: each connection and direction framed separately, with conn and dir", () => {
    // Connection 1 sends "hi" split over two reads; the server answers "ok"; connection 2 sends "x".
    const capture = Buffer.concat([
      encodeCaptureHead(1_700_000_000_000_000),
      encodeChunkRecord(1, "c2s", 1, hex("000268")),
      encodeChunkRecord(2, "c2s", 2, hex("000178")),
      encodeChunkRecord(1, "s2c", 3, hex("00026f6b")),
      encodeChunkRecord(1, "c2s", 4, hex("69")),
    ]);
    const path = file("two-conns.fscap", capture);
    const r = run(["decode", "--framing", "length:size=2", path]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => [l["conn"], l["dir"], l["payloadHex"], l["chunks"]])).toEqual([
      [2, "c2s", "78", [0, 1]],
      [1, "s2c", "6f6b", [0, 1]],
      [1, "c2s", "6869", [0, 2]],
    ]);
    const c2s = run(["decode", "--framing", "length:size=2", "--direction", "c2s", path]);
    expect(c2s.lines.map((l) => l["dir"])).toEqual(["c2s", "c2s"]);
  });

  it("decodes each direction of a capture with its own type: --type c2s=NAME --type s2c=NAME", () => {
    const root = protobuf.loadSync(KV_PROTO);
    const frame = (name: string, obj: Record<string, unknown>) => {
      const T = root.lookupType(name);
      const body = T.encode(T.fromObject(obj)).finish();
      return Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);
    };
    const path = file(
      "kv.fscap",
      Buffer.concat([
        encodeCaptureHead(1_700_000_000_000_000),
        encodeChunkRecord(
          1,
          "c2s",
          1,
          frame("abi.CommandRequest", { hget: { table: "t", key: "k" } }),
        ),
        encodeChunkRecord(
          1,
          "s2c",
          2,
          frame("abi.CommandResponse", { status: 404, message: "no" }),
        ),
      ]),
    );
    const both = ["--type", "c2s=abi.CommandRequest", "--type", "s2c=abi.CommandResponse"];
    const r = run(["decode", "--framing", "length", "--proto", KV_PROTO, ...both, path]);
    expect(r.stderr).toBe("");
    expect(r.lines.map((l) => [l["dir"], l["message"]])).toEqual([
      ["c2s", { hget: { table: "t", key: "k" } }],
      ["s2c", { status: 404, message: "no" }],
    ]);
    // One direction typed: the other is framed only, or decoded without a schema with --raw.
    const one = [
      "decode",
      "--framing",
      "length",
      "--proto",
      KV_PROTO,
      "--type",
      "s2c=abi.CommandResponse",
    ];
    expect(run([...one, path]).lines.map((l) => [l["dir"], l["message"]])).toEqual([
      ["c2s", undefined],
      ["s2c", { status: 404, message: "no" }],
    ]);
    expect(run([...one, "--raw", path]).lines.map((l) => [l["dir"], l["message"]])).toEqual([
      ["c2s", { "1": { "1": "t", "2": "k" } }],
      ["s2c", { status: 404, message: "no" }],
    ]);
    // Raw bytes are one stream: a type per direction means nothing there.
    const raw = run(
      ["decode", "--framing", "length", "--proto", KV_PROTO, ...both, "-"],
      frame("abi.CommandRequest", {}),
    );
    expect([raw.code, raw.stderr]).toEqual([2, expect.stringContaining("give --type NAME")]);
  });

  it("--direction s2c still decodes requests: HTTP/1 responses to HEAD have no body", () => {
    const ascii = (t: string) => Buffer.from(t, "latin1");
    const capture = Buffer.concat([
      encodeCaptureHead(1),
      encodeChunkRecord(1, "c2s", 1, ascii("HEAD / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n")),
      encodeChunkRecord(
        1,
        "s2c",
        2,
        ascii(
          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
        ),
      ),
    ]);
    const r = run([
      "decode",
      "--framing",
      "http1",
      "--direction",
      "s2c",
      file("head.fscap", capture),
    ]);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => [l["dir"], l["payloadHex"]])).toEqual([
      ["s2c", ""],
      ["s2c", "6869"],
    ]);
  });

  it("marks issues found in a gunzipped payload: their spans count in the decompressed bytes", () => {
    const gz = gzipSync(hex("0896"));
    const head = Uint8Array.of(
      0x80 | ((gz.length >>> 24) & 0x7f),
      (gz.length >>> 16) & 0xff,
      (gz.length >>> 8) & 0xff,
      gz.length & 0xff,
    );
    const r = run([
      "decode",
      "--framing",
      "length:mask=7fffffff,gzip=80000000",
      "--raw",
      file("gz-bad.bin", Buffer.concat([head, gz])),
    ]);
    expect(r.code).toBe(1);
    expect(r.lines[1]).toMatchObject({
      type: "issue",
      frame: 0,
      decompressed: true,
      code: "TRUNCATED_VARINT",
      span: [0, 2],
    });
  });

  it("tells a capture from raw bytes even when standard input delivers its magic in pieces", async () => {
    const capture = Buffer.concat([
      encodeCaptureHead(1),
      encodeChunkRecord(1, "c2s", 1, hex("000161")),
    ]);
    const child = spawn(process.execPath, [CLI, "decode", "--framing", "length:size=2", "-"]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stdin.write(capture.subarray(0, 3));
    await new Promise((r) => setTimeout(r, 300));
    child.stdin.end(capture.subarray(3));
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code).toBe(0);
    expect(
      out
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { payloadHex: string }).payloadHex),
    ).toEqual(["61"]);
  });

  it("reads a capture with a torn tail: every whole record is used, the tail is named on stderr", () => {
    const whole = Buffer.concat([
      encodeCaptureHead(1),
      encodeChunkRecord(1, "c2s", 1, hex("000161")),
    ]);
    const torn = encodeChunkRecord(1, "c2s", 2, hex("000162"));
    const r = run([
      "decode",
      "--framing",
      "length:size=2",
      file("torn.fscap", Buffer.concat([whole, torn.subarray(0, 10)])),
    ]);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => l["payloadHex"])).toEqual(["61"]);
    expect(r.stderr).toContain("incomplete");
  });

  it.each([
    [
      ["decode", "--framing", "length", "--direction", "c2s", "-"],
      "--direction applies to capture files",
    ],
    [["decode", "--framing", "length", "--direction", "up", "-"], "--direction takes c2s or s2c"],
    [["decode"], "--framing is required"],
    [["decode", "--framing", "length:size=9", "-"], "size=9"],
    [["decode", "--framing", "wat", "-"], 'unknown framing "wat"'],
    [["decode", "--framing", "length:bogus=1", "-"], 'unknown key "bogus"'],
    [["decode", "--framing", "delim:sep=zz", "-"], "sep"],
    [["decode", "--framing", "length", "/nonexistent/file.bin"], "cannot read"],
    [
      ["decode", "--framing", "length", "--proto", "/nonexistent.proto", "--type", "X"],
      "cannot read --proto",
    ],
    [
      ["decode", "--framing", "length", "--proto", KV_PROTO, "--type", "X", "--type", "s2c=Y"],
      "or --type DIR=NAME per direction",
    ],
    [
      ["decode", "--framing", "length", "--proto", KV_PROTO, "--type", "c2s=X", "--type", "c2s=Y"],
      "--type c2s=NAME twice",
    ],
    [["decode", "--framing", "length", "--proto", KV_PROTO, "--type", "s2c="], "names no type"],
    [
      ["decode", "--framing", "length", "--proto", KV_PROTO, "--type", "x2y=abi.CommandRequest"],
      'the direction before "=" is c2s or s2c',
    ],
    [["decode", "--framing", "length", "--type", "s2c=X"], "--type needs --proto FILE"],
    [["decode", "--framing", "length", "--proto", KV_PROTO, "--type", "X", "--raw"], "exclude"],
  ])("usage error %j exits 2 with the reason on stderr", (args, reason) => {
    const r = run(args, new Uint8Array(0));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(reason);
    expect(r.lines).toEqual([]);
  });

  it("names the known types when --type is unknown", () => {
    const r = run(
      ["decode", "--framing", "length", "--proto", KV_PROTO, "--type", "abi.Nope", "-"],
      new Uint8Array(0),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("abi.CommandRequest");
  });

  it("shows a .proto parse error with file and line", () => {
    const bad = join(dir, "bad.proto");
    writeFileSync(bad, 'syntax = "proto3";\nmessage A {\n  int32 x = ;\n}\n');
    const r = run(
      ["decode", "--framing", "length", "--proto", bad, "--type", "A", "-"],
      new Uint8Array(0),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.proto:3(:\d+)?: illegal/);
  });
});
