import { describe, expect, it } from "vitest";
import { frameLayout, playFramer, rechunk } from "../../web/src/decode/framer-steps.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";
import { lessons } from "../../web/src/ui/lessons.js";

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
