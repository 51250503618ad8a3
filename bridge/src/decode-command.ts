import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { crc32 } from "node:zlib";
import type { Readable, Writable } from "node:stream";
import { messageToJson } from "../../web/src/decode/proto-json.js";
import {
  eventRecords,
  rawMessageJson,
  type Json,
  type RecordOrigin,
} from "../../web/src/decode/records.js";
import type { Framer } from "../../web/src/decode/framer.js";
import type { Issue } from "../../web/src/decode/issue.js";
import { createFramerPair, type FramerPair } from "../../web/src/decode/framers.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";
import {
  StreamDecoder,
  type DecodedFrame,
  type PayloadMode,
  type StreamEvent,
} from "../../web/src/decode/stream-decoder.js";
import type { Direction } from "../../web/src/session/bridge-protocol.js";
import {
  CAPTURE_MAGIC,
  readCapture,
  type CaptureRecord,
} from "../../web/src/session/capture-format.js";
import {
  findMessageType,
  listMessageTypes,
  loadSchemas,
} from "../../web/src/session/schema-load.js";

export const DECODE_USAGE = `usage: framescope decode --framing SPEC [--proto FILE ...] [--type NAME | --raw] [--fields]
                        [--direction c2s|s2c] [FILE|-]
       framescope decode --framing SPEC --proto FILE ... --type c2s=NAME --type s2c=NAME
                        [--raw] [--fields] [--direction c2s|s2c] CAPTURE

Cuts a byte stream into frames and prints one JSON object per frame and per
issue (JSON Lines), in stream order, each with its spans.

  --framing SPEC   how frames are delimited, e.g. length, length:size=2, grpc,
                   varint, delim:sep=0d0a, resp, http1 (see docs/framing.md)
  --proto FILE     a .proto schema (repeatable; imports resolve among them)
  --type NAME      the message type of every payload, e.g. abi.CommandRequest
  --type DIR=NAME  from a capture file, the message type of one direction's
                   payloads (once per direction), e.g. s2c=abi.CommandResponse
  --raw            decode payloads as protobuf without a schema (with types
                   per direction: the payloads of a direction given none)
  --fields         add each frame's field tree with spans
  --direction DIR  from a capture file, only c2s or s2c streams
  FILE             raw bytes or a capture file (.fscap) to read;
                   - or nothing reads standard input

From a capture file, every connection and direction is framed separately and
each line has "conn" and "dir".

Exit status: 0 decoded cleanly, 1 issues were printed, 2 usage error.`;

/** Standard streams of the command, so tests can run it in-process too. */
export interface CommandIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

class UsageError extends Error {}

/** Runs `framescope decode`; resolves to the exit status. */
export async function runDecodeCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let setup: Awaited<ReturnType<typeof prepare>>;
  try {
    setup = await prepare(argv, io);
    if (setup === undefined) return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`framescope decode: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const { input, fields, direction, streams } = setup;
  let issues = 0;
  const write = (events: StreamEvent[], origin?: RecordOrigin): void => {
    const lines: string[] = [];
    for (const ev of events) {
      const json = streams[origin?.dir ?? "c2s"].json;
      for (const rec of eventRecords(ev, json, origin ? { fields, origin } : { fields })) {
        if (rec["type"] === "issue") issues++;
        lines.push(JSON.stringify(rec));
      }
    }
    if (lines.length > 0) io.stdout.write(lines.join("\n") + "\n");
  };
  const chunks = input[Symbol.asyncIterator]();
  try {
    // Read until the magic can be told apart (8 bytes) or the input ends.
    const firsts: Uint8Array[] = [];
    let seen = 0;
    let done = false;
    while (seen < CAPTURE_MAGIC.length) {
      const r = await chunks.next();
      if (r.done) {
        done = true;
        break;
      }
      firsts.push(r.value as Uint8Array);
      seen += (r.value as Uint8Array).length;
    }
    const start = Buffer.concat(firsts);
    if (isCaptureStart(start)) {
      const all: Uint8Array[] = [start];
      for (let r = await chunks.next(); !r.done; r = await chunks.next())
        all.push(r.value as Uint8Array);
      const capture = readCapture(Buffer.concat(all), crc32);
      if (!capture.ok) {
        io.stderr.write(`framescope decode: not a readable capture: ${capture.text}\n`);
        return 2;
      }
      for (const b of capture.bad) {
        io.stderr.write(
          `framescope decode: the ${b.kind} record of connection ${b.conn} at offset ${b.offset} (${b.size} bytes) was skipped (${b.reason}): ${b.text}\n`,
        );
      }
      if (capture.tail) {
        const t = capture.tail;
        io.stderr.write(
          `framescope decode: the capture ends with ${t.size} unreadable bytes at offset ${t.offset} (${t.reason}); every record before them was read\n`,
        );
      }
      decodeCapture(capture.records, setup, direction, write);
      return issues > 0 ? 1 : 0;
    }
    if (direction !== undefined) {
      io.stderr.write(
        "framescope decode: --direction applies to capture files; this input is raw bytes\n",
      );
      return 2;
    }
    if (setup.perDirection) {
      io.stderr.write(
        "framescope decode: --type DIR=NAME applies to capture files; raw bytes have one stream: give --type NAME\n",
      );
      return 2;
    }
    const decoder = setup.newDecoder("c2s");
    for (const c of firsts) write(decoder.push(c));
    if (!done) {
      for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
        write(decoder.push(r.value as Uint8Array));
      }
    }
    write(decoder.end());
  } catch (err) {
    io.stderr.write(
      `framescope decode: cannot read input: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 2;
  }
  return issues > 0 ? 1 : 0;
}

/** True when the bytes begin with the capture file magic (a raw stream is anything else). */
function isCaptureStart(bytes: Uint8Array): boolean {
  return bytes.length >= CAPTURE_MAGIC.length && CAPTURE_MAGIC.every((b, k) => bytes[k] === b);
}

/**
 * Frames every connection and direction of a capture with its own decoder, in
 * record order, so lines of different streams interleave as the bytes arrived.
 */
function decodeCapture(
  records: readonly CaptureRecord[],
  make: {
    newDecoder: (dir: Direction, framer?: Framer) => StreamDecoder;
    newPair: () => FramerPair;
  },
  only: Direction | undefined,
  write: (events: StreamEvent[], origin: RecordOrigin) => void,
): void {
  const decoders = new Map<string, { decoder: StreamDecoder; origin: RecordOrigin }>();
  const pairs = new Map<number, FramerPair>();
  const streamOf = (conn: number, dir: Direction) => {
    const key = `${conn}/${dir}`;
    let d = decoders.get(key);
    if (d === undefined) {
      // Both directions of a connection share a framer pair (HTTP/1 responses learn request methods).
      let pair = pairs.get(conn);
      if (pair === undefined) {
        pair = make.newPair();
        pairs.set(conn, pair);
      }
      d = { decoder: make.newDecoder(dir, pair[dir]), origin: { conn, dir } };
      decoders.set(key, d);
    }
    return d;
  };
  // Both directions are always decoded (an HTTP/1 response needs its request's
  // method); --direction only chooses what is printed.
  const shown = (origin: RecordOrigin) => only === undefined || origin.dir === only;
  for (const r of records) {
    if (r.kind !== "chunk") continue;
    const d = streamOf(r.conn, r.dir);
    const events = d.decoder.push(r.bytes);
    if (shown(d.origin)) write(events, d.origin);
  }
  for (const d of decoders.values()) {
    const events = d.decoder.end();
    if (shown(d.origin)) write(events, d.origin);
  }
}

async function prepare(argv: readonly string[], io: CommandIo) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        framing: { type: "string" },
        proto: { type: "string", multiple: true },
        type: { type: "string", multiple: true },
        raw: { type: "boolean" },
        fields: { type: "boolean" },
        direction: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${DECODE_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(DECODE_USAGE + "\n");
    return undefined;
  }
  if (values.framing === undefined) throw new UsageError(`--framing is required\n${DECODE_USAGE}`);
  const spec = parseFramingSpec(values.framing);
  if (!spec.ok) throw new UsageError(`bad --framing: ${spec.error}`);
  if (positionals.length > 1) throw new UsageError(`one input at most, got ${positionals.length}`);
  const types = typesByDirection(values.type ?? []);
  const typed = types.c2s !== undefined || types.s2c !== undefined;
  if (values.raw && typed && !types.perDirection)
    throw new UsageError("--raw and --type NAME exclude each other");
  if (typed && (values.proto ?? []).length === 0) throw new UsageError("--type needs --proto FILE");

  // A direction with no type: schemaless with --raw, else framed only.
  const untyped: Stream = {
    mode: values.raw ? { kind: "raw" } : { kind: "none" },
    json: (frame) => (frame.message === undefined ? undefined : rawMessageJson(frame.message)),
  };
  const streams: Record<Direction, Stream> = { c2s: untyped, s2c: untyped };
  if ((values.proto ?? []).length > 0) {
    const files = [];
    for (const path of values.proto ?? []) {
      try {
        files.push({ name: path, text: await readFile(path, "utf8") });
      } catch (err) {
        throw new UsageError(
          `cannot read --proto ${path}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    const loaded = loadSchemas(files);
    if (!loaded.ok) {
      const e = loaded.error;
      const where = [e.file, e.line, e.column].filter((x) => x !== undefined).join(":");
      throw new UsageError(`${where}: ${e.text}`);
    }
    const known = () => listMessageTypes(loaded.root).join(", ");
    if (!typed && !values.raw)
      throw new UsageError(`--proto needs --type NAME (one of: ${known()})`);
    for (const dir of ["c2s", "s2c"] as const) {
      const name = types[dir];
      if (name === undefined) continue;
      const type = findMessageType(loaded.root, name);
      if (type === undefined) throw new UsageError(`unknown --type ${name} (known: ${known()})`);
      streams[dir] = {
        mode: { kind: "schema", type },
        json: (frame, issues) =>
          frame.message === undefined ? undefined : messageToJson(frame.message, type, issues),
      };
    }
  }
  const file = positionals[0];
  let input: Readable;
  if (file === undefined || file === "-") input = io.stdin;
  else {
    input = createReadStream(file, { highWaterMark: 64 * 1024 });
    await new Promise<void>((resolve, reject) => {
      input.once("readable", resolve);
      input.once("error", (err) => reject(new UsageError(`cannot read ${file}: ${err.message}`)));
    });
  }
  const direction = values.direction;
  if (direction !== undefined && direction !== "c2s" && direction !== "s2c") {
    throw new UsageError(`--direction takes c2s or s2c, not ${direction}`);
  }
  return {
    newDecoder: (dir: Direction, framer?: Framer) =>
      new StreamDecoder(spec.spec, streams[dir].mode, framer),
    newPair: () => createFramerPair(spec.spec),
    input,
    streams,
    perDirection: types.perDirection,
    fields: values.fields === true,
    direction: direction as Direction | undefined,
  };
}

/** How one direction's payloads are decoded, and its frames' messages made JSON. */
interface Stream {
  readonly mode: PayloadMode;
  /** A frame's message as JSON; issues of values with no JSON form go to `issues`. */
  readonly json: (frame: DecodedFrame, issues: Issue[]) => Json | undefined;
}

/**
 * The --type values: one NAME for every payload, or DIR=NAME once per direction
 * (a direction may go without). Anything else is a usage error.
 */
function typesByDirection(values: readonly string[]): {
  readonly c2s: string | undefined;
  readonly s2c: string | undefined;
  readonly perDirection: boolean;
} {
  const out: { c2s: string | undefined; s2c: string | undefined } = {
    c2s: undefined,
    s2c: undefined,
  };
  // A message type's name never holds "=": a value with one names a direction.
  const wrong = values.find((v) => v.includes("=") && !/^(c2s|s2c)=/.test(v));
  if (wrong !== undefined)
    throw new UsageError(`--type ${wrong}: the direction before "=" is c2s or s2c`);
  const every = values.filter((v) => !/^(c2s|s2c)=/.test(v));
  const each = values.filter((v) => /^(c2s|s2c)=/.test(v));
  if (every.length > 0 && each.length > 0)
    throw new UsageError("give --type NAME for every payload, or --type DIR=NAME per direction");
  if (every.length > 1) throw new UsageError(`--type NAME once, got ${every.join(", ")}`);
  if (every[0] !== undefined) return { c2s: every[0], s2c: every[0], perDirection: false };
  for (const v of each) {
    const dir = v.slice(0, 3) as Direction;
    const name = v.slice(4);
    if (name === "") throw new UsageError(`--type ${v} names no type`);
    if (out[dir] !== undefined) throw new UsageError(`--type ${dir}=NAME twice`);
    out[dir] = name;
  }
  return { ...out, perDirection: each.length > 0 };
}
