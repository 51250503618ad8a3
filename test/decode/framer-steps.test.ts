import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hexToBytes } from "../../web/src/decode/hex.js";
import {
  frameLayout,
  playFramer,
  randomReadMax,
  rechunk,
} from "../../web/src/decode/framer-steps.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";

const spec = (text: string) => {
  const r = parseFramingSpec(text);
  if (!r.ok) throw new Error(r.error);
  return r.spec;
};

/** Two 4-byte-length frames: "ab" then "cde" (6 + 7 bytes). */
const TWO = hexToBytes("000000026162" + "00000003636465");
const cut = (bytes: Uint8Array, at: readonly number[]): Uint8Array[] => {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  return out;
};

describe("playFramer", () => {
  it("head split after 2 bytes, then payload short by 1, then the rest", () => {
    const play = playFramer(spec("length"), cut(TWO, [2, 5, 9]));
    expect(play.steps.map((s) => s.text)).toEqual([
      "head: 2 of 4 bytes",
      "payload: need 1 more byte",
      "frame 0 complete; head: 3 of 4 bytes",
      "frame 1 complete",
    ]);
    expect(play.steps[0]?.waiting).toEqual([0, 2]);
    expect(play.steps[0]?.needed).toEqual([2, 4]);
    expect(play.steps[1]?.needed).toEqual([5, 6]);
    expect(play.steps.map((s) => s.framesDone)).toEqual([0, 0, 1, 2]);
  });

  it("a read that completes 300,000 frames at once", () => {
    const play = playFramer(spec("fixed:size=1"), [new Uint8Array(300_000)]);
    expect(play.frames.length).toBe(300_000);
    expect(play.steps.map((s) => s.text)).toEqual(["frames 0–299999 complete"]);
  });

  it("two frames in one read", () => {
    const play = playFramer(spec("length"), [TWO]);
    expect(play.steps.map((s) => s.text)).toEqual(["frames 0–1 complete"]);
  });

  it("a delimiter not yet seen, and a stream that ends mid-frame", () => {
    const play = playFramer(spec("delim:sep=0d0a"), [hexToBytes("6162"), hexToBytes("0d0a63")]);
    expect(play.steps.map((s) => s.text)).toEqual([
      "2 bytes read, no end of the frame yet",
      expect.any(String) as unknown as string,
    ]);
    expect(play.steps[1]?.text).toMatch(/^frame 0 complete; stopped at byte 4: stream ended/);
  });

  it("a fatal head stops the framer", () => {
    const play = playFramer(spec("length:max=4"), [hexToBytes("00"), hexToBytes("000009aa")]);
    expect(play.steps[0]?.text).toBe("head: 1 of 4 bytes");
    expect(play.steps[1]?.text).toMatch(/^stopped at byte 0: /);
  });
});

describe("playFramer on a stream that has not ended", () => {
  /** Frame 0 "abc" whole, then frame 1's head (16) and 7 of its 16 payload bytes: 18 bytes. */
  const OPEN = hexToBytes("00000003616263" + "00000010" + "41424344454647");

  // Regression: the teaching view played every stream as ended, so a stream still open
  // after a frame's first bytes said "stopped at byte 7: stream ended inside a frame".
  it("the last read says what the framer waits for, never that the stream ended", () => {
    const play = playFramer(spec("length"), [OPEN], false);
    expect(play.steps.map((s) => s.text)).toEqual(["frame 0 complete; payload: need 9 more bytes"]);
    expect(play.steps[0]?.waiting).toEqual([7, 18]);
    expect(play.steps[0]?.needed).toEqual([18, 27]);
    // The framer has read frame 1's length field: its head is known before the frame is cut.
    expect(play.steps[0]?.head).toEqual([7, 11]);
    expect(play.issues).toEqual([]);
    expect(play.frames.map((f) => [f.start, f.end])).toEqual([[0, 7]]);
  });

  it("the same bytes, ended, say where the framer stopped", () => {
    const play = playFramer(spec("length"), [OPEN], true);
    expect(play.steps[0]?.text).toBe(
      "frame 0 complete; stopped at byte 7: stream ended inside a frame: 9 of 16 payload bytes missing",
    );
  });

  it("mid-stream and at the end of an open stream, the words agree", () => {
    const open = playFramer(spec("length"), cut(OPEN, [9, 14]), false);
    expect(open.steps.map((s) => s.text)).toEqual([
      "frame 0 complete; head: 2 of 4 bytes",
      "payload: need 13 more bytes",
      "payload: need 9 more bytes",
    ]);
  });

  // The teaching view plays the first 4096 bytes of a long stream: a 65536-byte frame cut there.
  it("a frame longer than the bytes played: the bytes it still needs, from its head", () => {
    const big = new Uint8Array(4096);
    big.set([0, 1, 0, 0]);
    const play = playFramer(spec("length:max=1000000"), rechunk(big, "segments"), false);
    expect(play.steps.map((s) => s.text)).toEqual([
      "payload: need 64080 more bytes",
      "payload: need 62620 more bytes",
      "payload: need 61444 more bytes",
    ]);
    expect(play.steps.at(-1)?.needed).toEqual([4096, 65540]);
  });

  it.each([
    {
      framing: "grpc",
      bytes: "0000000005616263",
      text: "payload: need 2 more bytes",
      head: [0, 5],
    },
    { framing: "varint", bytes: "05616263", text: "payload: need 2 more bytes", head: [0, 1] },
    {
      framing: "varint:offset=1",
      bytes: "ff05616263",
      text: "payload: need 2 more bytes",
      head: [0, 2],
    },
    {
      framing: "netty:size=2",
      bytes: "0005616263",
      text: "payload: need 2 more bytes",
      head: [0, 2],
    },
    {
      framing: "length:offset=1,size=2",
      bytes: "0100056162",
      text: "payload: need 3 more bytes",
      head: [1, 3],
    },
    { framing: "length:size=2", bytes: "00", text: "head: 1 of 2 bytes", head: undefined },
    {
      framing: "delim:sep=0d0a",
      bytes: "616263",
      text: "3 bytes read, no end of the frame yet",
      head: undefined,
    },
    { framing: "fixed:size=4", bytes: "6162", text: "head: 2 of 4 bytes", head: undefined },
  ])("$framing, open after $bytes: $text", ({ framing, bytes, text, head }) => {
    const play = playFramer(spec(framing), [hexToBytes(bytes)], false);
    expect(play.steps.map((s) => s.text)).toEqual([text]);
    expect(play.steps[0]?.head).toEqual(head);
    expect(play.issues).toEqual([]);
  });
});

describe("rechunk", () => {
  it.each(["one-byte", "random", "segments", "coalesced"] as const)(
    "%s keeps every byte and the frames",
    (how) => {
      const bytes = new Uint8Array(4000).map((_, i) => (i % 7 === 0 ? 0 : i & 0xff));
      const chunks = rechunk(bytes, how, 7);
      expect(Buffer.concat(chunks).equals(Buffer.from(bytes))).toBe(true);
      if (how === "one-byte") expect(chunks.length).toBe(4000);
      if (how === "segments") expect(chunks.map((c) => c.length)).toEqual([1460, 1460, 1080]);
      if (how === "coalesced") expect(chunks.length).toBe(1);
      if (how === "random")
        expect(chunks.every((c) => c.length >= 1 && c.length <= randomReadMax(4000))).toBe(true);
    },
  );

  it.each([
    { length: 0, max: 2 },
    { length: 8, max: 2 },
    { length: 13, max: 4 },
    { length: 34, max: 9 },
    { length: 100, max: 25 },
    { length: 256, max: 64 },
    { length: 4096, max: 64 },
  ])("random reads of a $length-byte stream are at most $max bytes", ({ length, max }) => {
    expect(randomReadMax(length)).toBe(max);
  });

  // Regression: random reads were 1..64 bytes and the first one (seed 1) was 34, so a
  // stream of 34 bytes or less arrived in one read.
  it("random sizes cut a 34-byte stream into several reads of 1 to 9 bytes, for any seed", () => {
    const bytes = new Uint8Array(34);
    for (let seed = 1; seed <= 50; seed++) {
      const sizes = rechunk(bytes, "random", seed).map((c) => c.length);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(34);
      expect(sizes.length).toBeGreaterThanOrEqual(4);
      expect(sizes.every((n) => n >= 1 && n <= 9)).toBe(true);
    }
  });

  it("the same seed gives the same random cuts; reshuffling (the next seed) gives others", () => {
    const bytes = new Uint8Array(13);
    const sizes = (seed: number): number[] => rechunk(bytes, "random", seed).map((c) => c.length);
    expect(sizes(1)).toEqual(sizes(1));
    for (let seed = 1; seed < 10; seed++) expect(sizes(seed + 1)).not.toEqual(sizes(seed));
  });

  it("frames are the same however the bytes are cut (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 1000 }),
        (payloads, seed) => {
          const bytes = Buffer.concat(
            payloads.map((p) => Buffer.concat([Buffer.from([0, 0, 0, p.length]), p])),
          );
          const whole = frameLayout(playFramer(spec("length"), [bytes]).frames);
          for (const how of ["one-byte", "random", "segments"] as const)
            expect(frameLayout(playFramer(spec("length"), rechunk(bytes, how, seed)).frames)).toBe(
              whole,
            );
        },
      ),
    );
  });
});
