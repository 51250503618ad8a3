import { describe, expect, it } from "vitest";
import { createFramer, createFramerPair } from "../../web/src/decode/framers.js";
import { parseFramingSpec, type FramingSpec } from "../../web/src/decode/spec.js";
import { runFramer } from "./helpers.js";

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function spec(text: string): FramingSpec {
  const r = parseFramingSpec(text);
  if (!r.ok) throw new Error(r.error);
  return r.spec;
}

describe("framer pairs link the two directions of a connection", () => {
  const requests = ascii("HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
  const responses = ascii(
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" +
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
  );

  it("an HTTP/1 response to HEAD has no body, though it names a Content-Length", () => {
    const pair = createFramerPair(spec("http1"));
    runFramer(pair.c2s, [requests]);
    const out = runFramer(pair.s2c, [responses]);
    expect(out.issues).toEqual([]);
    expect(out.frames.map((f) => [f.start, f.end, f.payloadEnd - f.payloadStart])).toEqual([
      [0, 38, 0],
      [38, 78, 2],
    ]);
  });

  it("without the request side the same bytes are misread: the reason pairs exist", () => {
    const out = runFramer(createFramer(spec("http1")), [responses]);
    expect(out.frames[0]?.end).toBe(43);
  });

  it("other framings get two independent framers", () => {
    const pair = createFramerPair(spec("length:size=1"));
    expect(runFramer(pair.c2s, [Uint8Array.of(1, 9)]).frames).toHaveLength(1);
    expect(runFramer(pair.s2c, [Uint8Array.of(0)]).frames).toHaveLength(1);
  });
});

describe("a response that comes before its request's body is complete", () => {
  it("still pairs with that request: methods are noted when a request head is complete", () => {
    const pair = createFramerPair(spec("http1"));
    // A POST whose body has not all arrived; the server answers 413 at once.
    runFramer(pair.c2s, [ascii("POST /up HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345")], false);
    pair.s2c.push(ascii("HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n"));
    // The rest of the body, then a HEAD whose response names a length but has no body.
    pair.c2s.push(ascii("67890HEAD / HTTP/1.1\r\n\r\n"));
    const out = runFramer(pair.s2c, [
      ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"),
    ]);
    expect(out.issues).toEqual([]);
    expect(out.frames.map((f) => f.payloadEnd - f.payloadStart)).toEqual([0, 0]);
  });
});
