import { describe, expect, it } from "vitest";
import { playFramer } from "../../web/src/decode/framer-steps.js";
import { hexToBytes } from "../../web/src/decode/hex.js";
import { parseFramingSpec } from "../../web/src/decode/spec.js";
import { StreamChunks } from "../../web/src/session/capture-store.js";
import {
  sameFramesText,
  STREAM_MAX,
  streamSource,
  type TeachSource,
} from "../../web/src/ui/teach-source.js";

const spec = (text: string) => {
  const r = parseFramingSpec(text);
  if (!r.ok) throw new Error(r.error);
  return r.spec;
};

/** A stream as the capture store keeps it: `reads` appended in order, ended at `endedAt`. */
function stream(reads: readonly Uint8Array[], endedAt: number | null = null): StreamChunks {
  const s = new StreamChunks();
  reads.forEach((r, i) => s.append(r, i));
  s.endedAt = endedAt;
  return s;
}

/** What the teaching view says after the source's last read (as delivered). */
const lastState = (src: TeachSource, framing = "length"): string | undefined =>
  playFramer(spec(framing), src.chunks, src.ended).steps.at(-1)?.text;

/** Frame 0 whole (7 bytes), then frame 1's head and 7 of its 16 payload bytes: 18 bytes. */
const MID_FRAME = [hexToBytes("00000003616263"), hexToBytes("0000001041424344454647")];

describe("a stream of the selected conversation, in the teaching view", () => {
  // Regression: the view played every stream as ended ("stopped at byte 7: stream ended
  // inside a frame: 9 of 16 payload bytes missing") on a stream still open.
  it("an open stream that stops mid-frame: the framer is waiting, not ended", () => {
    const src = streamSource(stream(MID_FRAME), "s2c", "length", 3, false);
    expect(src.ended).toBe(false);
    expect(lastState(src)).toBe("payload: need 9 more bytes");
    expect(src.text).toBe(
      "Connection #3, server to client: the reads as the bridge received them. " +
        "The stream is still open (18 bytes so far): the framer waits for more.",
    );
    expect(src.axisEnd).toBe("18 B so far");
  });

  it("once the direction ended (FIN), the framer is ended and says where it stopped", () => {
    const src = streamSource(stream(MID_FRAME, 5), "s2c", "length", 3, false);
    expect(src.ended).toBe(true);
    expect(lastState(src)).toBe(
      "stopped at byte 7: stream ended inside a frame: 9 of 16 payload bytes missing",
    );
    expect(src.text).toMatch(/The stream has ended: 18 bytes in all\.$/);
    expect(src.axisEnd).toBe("18 B");
  });

  it("a closed connection ends its streams", () => {
    expect(streamSource(stream(MID_FRAME), "c2s", "length", 3, true).ended).toBe(true);
  });

  // Regression: a 40 MB stream, played up to STREAM_MAX bytes, said "stopped at byte 0: stream
  // ended inside a frame: 61444 of 65536 payload bytes missing".
  it("a long stream: the first STREAM_MAX bytes, never ended at the cut, and said so", () => {
    const head = new Uint8Array(1460);
    head.set([0, 1, 0, 0]); // a 65536-byte payload
    const reads = [head, ...Array.from({ length: 40 }, () => new Uint8Array(1460))];
    const s = stream(reads, 99);
    const src = streamSource(s, "s2c", "length:max=1000000", 7, true);
    expect(src.chunks.reduce((n, c) => n + c.length, 0)).toBe(STREAM_MAX);
    expect(src.chunks.map((c) => c.length)).toEqual([1460, 1460, 1176]);
    expect(src.ended).toBe(false);
    expect(lastState(src, "length:max=1000000")).toBe("payload: need 61444 more bytes");
    expect(src.text).toContain(
      "Showing the first 4,096 of 59,860 bytes; the stream goes on after them, so the framer is not ended at the cut.",
    );
    expect(src.text).not.toMatch(/ended inside|has ended/);
    expect(src.axisEnd).toBe("4,096 of 59,860 B");
  });

  it("a stream of exactly STREAM_MAX bytes is played whole, and ends when it ended", () => {
    const src = streamSource(
      stream([new Uint8Array(STREAM_MAX)], 1),
      "c2s",
      "fixed:size=4",
      1,
      false,
    );
    expect(src.ended).toBe(true);
    expect(src.text).toMatch(/The stream has ended: 4,096 bytes in all\.$/);
  });

  it("a stream of 1 byte says 1 byte", () => {
    const src = streamSource(stream([Uint8Array.of(0)]), "c2s", "length", 1, false);
    expect(src.text).toMatch(/\(1 byte so far\)/);
  });
});

describe("the frames-from-reads line", () => {
  // Regression: "1 frames from 1 read".
  it.each([
    {
      frames: 1,
      reads: 1,
      same: true,
      text: "1 frame from 1 read: the same frame as the reads TCP delivered",
    },
    {
      frames: 3,
      reads: 13,
      same: true,
      text: "3 frames from 13 reads: the same frames as the reads TCP delivered",
    },
    {
      frames: 0,
      reads: 0,
      same: true,
      text: "0 frames from 0 reads: the same frames as the reads TCP delivered",
    },
    { frames: 2, reads: 1, same: false, text: "2 frames from 1 read: frames differ" },
  ])("$frames frames, $reads reads: $text", ({ frames, reads, same, text }) => {
    expect(sameFramesText(frames, reads, same)).toBe(text);
  });
});
