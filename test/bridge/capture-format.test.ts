import { crc32 as zlibCrc32 } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../../web/src/decode/concat.js";
import { bytesToHex, hexToBytes } from "../../web/src/decode/hex.js";
import type { RecordedEvent } from "../../web/src/session/bridge-protocol.js";
import { crc32, crc32Range } from "../../web/src/session/capture-crc32.js";
import {
  CAPTURE_HEAD_SIZE,
  encodeCaptureHead,
  encodeChunkRecord,
  encodeEventRecord,
  encodeRecordHead,
  isCapture,
  putRecordHead,
  writeRecordHead,
  readCapture,
} from "../../web/src/session/capture-format.js";

const CREATED = 1_763_000_000_000_000;
const opened: RecordedEvent = {
  type: "opened",
  conn: 1,
  source: "session",
  target: "127.0.0.1:9527",
  local: { address: "127.0.0.1", port: 50000 },
  remote: { address: "127.0.0.1", port: 9527 },
  time: CREATED + 10,
};
const fin: RecordedEvent = { type: "fin", conn: 1, dir: "c2s", time: CREATED + 30 };

/** A record head's arguments (type, conn, dir, time, body) and an offset to write it at. */
const recordHeadArgs = [
  fc.constantFrom(1, 2, 9),
  fc.nat({ max: 0xffffffff }),
  fc.constantFrom("c2s" as const, "s2c" as const),
  fc.maxSafeNat(),
  fc.uint8Array({ maxLength: 300 }),
  fc.nat({ max: 40 }),
] as const;

const join = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

/** A small capture: head, opened, a c2s chunk "hi", an s2c chunk of 3 bytes, fin. */
function sample(): Uint8Array {
  return join(
    encodeCaptureHead(CREATED),
    encodeEventRecord(opened),
    encodeChunkRecord(1, "c2s", CREATED + 20, Uint8Array.of(0x68, 0x69)),
    encodeChunkRecord(1, "s2c", CREATED + 25, Uint8Array.of(1, 2, 3)),
    encodeEventRecord(fin),
  );
}

describe("crc32", () => {
  it("matches the standard check value and zlib", () => {
    expect(crc32(new TextEncoder().encode("123456789")).toString(16)).toBe("cbf43926");
    expect(crc32(new Uint8Array())).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 300 }), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        expect(crc32(bytes)).toBe(zlibCrc32(bytes));
        expect(crc32(bytes.subarray(at), crc32(bytes.subarray(0, at)))).toBe(zlibCrc32(bytes));
      }),
    );
  });
});

describe("crc32Range", () => {
  it("matches zlib over any range of a view, continuing from any crc", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.nat({ max: 300 }),
        fc.nat({ max: 300 }),
        fc.nat({ max: 0xffffffff }),
        (bytes, a, b, from) => {
          const start = Math.min(a, b, bytes.length);
          const end = Math.min(Math.max(a, b), bytes.length);
          const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          // zlib answers 0 for an empty array with no memory behind it; nothing to add leaves `from`.
          const expected = end > start ? zlibCrc32(bytes.subarray(start, end), from) : from;
          expect(crc32Range(view, start, end, from)).toBe(expected);
        },
      ),
    );
  });
});

describe("capture format", () => {
  it("writes the file head and a chunk record exactly as documented", () => {
    expect(bytesToHex(encodeCaptureHead(CREATED))).toBe(
      "8946534341500d0a 0001 0018 000643706cbd3000 00000000".replaceAll(" ", ""),
    );
    const rec = encodeChunkRecord(7, "s2c", 2 ** 32 + 5, Uint8Array.of(0xab));
    const head =
      "00000011" + "????????" + "01" + "01" + "0000" + "00000007" + "0000000100000005" + "ab";
    expect(bytesToHex(rec).slice(0, 8) + "????????" + bytesToHex(rec).slice(16)).toBe(head);
    const crc = zlibCrc32(rec.subarray(8), zlibCrc32(rec.subarray(0, 4)));
    expect(bytesToHex(rec.subarray(4, 8))).toBe(crc.toString(16).padStart(8, "0"));
  });

  it("writeRecordHead writes encodeRecordHead's bytes at any offset, with either crc32, and nothing else", () => {
    fc.assert(
      fc.property(...recordHeadArgs, (type, conn, dir, time, body, at) => {
        const expected = encodeRecordHead(type, conn, dir, time, body);
        const sum = zlibCrc32(
          body,
          zlibCrc32(expected.subarray(8), zlibCrc32(expected.subarray(0, 4))),
        );
        expect(bytesToHex(expected.subarray(4, 8))).toBe(sum.toString(16).padStart(8, "0"));
        for (const crc of [crc32, zlibCrc32]) {
          const out = new Uint8Array(at + 24 + 8).fill(0x77);
          writeRecordHead(out, at, type, conn, dir, time, body, crc);
          expect(bytesToHex(out.subarray(at, at + 24))).toBe(bytesToHex(expected));
          expect(out.subarray(0, at).every((b) => b === 0x77)).toBe(true);
          expect(out.subarray(at + 24).every((b) => b === 0x77)).toBe(true);
        }
        const r = readCapture(join(encodeCaptureHead(CREATED), expected, body));
        if (!r.ok) throw new Error(r.text);
        expect(r.tail).toBeNull();
      }),
    );
  });

  it("putRecordHead writes encodeRecordHead's bytes, with the body in place after it or with a crc", () => {
    fc.assert(
      fc.property(...recordHeadArgs, (type, conn, dir, time, body, at) => {
        const expected = bytesToHex(encodeRecordHead(type, conn, dir, time, body));
        const out = new Uint8Array(at + 24 + body.length + 8).fill(0x77);
        const view = new DataView(out.buffer);
        out.set(body, at + 24);
        putRecordHead(view, at, type, conn, dir, time, body);
        expect(bytesToHex(out.subarray(at, at + 24))).toBe(expected);
        expect(out.subarray(at + 24, at + 24 + body.length)).toEqual(body);
        expect(out.subarray(0, at).every((b) => b === 0x77)).toBe(true);
        expect(out.subarray(at + 24 + body.length).every((b) => b === 0x77)).toBe(true);
        out.fill(0x77);
        putRecordHead(view, at, type, conn, dir, time, body, zlibCrc32);
        expect(bytesToHex(out.subarray(at, at + 24))).toBe(expected);
        expect(out.subarray(at + 24).every((b) => b === 0x77)).toBe(true);
      }),
    );
  });

  it("an empty body with no memory behind it gets the head's crc with zlib too (zlib.crc32 answers 0 for it)", () => {
    const empty = new Uint8Array(new ArrayBuffer(0));
    const expected = bytesToHex(encodeRecordHead(1, 3, "c2s", 99, new Uint8Array(0)));
    const out = new Uint8Array(24);
    writeRecordHead(out, 0, 1, 3, "c2s", 99, empty, zlibCrc32);
    expect(bytesToHex(out)).toBe(expected);
  });

  it("reads back every record with offsets, kinds and times", () => {
    const bytes = sample();
    const r = readCapture(bytes);
    if (!r.ok) throw new Error(r.text);
    expect(r).toMatchObject({ version: 1, created: CREATED, end: bytes.length, tail: null });
    expect(
      r.records.map((x) => (x.kind === "chunk" ? `${x.dir} ${bytesToHex(x.bytes)}` : x.event.type)),
    ).toEqual(["opened", "c2s 6869", "s2c 010203", "fin"]);
    expect(r.records[0]).toMatchObject({
      offset: CAPTURE_HEAD_SIZE,
      conn: 1,
      time: CREATED + 10,
      event: opened,
    });
    expect(r.records[3]).toMatchObject({ kind: "event", event: fin });
    expect(isCapture(bytes)).toBe(true);
  });

  it("a torn tail at any byte keeps every complete record before it and never throws", () => {
    const bytes = sample();
    const full = readCapture(bytes);
    if (!full.ok) throw new Error(full.text);
    const ends = full.records.map((x, i) => full.records[i + 1]?.offset ?? bytes.length);
    for (let cut = CAPTURE_HEAD_SIZE; cut <= bytes.length; cut++) {
      const r = readCapture(bytes.subarray(0, cut));
      if (!r.ok) throw new Error(`cut ${cut}: ${r.text}`);
      const complete = ends.filter((e) => e <= cut).length;
      expect(r.records).toEqual(full.records.slice(0, complete));
      const end = complete === 0 ? CAPTURE_HEAD_SIZE : (ends[complete - 1] ?? 0);
      expect(r.end).toBe(end);
      expect(r.tail).toEqual(
        cut === end ? null : { offset: end, size: cut - end, reason: "incomplete" },
      );
    }
  });

  it("a flipped bit stops reading at the damaged record (checksum), keeping those before", () => {
    const bytes = sample();
    const full = readCapture(bytes);
    if (!full.ok) throw new Error(full.text);
    for (let i = 0; i < full.records.length; i++) {
      const rec = full.records[i];
      if (rec === undefined) continue;
      for (const at of [rec.offset + 9, rec.offset + 16, rec.offset + 24]) {
        const damaged = bytes.slice();
        damaged[at] = (damaged[at] ?? 0) ^ 0x10;
        const r = readCapture(damaged);
        expect(r.ok && r.records.length).toBe(i);
        expect(r.ok && r.tail).toMatchObject({ offset: rec.offset, reason: "checksum" });
      }
    }
  });

  it("a length field too small or too large is bad-length; a valid record of an unknown type is skipped", () => {
    const head = encodeCaptureHead(CREATED);
    const tooSmall = join(head, hexToBytes("0000000f00000000"));
    expect(readCapture(tooSmall)).toMatchObject({
      ok: true,
      records: [],
      tail: { reason: "bad-length" },
    });
    const tooLarge = join(head, hexToBytes("7fffffff00000000"));
    expect(readCapture(tooLarge)).toMatchObject({
      ok: true,
      records: [],
      tail: { reason: "bad-length" },
    });
    const body = Uint8Array.of(1, 2);
    const unknown = join(encodeRecordHead(9, 1, "c2s", 5, body), body);
    const r = readCapture(join(head, unknown, encodeEventRecord(fin)));
    expect(r.ok && r.records.map((x) => x.kind)).toEqual(["event"]);
    expect(r.ok && r.tail).toBeNull();
  });

  // Regression (review): event bodies were only checked for `type`, so a body with a
  // wrong or missing field reached the page; and a bad event ended reading as if torn.
  const badEvents: { name: string; json: string; text: RegExp }[] = [
    {
      name: "conn not a number",
      json: '{"type":"fin","conn":"1","dir":"c2s","time":5}',
      text: /conn/,
    },
    { name: "time missing", json: '{"type":"fin","conn":1,"dir":"c2s"}', text: /time/ },
    {
      name: "unknown event kind",
      json: '{"type":"nope","conn":1,"time":5}',
      text: /unknown event type "nope"/,
    },
    { name: "type missing", json: '{"conn":1,"time":5}', text: /unknown event type undefined/ },
    { name: "fin without a direction", json: '{"type":"fin","conn":1,"time":5}', text: /dir/ },
    {
      name: "opened without a target",
      json: '{"type":"opened","conn":1,"time":5,"source":"session","local":{"address":"a","port":1},"remote":{"address":"b","port":2}}',
      text: /target/,
    },
    {
      name: "opened with a port past 65535",
      json: '{"type":"opened","conn":1,"time":5,"source":"tap","target":"t","local":{"address":"a","port":65536},"remote":{"address":"b","port":2}}',
      text: /local, remote or client/,
    },
    {
      name: "closed with an unknown reason",
      json: '{"type":"closed","conn":1,"time":5,"reason":"bored"}',
      text: /reason "bored"/,
    },
    {
      name: "error with an unknown code",
      json: '{"type":"error","conn":1,"time":5,"code":"EWHAT","message":"m"}',
      text: /code "EWHAT"/,
    },
    {
      name: "error without a message",
      json: '{"type":"error","conn":1,"time":5,"code":"EPIPE"}',
      text: /message/,
    },
    {
      name: "conn differing from the head's",
      json: '{"type":"fin","conn":2,"dir":"c2s","time":5}',
      text: /conn 2 differs from the record head's 1/,
    },
    {
      name: "time differing from the head's",
      json: '{"type":"fin","conn":1,"dir":"c2s","time":6}',
      text: /time 6 differs/,
    },
    { name: "a JSON array", json: "[1]", text: /not a JSON object/ },
    { name: "not JSON", json: "{nope", text: /not JSON/ },
  ];
  for (const c of badEvents) {
    it(`an event record with ${c.name} is a bad record at its offset; the records around it are kept`, () => {
      const body = new TextEncoder().encode(c.json);
      const bad = join(encodeRecordHead(2, 1, "c2s", 5, body), body);
      const before = join(encodeCaptureHead(CREATED), encodeEventRecord(opened));
      const bytes = join(before, bad, encodeEventRecord(fin));
      const r = readCapture(bytes);
      if (!r.ok) throw new Error(r.text);
      expect(r.records.map((x) => x.kind === "event" && x.event)).toEqual([opened, fin]);
      expect(r.bad).toEqual([
        {
          kind: "event",
          offset: before.length,
          size: bad.length,
          conn: 1,
          reason: "bad-event",
          text: expect.stringMatching(c.text) as string,
        },
      ]);
      expect(r.tail).toBeNull();
      expect(r.end).toBe(bytes.length);
    });
  }

  it("a body that is not UTF-8 is bad-event; only the documented fields of an event are kept", () => {
    const notUtf8 = Uint8Array.of(0xff, 0xfe);
    const extra = new TextEncoder().encode(
      '{"type":"fin","conn":1,"dir":"s2c","time":5,"req":9,"view":3}',
    );
    const r = readCapture(
      join(
        encodeCaptureHead(CREATED),
        encodeRecordHead(2, 1, "c2s", 5, notUtf8),
        notUtf8,
        encodeRecordHead(2, 1, "c2s", 5, extra),
        extra,
      ),
    );
    expect(r.ok && r.bad.map((b) => [b.reason, b.text])).toEqual([
      ["bad-event", "the body is not UTF-8"],
    ]);
    expect(r.ok && r.records.map((x) => x.kind === "event" && x.event)).toEqual([
      { type: "fin", conn: 1, dir: "s2c", time: 5 },
    ]);
  });

  // Regression (review): a time of 2^53 µs or more was read as an inexact number and
  // ended a capture view as if the file were torn.
  const badTimes: { name: string; record: () => Uint8Array }[] = [
    {
      name: "a chunk at 2^53 µs",
      record: () => encodeChunkRecord(1, "s2c", 2 ** 53, Uint8Array.of(9)),
    },
    {
      name: "a chunk at 2^63 µs",
      record: () => encodeChunkRecord(1, "c2s", 2 ** 63, Uint8Array.of(9)),
    },
    {
      name: "an event at 2^60 µs",
      record: () => {
        const body = new TextEncoder().encode('{"type":"fin","conn":1,"dir":"c2s","time":5}');
        return join(encodeRecordHead(2, 1, "c2s", 2 ** 60, body), body);
      },
    },
  ];
  for (const c of badTimes) {
    it(`${c.name} is a bad-time record at its offset; reading goes on after it`, () => {
      const before = join(
        encodeCaptureHead(CREATED),
        encodeChunkRecord(1, "c2s", 2 ** 53 - 1, Uint8Array.of(1)),
      );
      const bad = c.record();
      const bytes = join(before, bad, encodeChunkRecord(1, "s2c", CREATED, Uint8Array.of(2)));
      const r = readCapture(bytes);
      if (!r.ok) throw new Error(r.text);
      expect(r.records.map((x) => [x.kind, x.time])).toEqual([
        ["chunk", 2 ** 53 - 1],
        ["chunk", CREATED],
      ]);
      expect(r.bad).toMatchObject([
        { offset: before.length, size: bad.length, reason: "bad-time" },
      ]);
      expect(r.bad[0]?.text).toMatch(/2\^53/);
      expect(r.tail).toBeNull();
    });
  }

  it("a chunk whose direction byte is neither 0 nor 1 is bad-dir", () => {
    const rec = encodeChunkRecord(4, "c2s", 5, Uint8Array.of(7));
    rec[9] = 2;
    rec.set(
      hexToBytes(
        zlibCrc32(rec.subarray(8), zlibCrc32(rec.subarray(0, 4)))
          .toString(16)
          .padStart(8, "0"),
      ),
      4,
    );
    const r = readCapture(join(encodeCaptureHead(CREATED), rec, encodeEventRecord(fin)));
    expect(r).toMatchObject({
      ok: true,
      records: [{ kind: "event", event: fin }],
      bad: [{ kind: "chunk", conn: 4, offset: CAPTURE_HEAD_SIZE, reason: "bad-dir" }],
      tail: null,
    });
  });

  const heads: { name: string; hex: string; error: string }[] = [
    { name: "empty", hex: "", error: "SHORT_HEAD" },
    { name: "magic cut after 3 bytes", hex: "894653", error: "SHORT_HEAD" },
    { name: "other bytes", hex: "0000000568656c6c6f", error: "NOT_A_CAPTURE" },
    {
      name: "version 2",
      hex: "894653434150 0d0a 0002 0018 0000000000000000 00000000",
      error: "UNSUPPORTED_VERSION",
    },
    {
      name: "head size past the end",
      hex: "894653434150 0d0a 0001 0040 0000000000000000 00000000",
      error: "SHORT_HEAD",
    },
  ];
  for (const c of heads) {
    it(`refuses a file head: ${c.name}`, () => {
      const r = readCapture(hexToBytes(c.hex.replaceAll(" ", "")));
      expect(r).toMatchObject({ ok: false, error: c.error });
    });
  }

  it("random bytes after a valid head never throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
        const r = readCapture(join(encodeCaptureHead(CREATED), junk));
        expect(r.ok).toBe(true);
      }),
    );
  });
});
