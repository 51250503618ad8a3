import { describe, expect, it } from "vitest";
import { createFramer } from "../../web/src/decode/framers.js";
import { formatFramingSpec, parseFramingSpec } from "../../web/src/decode/spec.js";
import { PRESETS, presetFor } from "../../web/src/ui/presets.js";
import { kvRequestFrame, kvResponseFrame } from "../session/kv-fixtures.js";

const text = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/** A real example of each protocol and the frames ([start, end)) its preset must cut. */
const EXAMPLES: Record<
  string,
  { bytes: number[]; frames: [number, number][]; payload0: [number, number] }
> = {
  kv: (() => {
    const a = [...kvRequestFrame({ hget: { table: "t", key: "k" } })];
    return { bytes: a, frames: [[0, a.length]], payload0: [4, a.length] };
  })(),
  tokio: { bytes: [0, 0, 0, 3, 0x61, 0x62, 0x63], frames: [[0, 7]], payload0: [4, 7] },
  netty: {
    bytes: [0, 3, 0x61, 0x62, 0x63, 0, 0],
    frames: [
      [0, 5],
      [5, 7],
    ],
    payload0: [2, 5],
  },
  grpc: { bytes: [0, 0, 0, 0, 2, 0x08, 0x01], frames: [[0, 7]], payload0: [5, 7] },
  varint: {
    bytes: [3, 0x61, 0x62, 0x63, 0],
    frames: [
      [0, 4],
      [4, 5],
    ],
    payload0: [1, 4],
  },
  // Query "select 1;" then ReadyForQuery 'I': the length counts itself, not the type byte.
  postgres: {
    bytes: [0x51, 0, 0, 0, 14, ...text("select 1;"), 0, 0x5a, 0, 0, 0, 5, 0x49],
    frames: [
      [0, 15],
      [15, 21],
    ],
    payload0: [0, 15],
  },
  // SETTINGS with one setting (6-byte payload), then a SETTINGS ACK (empty): 9-byte headers.
  http2: {
    bytes: [0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100, 0, 0, 0, 4, 1, 0, 0, 0, 0],
    frames: [
      [0, 15],
      [15, 24],
    ],
    payload0: [3, 15],
  },
  // CONNACK (remaining length 2), PINGREQ (0).
  mqtt: {
    bytes: [0x20, 2, 0, 0, 0xc0, 0],
    frames: [
      [0, 4],
      [4, 6],
    ],
    payload0: [2, 4],
  },
  resp: {
    bytes: text("+OK\r\n:1\r\n"),
    frames: [
      [0, 5],
      [5, 9],
    ],
    // RESP hands over the whole value, type byte and CRLF included.
    payload0: [0, 5],
  },
  lines: {
    bytes: text("USER a\r\nPASS b\r\n"),
    frames: [
      [0, 8],
      [8, 16],
    ],
    payload0: [0, 6],
  },
  http1: {
    bytes: text("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
    frames: [[0, 27]],
    payload0: [27, 27],
  },
  fixed12: {
    bytes: text("hello world!glad to meet you!"),
    frames: [
      [0, 12],
      [12, 24],
    ],
    payload0: [0, 12],
  },
};

describe("framing presets", () => {
  it("has the protocols the inspector promises, each with a canonical spec string", () => {
    expect(PRESETS.map((p) => p.id)).toEqual(Object.keys(EXAMPLES));
    for (const p of PRESETS) {
      const parsed = parseFramingSpec(p.spec);
      expect(parsed.ok, `${p.id}: ${parsed.ok ? "" : parsed.error}`).toBe(true);
      if (parsed.ok) expect(formatFramingSpec(parsed.spec)).toBe(p.spec);
      expect(presetFor(p.spec)).toBe(p);
    }
  });

  it.each(PRESETS.map((p) => [p.id, p.spec] as const))(
    "%s (%s) cuts a real example",
    (id, spec) => {
      const ex = EXAMPLES[id];
      const parsed = parseFramingSpec(spec);
      if (ex === undefined || !parsed.ok) throw new Error(`no example for ${id}`);
      const framer = createFramer(parsed.spec);
      const out = framer.push(Uint8Array.from(ex.bytes));
      expect(out.issues).toEqual([]);
      expect(out.frames.map((f) => [f.start, f.end])).toEqual(ex.frames);
      expect([out.frames[0]?.payloadStart, out.frames[0]?.payloadEnd]).toEqual(ex.payload0);
    },
  );

  it("the kv preset reads the gzip flag of a large response", () => {
    const big = kvResponseFrame({ status: 200, values: [{ string: "x".repeat(3000) }] });
    const parsed = parseFramingSpec(PRESETS[0]?.spec ?? "");
    if (!parsed.ok) throw new Error(parsed.error);
    const f = createFramer(parsed.spec).push(big).frames[0];
    expect(f?.info).toMatchObject({ kind: "length", gzip: true });
    expect(f?.end).toBe(big.length);
  });
});
