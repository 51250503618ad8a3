import { describe, expect, it } from "vitest";
import { parseFramingSpec, type FramingSpec } from "../../web/src/decode/spec.js";
import { StreamDecoder, type StreamEvent } from "../../web/src/decode/stream-decoder.js";

function spec(text: string): FramingSpec {
  const r = parseFramingSpec(text);
  if (!r.ok) throw new Error(r.error);
  return r.spec;
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const MiB = 1 << 20;

describe("StreamDecoder", () => {
  it("hands over each frame's payload and decoded message, in stream order with issues", () => {
    const d = new StreamDecoder(spec("length:size=1"), { kind: "raw" });
    const events: StreamEvent[] = [
      ...d.push(Uint8Array.of(2, 0x08, 0x01, 3)),
      ...d.push(Uint8Array.of(0x0a)),
      ...d.end(),
    ];
    expect(events.map((e) => e.type)).toEqual(["frame", "issue"]);
    const first = events[0];
    if (first?.type !== "frame") throw new Error("frame expected");
    expect([...(first.frame.payload ?? [])]).toEqual([0x08, 0x01]);
    expect(first.frame.message?.fields.map((f) => f.number)).toEqual([1]);
  });

  it("keeps nothing of a too-long Netty frame it discards (regression: 300 MiB were held)", () => {
    const d = new StreamDecoder(spec("netty:size=4,max=1024"), { kind: "none" });
    d.push(Uint8Array.of(0x7f, 0xff, 0xff, 0xff));
    for (let k = 0; k < 64; k++) d.push(new Uint8Array(MiB));
    expect(d.heldBytes).toBeLessThanOrEqual(MiB);
  });

  it("holds at most maxHeld bytes of a huge frame, then reports it without its bytes", () => {
    const d = new StreamDecoder(spec("http1"), { kind: "none" }, undefined, 2 * MiB);
    const head = ascii(`HTTP/1.1 200 OK\r\nContent-Length: ${8 * MiB}\r\n\r\n`);
    const events = [...d.push(head)];
    for (let k = 0; k < 8; k++) {
      events.push(...d.push(new Uint8Array(MiB)));
      expect(d.heldBytes).toBeLessThanOrEqual(3 * MiB);
    }
    events.push(...d.push(ascii("HTTP/1.1 204 No Content\r\n\r\n")), ...d.end());
    const frames = events.flatMap((e) => (e.type === "frame" ? [e.frame] : []));
    expect(
      frames.map((f) => [f.frame.payloadEnd - f.frame.payloadStart, f.payload?.length]),
    ).toEqual([
      [8 * MiB, undefined],
      [0, 0],
    ]);
  });
});
