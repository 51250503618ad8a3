import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Frame } from "../../web/src/decode/frame.js";
import { RESP_MAX_DEPTH, RespFramer } from "../../web/src/decode/resp.js";
import { DEFAULT_RESP_MAX } from "../../web/src/decode/spec.js";
import {
  bytesToHex,
  comparable,
  hexToBytes,
  runFramer,
  splitAt,
  standardChunkings,
} from "./helpers.js";

/** Latin-1 text as bytes: RESP fixtures are easiest to read as text with \r\n. */
function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

const framer = (max = DEFAULT_RESP_MAX): RespFramer => new RespFramer({ kind: "resp", max });

/** A frame as [start, end, headStart, headEnd, type, attributes]. */
type FrameRow = [number, number, number, number, string, number];
/** An issue as [code, start, end] (all issues here are fatal). */
type IssueRow = [string, number, number];

interface Case {
  name: string;
  input: string;
  frames: FrameRow[];
  issues?: IssueRow[];
  max?: number;
  eof?: boolean;
}

function rows(frames: Frame[]): FrameRow[] {
  return frames.map((f) => {
    if (f.info?.kind !== "resp") throw new Error("not a resp frame");
    return [f.start, f.end, f.headStart, f.headEnd, f.info.type, f.info.attributes];
  });
}

/** Runs a case over every chunking; all must give the rows and issues of the table. */
function runCases(cases: Case[]): void {
  for (const c of cases) {
    describe(c.name, () => {
      it.each(standardChunkings(latin1(c.input)))("$name", ({ chunks }) => {
        const out = runFramer(framer(c.max), chunks, c.eof !== false);
        expect(rows(out.frames)).toEqual(c.frames);
        expect(out.issues.map((i) => [i.code, i.span[0], i.span[1]])).toEqual(c.issues ?? []);
        expect(out.issues.every((i) => i.fatal)).toBe(true);
        // Payload = the whole frame.
        for (const f of out.frames)
          expect([f.payloadStart, f.payloadEnd]).toEqual([f.start, f.end]);
      });
    });
  }
}

describe("RESP3 types, one frame each", () => {
  runCases([
    { name: "null _", input: "_\r\n", frames: [[0, 3, 0, 3, "_", 0]] },
    { name: "double 3.14", input: ",3.14\r\n", frames: [[0, 7, 0, 7, ",", 0]] },
    { name: "double inf", input: ",inf\r\n", frames: [[0, 6, 0, 6, ",", 0]] },
    { name: "double -inf", input: ",-inf\r\n", frames: [[0, 7, 0, 7, ",", 0]] },
    { name: "double nan", input: ",nan\r\n", frames: [[0, 6, 0, 6, ",", 0]] },
    { name: "double 1.5e-3", input: ",1.5e-3\r\n", frames: [[0, 9, 0, 9, ",", 0]] },
    { name: "boolean t", input: "#t\r\n", frames: [[0, 4, 0, 4, "#", 0]] },
    { name: "boolean f", input: "#f\r\n", frames: [[0, 4, 0, 4, "#", 0]] },
    {
      name: "blob error",
      input: "!21\r\nSYNTAX invalid syntax\r\n",
      frames: [[0, 28, 0, 5, "!", 0]],
    },
    {
      name: "verbatim string",
      input: "=15\r\ntxt:Some string\r\n",
      frames: [[0, 22, 0, 5, "=", 0]],
    },
    {
      name: "big number",
      input: "(3492890328409238509324850943850943825024385\r\n",
      frames: [[0, 46, 0, 46, "(", 0]],
    },
    { name: "negative big number", input: "(-12\r\n", frames: [[0, 6, 0, 6, "(", 0]] },
    {
      name: "map of two pairs",
      input: "%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
      frames: [[0, 29, 0, 4, "%", 0]],
    },
    { name: "set", input: "~2\r\n+a\r\n+b\r\n", frames: [[0, 12, 0, 4, "~", 0]] },
    {
      name: "push is a frame like any other",
      input: ">3\r\n+message\r\n+chan\r\n+hello\r\n:1\r\n",
      frames: [
        [0, 29, 0, 4, ">", 0],
        [29, 33, 29, 33, ":", 0],
      ],
    },
    { name: "RESP2 null bulk string", input: "$-1\r\n", frames: [[0, 5, 0, 5, "$", 0]] },
    {
      name: "lone CR inside a simple string is content (hiredis)",
      input: "+a\rb\r\n",
      frames: [[0, 6, 0, 6, "+", 0]],
    },
    {
      name: "integer -9223372036854775808",
      input: ":-9223372036854775808\r\n",
      frames: [[0, 23, 0, 23, ":", 0]],
    },
    {
      name: "values back to back",
      input: "+OK\r\n:1\r\n$0\r\n\r\n",
      frames: [
        [0, 5, 0, 5, "+", 0],
        [5, 9, 5, 9, ":", 0],
        [9, 15, 9, 13, "$", 0],
      ],
    },
  ]);
});

describe("RESP attributes join the value after them", () => {
  runCases([
    {
      name: "top-level attribute before an array (protocol spec example)",
      input:
        "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n" +
        "*2\r\n:2039123\r\n:9543892\r\n",
      frames: [[0, 81, 57, 61, "*", 1]],
    },
    {
      name: "attribute inside an array does not count as an element",
      input: "*3\r\n:1\r\n:2\r\n|1\r\n+ttl\r\n:3600\r\n:3\r\n",
      frames: [[0, 33, 0, 4, "*", 0]],
    },
    {
      name: "two attributes then a value",
      input: "|0\r\n|0\r\n+v\r\n",
      frames: [[0, 12, 8, 12, "+", 2]],
    },
  ]);
});

describe("RESP streamed strings and aggregates", () => {
  runCases([
    {
      name: "streamed string (protocol spec example)",
      input: "$?\r\n;4\r\nHell\r\n;5\r\no wor\r\n;1\r\nd\r\n;0\r\n",
      frames: [[0, 36, 0, 4, "$", 0]],
    },
    { name: "streamed array", input: "*?\r\n:1\r\n:2\r\n.\r\n", frames: [[0, 15, 0, 4, "*", 0]] },
    { name: "streamed map", input: "%?\r\n+a\r\n:1\r\n.\r\n", frames: [[0, 15, 0, 4, "%", 0]] },
    { name: "empty streamed set", input: "~?\r\n.\r\n", frames: [[0, 7, 0, 4, "~", 0]] },
    {
      name: "streamed values nested in a streamed array",
      input: "*?\r\n*?\r\n.\r\n$?\r\n;0\r\n.\r\n",
      frames: [[0, 22, 0, 4, "*", 0]],
    },
  ]);
});

describe("RESP nested aggregates", () => {
  runCases([
    {
      name: "arrays in arrays with empty and null arrays",
      input: "*2\r\n*2\r\n:1\r\n*0\r\n*-1\r\n+after\r\n",
      frames: [
        [0, 21, 0, 4, "*", 0],
        [21, 29, 21, 29, "+", 0],
      ],
    },
    {
      name: "map of maps",
      input: "%1\r\n%1\r\n+k\r\n+v\r\n~1\r\n_\r\n",
      frames: [[0, 23, 0, 4, "%", 0]],
    },
  ]);

  it(`accepts ${RESP_MAX_DEPTH} nested arrays and refuses one more`, () => {
    const deep = (d: number): Uint8Array => latin1("*1\r\n".repeat(d) + ":1\r\n");
    const ok = runFramer(framer(), [deep(RESP_MAX_DEPTH)]);
    expect(ok.issues).toEqual([]);
    expect(ok.frames.map((f) => [f.start, f.end])).toEqual([[0, 4 * RESP_MAX_DEPTH + 4]]);
    const bad = runFramer(framer(), [deep(RESP_MAX_DEPTH + 1)]);
    expect(bad.frames).toEqual([]);
    expect(bad.issues.map((i) => [i.code, i.span])).toEqual([
      ["RESP_PROTOCOL_ERROR", [4 * RESP_MAX_DEPTH, 4 * RESP_MAX_DEPTH + 4]],
    ]);
  });
});

describe("RESP inline commands", () => {
  runCases([
    { name: "PING with CRLF", input: "PING\r\n", frames: [[0, 6, 0, 6, "inline", 0]] },
    {
      name: "inline with bare LF, then a multibulk command",
      input: "set k v\n*1\r\n$4\r\nPING\r\n",
      frames: [
        [0, 8, 0, 8, "inline", 0],
        [8, 22, 8, 12, "*", 0],
      ],
    },
    {
      name: "a letter inside an array is no inline command",
      input: "*1\r\nPING\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 4, 5]],
    },
  ]);
});

describe("RESP errors carry spans and stop the framer", () => {
  runCases([
    {
      name: "blob without CRLF after its data",
      input: "+OK\r\n$5\r\nhelloXY",
      frames: [[0, 5, 0, 5, "+", 0]],
      issues: [["RESP_PROTOCOL_ERROR", 14, 15]],
    },
    {
      name: "unknown type byte",
      input: "?x\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 0, 1]],
    },
    {
      name: "bulk length -5",
      input: "+OK\r\n$-5\r\n+more\r\n",
      frames: [[0, 5, 0, 5, "+", 0]],
      issues: [["RESP_PROTOCOL_ERROR", 5, 10]],
    },
    {
      name: "bulk length with a leading zero",
      input: "$05\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 0, 5]],
    },
    {
      name: "multibulk length -2",
      input: "*-2\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 0, 5]],
    },
    {
      name: "map length -1 (only $-1 and *-1 are nulls)",
      input: "%-1\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 0, 5]],
    },
    {
      name: "lone CR in a length line",
      input: "$1\r2\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 0, 6]],
    },
    { name: "integer abc", input: ":abc\r\n", frames: [], issues: [["RESP_PROTOCOL_ERROR", 0, 6]] },
    {
      name: "integer beyond int64",
      input: ":9223372036854775808\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 0, 22]],
    },
    { name: "boolean x", input: "#x\r\n", frames: [], issues: [["RESP_PROTOCOL_ERROR", 0, 4]] },
    {
      name: "null with content, refused at once",
      input: "_x\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 0, 2]],
    },
    { name: "double abc", input: ",abc\r\n", frames: [], issues: [["RESP_PROTOCOL_ERROR", 0, 6]] },
    {
      name: "big number with a letter, refused at once",
      input: "(12a\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 0, 4]],
    },
    {
      name: "'.' outside a streamed aggregate",
      input: ".\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 0, 1]],
    },
    {
      name: "';' outside a streamed string",
      input: ";3\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 0, 1]],
    },
    {
      name: "a value inside a streamed string",
      input: "$?\r\n:1\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 4, 5]],
    },
    {
      name: "chunk length -1",
      input: "$?\r\n;-1\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 4, 9]],
    },
    {
      name: "streamed map with odd elements",
      input: "%?\r\n+a\r\n.\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 8, 11]],
    },
    {
      name: "'.' right after an attribute",
      input: "*?\r\n|1\r\n+a\r\n+b\r\n.\r\n",
      frames: [],
      issues: [["RESP_PROTOCOL_ERROR", 16, 17]],
    },
  ]);
});

describe("RESP maxima", () => {
  runCases([
    {
      name: "bulk length above max",
      input: "$11\r\n",
      max: 10,
      frames: [],
      issues: [["FRAME_TOO_LARGE", 0, 5]],
    },
    {
      name: "aggregate count above max",
      input: "*11\r\n",
      max: 10,
      frames: [],
      issues: [["FRAME_TOO_LARGE", 0, 5]],
    },
    { name: "bulk length at max", input: "$3\r\nabc\r\n", max: 3, frames: [[0, 9, 0, 4, "$", 0]] },
    {
      name: "simple string longer than max, refused before its end",
      input: "+" + "x".repeat(11),
      max: 10,
      frames: [],
      issues: [["FRAME_TOO_LARGE", 0, 12]],
    },
    {
      name: "inline command longer than max",
      input: "P".repeat(12),
      max: 10,
      frames: [],
      issues: [["FRAME_TOO_LARGE", 0, 11]],
    },
  ]);
});

describe("RESP stream ends", () => {
  runCases([
    {
      name: "inside an array",
      input: "*2\r\n:1\r\n",
      frames: [],
      issues: [["BYTES_REMAINING", 0, 8]],
    },
    {
      name: "inside bulk data",
      input: "+a\r\n$5\r\nhel",
      frames: [[0, 4, 0, 4, "+", 0]],
      issues: [["BYTES_REMAINING", 4, 11]],
    },
    { name: "inside a line", input: "+OK", frames: [], issues: [["BYTES_REMAINING", 0, 3]] },
    {
      name: "after an attribute without its value",
      input: "|1\r\n+a\r\n+b\r\n",
      frames: [],
      issues: [["BYTES_REMAINING", 0, 12]],
    },
    { name: "pending, stream not ended", input: "*2\r\n:1\r\n", eof: false, frames: [] },
  ]);

  it("stops at the frame that failed and frames nothing after it", () => {
    const f = framer();
    const out = runFramer(f, [latin1("+a\r\n*1\r\n?+b\r\n")]);
    expect(f.stoppedAt).toBe(4);
    expect(out.frames.map((x) => x.end)).toEqual([4]);
  });

  it("counts blob data without buffering it: a 100 MB blob in 1 MB chunks", () => {
    const f = framer();
    const n = 100 * 1024 * 1024;
    const mb = new Uint8Array(1024 * 1024).fill(0x0d); // all CR: a CRLF scan would go wrong
    const frames: Frame[] = [...f.push(latin1(`$${n}\r\n`)).frames];
    for (let k = 0; k < 100; k++) frames.push(...f.push(mb).frames);
    frames.push(...f.push(latin1("\r\n")).frames);
    const head = `$${n}\r\n`.length;
    expect(frames.map((x) => [x.start, x.end, x.firstChunk, x.endChunk])).toEqual([
      [0, head + n + 2, 0, 102],
    ]);
  });
});

/** A hex fixture: a binary blob whose data holds CRLF and NUL bytes. */
it("frames a binary blob given as hex by its length", () => {
  const input = hexToBytes("24340d0a0d0a000d0d0a" + "2b4f4b0d0a");
  for (const { chunks } of standardChunkings(input)) {
    const out = runFramer(framer(), chunks);
    expect(out.frames.map((f) => bytesToHex(input.subarray(f.start, f.end)))).toEqual([
      "24340d0a0d0a000d0d0a",
      "2b4f4b0d0a",
    ]);
    expect(out.issues).toEqual([]);
  }
});

// ---------------------------------------------------------------- properties

const cutsArb = (len: number): fc.Arbitrary<number[]> =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, len - 1) }), { maxLength: 10 })
    .map((c) => c.filter((x) => x < len).sort((a, b) => a - b));

/** RESP-ish tokens, so that random streams get deep into the framer rather than failing at byte 0. */
const tokenArb = fc.constantFrom(
  ..."* $ % | ~ > + - : _ # , ( ! = ; . ? -1 0 1 2 3 10 a P t \r\n \r \n \x00".split(" "),
  " ",
  "\r\n",
);
const streamArb = fc.oneof(
  fc.array(tokenArb, { maxLength: 60 }).map((t) => latin1(t.join(""))),
  fc.uint8Array({ maxLength: 60 }),
);

describe("RESP properties", () => {
  it("any chunking gives the same frames and issues as the whole stream, and never throws", () => {
    fc.assert(
      fc.property(
        streamArb.chain((b) => fc.tuple(fc.constant(b), cutsArb(b.length))),
        fc.integer({ min: 0, max: 12 }),
        ([bytes, cuts], max) => {
          const whole = runFramer(framer(max), [bytes]);
          const split = runFramer(framer(max), splitAt(bytes, cuts));
          expect(comparable(split)).toEqual(comparable(whole));
          expect(whole.issues.filter((i) => i.fatal).length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("valid generated values frame back to exactly the values generated", () => {
    fc.assert(
      fc.property(
        fc.array(topLevelArb, { maxLength: 6 }).chain((vs) => {
          const bytes = latin1(vs.join(""));
          return fc.tuple(fc.constant(vs), fc.constant(bytes), cutsArb(bytes.length));
        }),
        ([values, bytes, cuts]) => {
          const out = runFramer(framer(), splitAt(bytes, cuts));
          expect(out.issues).toEqual([]);
          let at = 0;
          const expected = values.map((v) => [at, (at += v.length)]);
          expect(out.frames.map((f) => [f.start, f.end])).toEqual(expected);
          for (const f of out.frames) {
            if (f.info?.kind !== "resp") throw new Error("not resp");
            const first = String.fromCharCode(bytes[f.headStart] ?? 0);
            expect(f.info.type === "inline" ? /[A-Za-z]/.test(first) : first === f.info.type).toBe(
              true,
            );
            expect(bytes[f.headEnd - 1]).toBe(0x0a);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** Latin-1 text of any bytes, CR and LF included. */
const binaryArb = fc.uint8Array({ maxLength: 12 }).map((b) => String.fromCharCode(...b));
const simpleArb = fc.stringMatching(/^[A-Za-z0-9 ]{0,8}$/);
const doubleArb = fc
  .double()
  .map((d) =>
    Number.isNaN(d) ? "nan" : d === Infinity ? "inf" : d === -Infinity ? "-inf" : String(d),
  );

const scalarArb: fc.Arbitrary<string> = fc.oneof(
  simpleArb.map((s) => `+${s}\r\n`),
  simpleArb.map((s) => `-ERR ${s}\r\n`),
  fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map((n) => `:${n}\r\n`),
  fc.constant("_\r\n"),
  fc.constantFrom("#t\r\n", "#f\r\n", "$-1\r\n", "*-1\r\n"),
  doubleArb.map((d) => `,${d}\r\n`),
  fc.bigInt().map((n) => `(${n}\r\n`),
  fc.tuple(fc.constantFrom("$", "!"), binaryArb).map(([t, s]) => `${t}${s.length}\r\n${s}\r\n`),
  binaryArb.map((s) => `=${s.length + 4}\r\ntxt:${s}\r\n`),
  fc
    .array(
      binaryArb.filter((s) => s.length > 0),
      { maxLength: 3 },
    )
    .map((cs) => `$?\r\n${cs.map((c) => `;${c.length}\r\n${c}\r\n`).join("")};0\r\n`),
);

const { value: valueArb } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, depthIdentifier: "resp" },
    scalarArb,
    fc
      .tuple(fc.constantFrom("*", "~", ">"), fc.array(tie("value"), { maxLength: 3 }))
      .map(([t, xs]) => `${t}${xs.length}\r\n${xs.join("")}`),
    fc
      .array(fc.tuple(tie("value"), tie("value")), { maxLength: 2 })
      .map((ps) => `%${ps.length}\r\n${ps.flat().join("")}`),
    fc
      .tuple(fc.constantFrom("*", "~"), fc.array(tie("value"), { maxLength: 3 }))
      .map(([t, xs]) => `${t}?\r\n${xs.join("")}.\r\n`),
    fc
      .array(fc.tuple(tie("value"), tie("value")), { maxLength: 2 })
      .map((ps) => `%?\r\n${ps.flat().join("")}.\r\n`),
    fc
      .tuple(fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 2 }), tie("value"))
      .map(([ps, v]) => `|${ps.length}\r\n${ps.flat().join("")}${v}`),
  ),
}));

const topLevelArb = fc.oneof(
  { weight: 5, arbitrary: valueArb },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,8}\r?\n$/) },
);
