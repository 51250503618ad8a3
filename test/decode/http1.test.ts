import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { framePayloadParts, type Frame } from "../../web/src/decode/frame.js";
import { Http1Framer, type Http1Options } from "../../web/src/decode/http1.js";
import { DEFAULT_MAX_LINE } from "../../web/src/decode/spec.js";
import {
  bytesToHex,
  comparable,
  hexToBytes,
  runFramer,
  splitAt,
  standardChunkings,
} from "./helpers.js";

/** Latin-1 text as bytes: HTTP fixtures are easiest to read as text with \r\n. */
function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function text(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

const framer = (max = DEFAULT_MAX_LINE, options: Http1Options = {}): Http1Framer =>
  new Http1Framer({ kind: "http1", max }, options);

/** A frame as text: the bytes before the head, the head, the payload parts joined, body kind. */
interface FrameText {
  before?: string;
  head: string;
  body: string;
  kind: "length" | "chunked" | "close" | "none";
}
/** An issue as [code, start, end, fatal]. */
type IssueRow = [string, number, number, boolean];

interface Case {
  name: string;
  input: string;
  frames: FrameText[];
  issues?: IssueRow[];
  max?: number;
  eof?: boolean;
  methods?: string[];
}

function asText(input: Uint8Array, f: Frame): FrameText {
  if (f.info?.kind !== "http1") throw new Error("not an http1 frame");
  const out: FrameText = {
    head: text(input, f.headStart, f.headEnd),
    body: framePayloadParts(f)
      .map(([a, b]) => text(input, a, b))
      .join(""),
    kind: f.info.body,
  };
  if (f.headStart > f.start) out.before = text(input, f.start, f.headStart);
  return out;
}

/** Runs a case over every chunking; all must give the frames and issues of the table. */
function runCases(cases: Case[]): void {
  for (const c of cases) {
    const input = latin1(c.input);
    describe(c.name, () => {
      it.each(standardChunkings(input))("$name", ({ chunks }) => {
        const queue = [...(c.methods ?? [])];
        const f = framer(c.max, { requestMethods: () => queue.shift() });
        const out = runFramer(f, chunks, c.eof !== false);
        expect(out.frames.map((x) => asText(input, x))).toEqual(c.frames);
        const issues = out.issues.map((i) => [i.code, i.span[0], i.span[1], i.fatal]);
        expect(issues).toEqual(c.issues ?? []);
        for (const x of out.frames) {
          expect(x.headStart).toBeGreaterThanOrEqual(x.start);
          expect([x.payloadStart, x.payloadEnd]).toEqual([x.headEnd, x.end]);
        }
      });
    });
  }
}

const GET = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

describe("HTTP/1 bodies", () => {
  runCases([
    {
      name: "request with Content-Length",
      input: "POST /kv HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
      frames: [
        {
          head: "POST /kv HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n",
          body: "hello",
          kind: "length",
        },
      ],
    },
    {
      name: "response chunked, with an extension and trailers",
      input:
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "4\r\nWiki\r\n6;name=value\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n",
      frames: [
        {
          head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
          body: "Wikipedia in \r\n\r\nchunks.",
          kind: "chunked",
        },
      ],
    },
    {
      name: "204 and 304 have no body even with Content-Length",
      input:
        "HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n" +
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n",
      frames: [
        { head: "HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n", body: "", kind: "none" },
        { head: "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", body: "", kind: "none" },
      ],
    },
    {
      name: "100 Continue is its own frame, then the real response",
      input: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      frames: [
        { head: "HTTP/1.1 100 Continue\r\n\r\n", body: "", kind: "none" },
        { head: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", body: "ok", kind: "length" },
      ],
    },
    {
      name: "response body until close, framed at end()",
      input: "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nall the rest",
      frames: [
        { head: "HTTP/1.0 200 OK\r\nServer: x\r\n\r\n", body: "all the rest", kind: "close" },
      ],
    },
    {
      name: "response body until close, stream not ended: no frame yet",
      input: "HTTP/1.0 200 OK\r\n\r\npartial",
      eof: false,
      frames: [],
    },
    {
      name: "pipelined requests",
      input: GET + "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc" + GET,
      frames: [
        { head: GET, body: "", kind: "none" },
        { head: "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\n", body: "abc", kind: "length" },
        { head: GET, body: "", kind: "none" },
      ],
    },
    {
      name: "bare LF line endings, in the head and the chunked body",
      input:
        "GET / HTTP/1.1\nHost: a\n\nHTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nhi\n0\n\n",
      frames: [
        { head: "GET / HTTP/1.1\nHost: a\n\n", body: "", kind: "none" },
        {
          head: "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n",
          body: "hi",
          kind: "chunked",
        },
      ],
    },
    {
      name: "empty lines before a request line stay in front of its head",
      input: "\r\n\n" + GET,
      frames: [{ before: "\r\n\n", head: GET, body: "", kind: "none" }],
    },
    {
      name: "HEAD response has no body when the caller says so",
      methods: ["HEAD", "GET"],
      input:
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      frames: [
        { head: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", body: "", kind: "none" },
        { head: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", body: "ok", kind: "length" },
      ],
    },
    {
      name: "2xx to CONNECT: the rest of the stream is the tunnel",
      methods: ["CONNECT"],
      input: "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01binary",
      frames: [
        {
          head: "HTTP/1.1 200 Connection established\r\n\r\n",
          body: "\x16\x03\x01binary",
          kind: "close",
        },
      ],
    },
    {
      name: "101 Switching Protocols: the rest of the stream is the new protocol",
      input: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello",
      frames: [
        {
          head: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
          body: "\x81\x05hello",
          kind: "close",
        },
      ],
    },
    {
      name: "Transfer-Encoding gzip in a response: until close",
      input: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz",
      frames: [
        { head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", body: "zz", kind: "close" },
      ],
    },
    {
      name: "Transfer-Encoding overrides Content-Length, with a warning on that line",
      input:
        "POST / HTTP/1.1\r\nContent-Length: 99\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
      frames: [
        {
          head: "POST / HTTP/1.1\r\nContent-Length: 99\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
          body: "x",
          kind: "chunked",
        },
      ],
      issues: [["HTTP_PROTOCOL_ERROR", 17, 37, false]],
    },
    {
      name: "Content-Length list of equal values, and an obs-fold line",
      input: "POST / HTTP/1.1\r\nContent-Length: 2, 2\r\nX-A: b\r\n c\r\n\r\nok",
      frames: [
        {
          head: "POST / HTTP/1.1\r\nContent-Length: 2, 2\r\nX-A: b\r\n c\r\n\r\n",
          body: "ok",
          kind: "length",
        },
      ],
    },
    {
      name: "Content-Length 0 ends the frame at the head",
      input:
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" +
        "HTTP/1.1 404 Not Found\r\ncontent-length: 1\r\n\r\n!",
      frames: [
        { head: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", body: "", kind: "length" },
        { head: "HTTP/1.1 404 Not Found\r\ncontent-length: 1\r\n\r\n", body: "!", kind: "length" },
      ],
    },
  ]);
});

describe("HTTP/1 errors carry the span of the bad line and stop the framer", () => {
  const req = "POST / HTTP/1.1\r\n"; // 17 bytes
  runCases([
    {
      name: "invalid Content-Length",
      input: req + "Content-Length: abc\r\n\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 17, 38, true]],
    },
    {
      name: "negative Content-Length",
      input: req + "Content-Length: -1\r\n\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 17, 37, true]],
    },
    {
      name: "conflicting Content-Length lines: the second is blamed",
      input: req + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 36, 55, true]],
    },
    {
      name: "conflicting Content-Length list",
      input: req + "Content-Length: 5, 6\r\n\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 17, 39, true]],
    },
    {
      name: "malformed request line",
      input: "GARBAGE\r\n\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 0, 9, true]],
    },
    {
      name: "malformed status line",
      input: "HTTP/1.1 OK\r\n\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 0, 13, true]],
    },
    {
      name: "field line without a colon",
      input: req + "Host x\r\n\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 17, 25, true]],
    },
    {
      name: "whitespace before the colon",
      input: req + "Host : x\r\n\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 17, 27, true]],
    },
    {
      name: "whitespace line before the first field",
      input: req + " x\r\n\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 17, 21, true]],
    },
    {
      name: "bare CR in a field line",
      input: req + "A: b\rc\r\n\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 17, 23, true]],
    },
    {
      name: "NUL in a field line, refused at once",
      input: req + "A: \x00",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 17, 21, true]],
    },
    {
      name: "Transfer-Encoding in a request without chunked last",
      input: req + "Transfer-Encoding: chunked, gzip\r\n\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 17, 51, true]],
    },
    {
      name: "chunk data not followed by CRLF",
      input: GET + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiX",
      frames: [{ head: GET, body: "", kind: "none" }],
      issues: [["HTTP_PROTOCOL_ERROR", 79, 80, true]],
    },
    {
      name: "chunk size not hex",
      input: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      frames: [],
      issues: [["HTTP_PROTOCOL_ERROR", 47, 48, true]],
    },
    {
      name: "request head larger than max, refused before its end",
      max: 32,
      input: "GET /" + "a".repeat(40) + " HTTP/1.1\r\n\r\n",
      frames: [],
      issues: [["FRAME_TOO_LARGE", 0, 33, true]],
    },
    {
      name: "head of exactly max bytes is fine",
      max: GET.length,
      input: GET,
      frames: [{ head: GET, body: "", kind: "none" }],
    },
    {
      name: "chunk-size line larger than max",
      max: 50,
      input: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + "e".repeat(60),
      frames: [],
      issues: [["FRAME_TOO_LARGE", 47, 98, true]],
    },
    {
      name: "stream ends inside a head",
      input: "GET / HTTP/1.1\r\nHo",
      frames: [],
      issues: [["BYTES_REMAINING", 0, 18, true]],
    },
    {
      name: "stream ends inside a Content-Length body",
      input: req + "Content-Length: 9\r\n\r\nabc",
      frames: [],
      issues: [["BYTES_REMAINING", 0, 41, true]],
    },
    {
      name: "stream ends after empty lines only: reported, not fatal",
      input: GET + "\r\n",
      frames: [{ head: GET, body: "", kind: "none" }],
      issues: [["BYTES_REMAINING", 27, 29, false]],
    },
  ]);

  it("stops at the message that failed and frames nothing after it", () => {
    const f = framer();
    const out = runFramer(f, [latin1(GET + "BAD\r\n\r\n" + GET)]);
    expect(f.stoppedAt).toBe(GET.length);
    expect(out.frames.length).toBe(1);
  });

  it("counts a 50 MB chunked body without buffering it, parts included", () => {
    const f = framer();
    const mb = new Uint8Array(1024 * 1024).fill(0x0a);
    const frames: Frame[] = [];
    frames.push(...f.push(latin1("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")).frames);
    for (let k = 0; k < 50; k++) {
      frames.push(...f.push(latin1("100000\r\n")).frames, ...f.push(mb).frames);
      frames.push(...f.push(latin1("\r\n")).frames);
    }
    frames.push(...f.push(latin1("0\r\n\r\n")).frames);
    expect(frames.length).toBe(1);
    const parts = frames[0] === undefined ? [] : framePayloadParts(frames[0]);
    expect(parts.length).toBe(50);
    expect(parts.every(([a, b]) => b - a === 1024 * 1024)).toBe(true);
  });
});

it("info carries the start line, the direction, the body kind and the chunk spans", () => {
  const input = latin1(
    "GET /a HTTP/1.1\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
  );
  const out = runFramer(framer(), [input]);
  expect(out.frames.map((f) => f.info)).toEqual([
    {
      kind: "http1",
      startLine: "GET /a HTTP/1.1",
      isRequest: true,
      body: "none",
      parts: undefined,
    },
    {
      kind: "http1",
      startLine: "HTTP/1.1 200 OK",
      isRequest: false,
      body: "chunked",
      parts: [[69, 70]],
    },
  ]);
  expect(text(input, 69, 70)).toBe("x");
});

it("asks for the request method once per response that answers a request", () => {
  const asked: string[] = [];
  const f = framer(DEFAULT_MAX_LINE, {
    requestMethods: () => {
      asked.push("asked");
      return "GET";
    },
  });
  runFramer(f, [
    latin1("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 x\r\n\r\n"),
  ]);
  expect(asked.length).toBe(2);
});

it("frames a request whose body is binary, given as hex", () => {
  // POST / HTTP/1.1 CRLF Content-Length: 4 CRLF CRLF 00 0d 0a ff
  const input = hexToBytes(
    "504f5354202f20485454502f312e310d0a436f6e74656e742d4c656e6774683a20340d0a0d0a000d0aff",
  );
  for (const { chunks } of standardChunkings(input)) {
    const out = runFramer(framer(), chunks);
    expect(out.frames.map((f) => bytesToHex(input.subarray(f.payloadStart, f.payloadEnd)))).toEqual(
      ["000d0aff"],
    );
  }
});

// ---------------------------------------------------------------- properties

const cutsArb = (len: number): fc.Arbitrary<number[]> =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, len - 1) }), { maxLength: 10 })
    .map((c) => c.filter((x) => x < len).sort((a, b) => a - b));

const tokenArb = fc.constantFrom(
  "GET / HTTP/1.1",
  "HTTP/1.1 200 OK",
  "HTTP/1.1 100 Continue",
  "HTTP/1.1 204 No",
  "Content-Length: 3",
  "Content-Length: x",
  "Transfer-Encoding: chunked",
  "\r\n",
  "\n",
  "\r",
  "0",
  "3",
  "a",
  ";x",
  " ",
  ":",
  "\x00",
);
const streamArb = fc.oneof(
  fc.array(tokenArb, { maxLength: 40 }).map((t) => latin1(t.join(""))),
  fc.uint8Array({ maxLength: 60 }),
);

/** A valid message: a request or response with no, Content-Length or chunked body. */
const messageArb = fc
  .tuple(
    fc.constantFrom("GET /x HTTP/1.1", "POST / HTTP/1.0", "HTTP/1.1 200 OK", "HTTP/1.1 500"),
    fc.array(fc.stringMatching(/^[A-Za-z-]{1,6}: [ -~]{0,6}$/), { maxLength: 3 }),
    fc.oneof(
      fc.constant({ fields: "", body: "" }),
      fc.uint8Array({ maxLength: 10 }).map((b) => ({
        fields: `Content-Length: ${b.length}\r\n`,
        body: String.fromCharCode(...b),
      })),
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 6 }), { maxLength: 3 }).map((cs) => ({
        fields: "Transfer-Encoding: chunked\r\n",
        body:
          cs.map((c) => `${c.length.toString(16)}\r\n${String.fromCharCode(...c)}\r\n`).join("") +
          "0\r\n\r\n",
      })),
    ),
    fc.constantFrom("\r\n", "\n"),
  )
  .filter(([, fields]) => fields.every((f) => !/^(content-length|transfer-encoding):/i.test(f)))
  .filter(([start, , body]) => !start.startsWith("HTTP") || body.fields !== "")
  .map(
    ([start, fields, body, eol]) =>
      `${start}${eol}${fields.map((f) => f + eol).join("")}${body.fields}${eol}${body.body}`,
  );

describe("HTTP/1 properties", () => {
  it("any chunking gives the same frames and issues as the whole stream, and never throws", () => {
    fc.assert(
      fc.property(
        streamArb.chain((b) => fc.tuple(fc.constant(b), cutsArb(b.length))),
        fc.integer({ min: 0, max: 40 }),
        ([bytes, cuts], max) => {
          const whole = runFramer(framer(max), [bytes]);
          const split = runFramer(framer(max), splitAt(bytes, cuts));
          expect(comparable(split)).toEqual(comparable(whole));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("valid generated messages frame back to exactly the messages generated", () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { maxLength: 5 }).chain((ms) => {
          const bytes = latin1(ms.join(""));
          return fc.tuple(fc.constant(ms), fc.constant(bytes), cutsArb(bytes.length));
        }),
        ([messages, bytes, cuts]) => {
          const out = runFramer(framer(), splitAt(bytes, cuts));
          expect(out.issues).toEqual([]);
          let at = 0;
          expect(out.frames.map((f) => [f.start, f.end])).toEqual(
            messages.map((m) => [at, (at += m.length)]),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
