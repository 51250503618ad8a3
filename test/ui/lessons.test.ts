import { describe, expect, it } from "vitest";
import { frameLayout, playFramer, rechunk } from "../../web/src/decode/framer-steps.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";
import { lessons, type LessonFact } from "../../web/src/ui/lessons.js";

const play = (id: string) => {
  const l = lessons().find((x) => x.id === id);
  if (l === undefined) throw new Error(id);
  const s = parseFramingSpec(l.spec);
  if (!s.ok) throw new Error(s.error);
  return { l, spec: s.spec, play: playFramer(s.spec, l.chunks) };
};

const frameEnds = (id: string): number[] => play(id).play.frames.map((f) => f.end);

describe("lessons, played through the real framer", () => {
  it("every lesson's reads hold exactly its messages' bytes", () => {
    for (const l of lessons())
      expect(l.chunks.reduce((n, c) => n + c.length, 0)).toBe(l.messageEnds.at(-1));
  });

  it.each([
    { id: "tokio", ends: [9, 21, 325] },
    { id: "adjust", ends: [7, 15] },
    { id: "keephead", ends: [7, 15] },
    { id: "skip", ends: [8, 17] },
    { id: "grpc", ends: [12, 22] },
  ])("$id: frames end where the messages end", ({ id, ends }) => {
    expect(frameEnds(id)).toEqual(ends);
    expect(play(id).l.messageEnds).toEqual(ends);
  });

  it("fixed12: frames leave the records after the 14-byte record", () => {
    expect(frameEnds("fixed12")).toEqual([12, 24, 36, 48]);
    expect(play("fixed12").l.messageEnds).toEqual([12, 24, 38, 50]);
    expect(play("fixed12").play.steps.at(-1)?.text).toMatch(/stopped at byte 48|2 bytes waiting/);
  });

  it('crlf: the "\\r\\n" inside the protobuf payload cuts 3 frames from 2 messages', () => {
    expect(frameEnds("crlf")).toEqual([3, 9, 13]);
    expect(play("crlf").l.messageEnds).toEqual([9, 13]);
  });

  it("adjust drops the head, keephead keeps it; skip drops type and length", () => {
    const a = play("adjust").play.frames[0];
    expect([a?.payloadStart, a?.payloadEnd]).toEqual([2, 7]);
    const k = play("keephead").play.frames[0];
    expect([k?.payloadStart, k?.payloadEnd]).toEqual([0, 7]);
    const s = play("skip").play.frames[0];
    expect([s?.payloadStart, s?.payloadEnd]).toEqual([3, 8]);
  });

  it("random sizes cut every lesson into several reads, whatever the seed", () => {
    for (const l of lessons()) {
      const bytes = Buffer.concat(l.chunks);
      for (let seed = 1; seed <= 20; seed++)
        expect(
          rechunk(bytes, "random", seed).length,
          `${l.id}, seed ${seed}`,
        ).toBeGreaterThanOrEqual(4);
    }
  });

  it("re-chunking a lesson never changes its frames", () => {
    for (const l of lessons()) {
      const { spec, play: p } = play(l.id);
      const bytes = Buffer.concat(l.chunks);
      for (const how of ["one-byte", "random", "segments", "coalesced"] as const)
        expect(frameLayout(playFramer(spec, rechunk(bytes, how, 3)).frames)).toBe(
          frameLayout(p.frames),
        );
    }
  });
});

/** Why `fact` does not hold for lesson `id` played through the real framer, or undefined when it holds. */
function factFails(id: string, fact: LessonFact): string | undefined {
  const { l, play: p } = play(id);
  const reads = p.steps.map((s) => s.chunk);
  const frame = (i: number) => p.frames[i];
  const read = (i: number) => reads[i];
  const message = (i: number): [number, number] | undefined =>
    i < l.messageEnds.length ? [l.messageEnds[i - 1] ?? 0, l.messageEnds[i] ?? 0] : undefined;
  const bytes = Buffer.concat(l.chunks);
  const total = bytes.length;
  switch (fact.kind) {
    case "straddles": {
      const r = read(fact.read);
      const [a, b] = [frame(fact.frames[0]), frame(fact.frames[1])];
      if (r === undefined || a === undefined || b === undefined) return "no such read or frame";
      const [rs, re] = r;
      if (!(a.end > rs && a.end < re))
        return `frame ${a.index} [${a.start}, ${a.end}) does not end inside read [${rs}, ${re})`;
      if (!(b.start >= rs && b.start < re && b.end > re))
        return `frame ${b.index} [${b.start}, ${b.end}) does not start inside read [${rs}, ${re}) and end after it`;
      return undefined;
    }
    case "whole": {
      const r = read(fact.read);
      const f = frame(fact.frame);
      if (r === undefined || f === undefined) return "no such read or frame";
      return f.start >= r[0] && f.end <= r[1]
        ? undefined
        : `frame [${f.start}, ${f.end}) is not inside read [${r[0]}, ${r[1]})`;
    }
    case "ends-with": {
      const r = read(fact.read);
      const f = frame(fact.frame);
      if (r === undefined || f === undefined) return "no such read or frame";
      return r[1] === f.end ? undefined : `read ends at ${r[1]}, frame at ${f.end}`;
    }
    case "spans": {
      const f = frame(fact.frame);
      if (f === undefined) return "no such frame";
      const n = reads.filter(([s, e]) => s < f.end && e > f.start).length;
      return n === fact.reads ? undefined : `frame ${fact.frame} spans ${n} reads`;
    }
    case "state": {
      const text = p.steps[fact.read]?.text;
      return text === fact.text ? undefined : `after read ${fact.read}: "${text}"`;
    }
    case "count":
      return p.frames.length === fact.frames && l.messageEnds.length === fact.messages
        ? undefined
        : `${p.frames.length} frames, ${l.messageEnds.length} messages`;
    case "message-size": {
      const m = message(fact.message);
      if (m === undefined) return "no such message";
      return m[1] - m[0] === fact.bytes ? undefined : `message is ${m[1] - m[0]} bytes`;
    }
    case "inside": {
      const f = frame(fact.frame);
      const m = message(fact.message);
      if (f === undefined || m === undefined) return "no such frame or message";
      const at = fact.edge === "start" ? f.start : f.end;
      if (!(at > m[0] && at < m[1])) return `${at} is not inside message [${m[0]}, ${m[1]})`;
      if (fact.short !== undefined && m[1] - at !== fact.short)
        return `${at} is ${m[1] - at} bytes before the message's end`;
      return undefined;
    }
    case "unframed": {
      const last = p.frames.at(-1)?.end ?? 0;
      if (total - last !== fact.bytes) return `${total - last} bytes after the last frame`;
      return p.issues.some((x) => x.fatal && x.span[0] === last)
        ? undefined
        : "the framer does not say the bytes stay unframed";
    }
    case "field": {
      const f = frame(fact.frame);
      if (f === undefined) return "no such frame";
      const value = [...bytes.subarray(f.headStart, f.headEnd)].reduce((v, b) => v * 256 + b, 0);
      const size = fact.holds === "frame" ? f.end - f.start : f.payloadEnd - f.payloadStart;
      return value === size ? undefined : `the field holds ${value}, the ${fact.holds} is ${size}`;
    }
    case "payload": {
      const f = frame(fact.frame);
      if (f === undefined) return "no such frame";
      const got = [f.payloadStart - f.start, f.payloadEnd - f.start];
      return got[0] === fact.from && got[1] === fact.to
        ? undefined
        : `payload is [${got[0]}, ${got[1]}) of the frame`;
    }
  }
}

describe("what each lesson's text says is what its reads and frames show", () => {
  const claims = lessons().flatMap((l) =>
    l.claims.map((c) => ({ id: l.id, says: c.says, fact: c.fact, text: l.text })),
  );

  it("every lesson makes claims about its reads or frames", () => {
    for (const l of lessons()) expect(l.claims.length, l.id).toBeGreaterThan(0);
  });

  it.each(claims)('$id: "$says"', ({ id, says, fact, text }) => {
    expect(text).toContain(says);
    expect(factFails(id, fact)).toBeUndefined();
  });

  // Regression: the text said "The second read holds the end of one frame and the start of
  // the next", but the second read [11, 21) ends exactly where frame 1 ends; the first read
  // [0, 11) is the one that holds frame 0's end and frame 1's start.
  it("tokio: the first read straddles frames 0 and 1, the second does not straddle any", () => {
    expect(factFails("tokio", { kind: "straddles", read: 0, frames: [0, 1] })).toBeUndefined();
    expect(factFails("tokio", { kind: "straddles", read: 1, frames: [1, 2] })).toMatch(
      /does not end inside read/,
    );
    expect(play("tokio").l.text).not.toMatch(/second read holds the end of one frame/);
  });

  it("a false claim is caught", () => {
    expect(factFails("tokio", { kind: "spans", frame: 2, reads: 2 })).toBe("frame 2 spans 3 reads");
    expect(factFails("fixed12", { kind: "unframed", bytes: 3 })).toBe(
      "2 bytes after the last frame",
    );
    expect(factFails("adjust", { kind: "field", frame: 0, holds: "payload" })).toBe(
      "the field holds 7, the payload is 5",
    );
  });
});
