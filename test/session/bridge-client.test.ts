import { describe, expect, it } from "vitest";
import {
  BRIDGE_PROTOCOL_VERSION,
  encodeChunk,
  type ServerMessage,
} from "../../web/src/session/bridge-protocol.js";
import {
  parseServerMessage,
  reconnectDelay,
  RECONNECT_MAX_MS,
  type BridgeEvent,
} from "../../web/src/session/bridge-client.js";
import { fakeClient, HELLO } from "./fakes.js";

function started() {
  const f = fakeClient();
  const events: BridgeEvent[] = [];
  f.client.listen((e) => events.push(e));
  f.client.start();
  return { ...f, events };
}

describe("BridgeClient", () => {
  it("is open once the bridge said hello, and passes control messages and chunks on", () => {
    const { client, sockets, events } = started();
    expect(client.state).toEqual({ kind: "connecting", attempt: 1 });
    const s = sockets[0];
    if (s === undefined) throw new Error("no socket");
    expect(s.binaryType).toBe("arraybuffer");
    s.open();
    expect(client.send({ type: "attach", req: 1, tap: "demo" })).toBe(false);
    s.text(HELLO);
    expect(client.state).toEqual({ kind: "open", hello: HELLO });
    expect(client.send({ type: "attach", req: client.nextReq(), tap: "demo" })).toBe(true);
    expect(s.sentMessages()).toEqual([{ type: "attach", req: 1, tap: "demo" }]);
    s.binary(encodeChunk({ dir: "s2c", view: 2, conn: 7, time: 123 }, Uint8Array.of(1, 2, 3)));
    const chunk = events.find((e) => e.type === "chunk");
    expect(chunk).toEqual({
      type: "chunk",
      head: { dir: "s2c", view: 2, conn: 7, time: 123 },
      bytes: Uint8Array.of(1, 2, 3),
    });
  });

  it("sends the page's bytes as a chunk for view 0 stamped by the bridge", () => {
    const { client, sockets } = started();
    sockets[0]?.open();
    sockets[0]?.text(HELLO);
    expect(client.sendChunk(4, Uint8Array.of(9))).toBe(true);
    expect(sockets[0]?.sent[0]).toEqual(
      encodeChunk({ dir: "c2s", view: 0, conn: 4, time: 0 }, Uint8Array.of(9)),
    );
  });

  it("reports what it cannot read instead of dropping it silently", () => {
    const { sockets, events } = started();
    sockets[0]?.open();
    sockets[0]?.text(HELLO);
    sockets[0]?.onmessage?.({ data: '{"type":"mystery"}' });
    sockets[0]?.binary(Uint8Array.of(9, 9));
    expect(
      events.filter((e) => e.type === "protocol-error").map((e) => (e as { text: string }).text),
    ).toEqual([expect.stringContaining("mystery"), expect.stringContaining("SHORT_HEAD")]);
  });

  it("reconnects at once after losing an open link, then backs off while the bridge stays away", () => {
    const { client, sockets, timers } = started();
    sockets[0]?.open();
    sockets[0]?.text(HELLO);
    sockets[0]?.drop(1006);
    expect(client.state).toMatchObject({
      kind: "waiting",
      reason: expect.stringContaining("lost the bridge"),
    });
    expect(timers.delays()).toEqual([0]);
    timers.runAll();
    expect(sockets).toHaveLength(2);
    sockets[1]?.drop(1006);
    expect(client.state).toMatchObject({
      kind: "waiting",
      reason: expect.stringContaining("cannot reach"),
    });
    expect(timers.delays()).toEqual([reconnectDelay(1)]);
    timers.runAll();
    sockets[2]?.drop(1006);
    expect(timers.delays()).toEqual([reconnectDelay(2)]);
    timers.runAll();
    sockets[3]?.open();
    sockets[3]?.text(HELLO);
    expect(client.state.kind).toBe("open");
  });

  it("does not retry against a bridge of another protocol version", () => {
    const { client, sockets, timers } = started();
    sockets[0]?.open();
    sockets[0]?.text({ ...HELLO, version: BRIDGE_PROTOCOL_VERSION + 1 } as ServerMessage);
    expect(client.state).toMatchObject({
      kind: "incompatible",
      reason: expect.stringContaining("version"),
    });
    expect(sockets[0]?.closedWith).toBe(1000);
    expect(timers.delays()).toEqual([]);
  });

  it("stop closes the link for good", () => {
    const { client, sockets, timers } = started();
    sockets[0]?.open();
    client.stop();
    expect(client.state).toEqual({ kind: "stopped" });
    expect(sockets[0]?.closedWith).toBe(1000);
    expect(timers.delays()).toEqual([]);
  });
});

describe("reconnectDelay", () => {
  it("doubles from 500 ms and stays at most RECONNECT_MAX_MS", () => {
    expect([1, 2, 3, 4, 5, 6].map(reconnectDelay)).toEqual([500, 1000, 2000, 4000, 8000, 10000]);
    expect(reconnectDelay(100)).toBe(RECONNECT_MAX_MS);
  });
});

describe("parseServerMessage", () => {
  it.each([
    ["not JSON", "{"],
    ["not an object", "3"],
    ["no type", '{"view":1}'],
    ["an unknown type", '{"type":"hi"}'],
  ])("refuses %s", (_name, text) => {
    expect(parseServerMessage(text)).toBeUndefined();
  });

  it("accepts a known message", () => {
    expect(parseServerMessage('{"type":"view-end","view":1,"reason":"done"}')).toEqual({
      type: "view-end",
      view: 1,
      reason: "done",
    });
  });
});
