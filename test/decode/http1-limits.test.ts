import { describe, expect, it } from "vitest";
import { Http1Framer, MAX_CHUNKED_PARTS } from "../../web/src/decode/http1.js";
import { runFramer } from "./helpers.js";

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe("http1 framing limits", () => {
  it(`a chunked body may have ${MAX_CHUNKED_PARTS} chunks; one more stops framing instead of growing without bound`, () => {
    const head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    const body = (n: number) => ascii(head + "1\r\na\r\n".repeat(n) + "0\r\n\r\n");
    const ok = runFramer(new Http1Framer({ kind: "http1", max: 65536 }), [body(MAX_CHUNKED_PARTS)]);
    expect(ok.issues).toEqual([]);
    expect(ok.frames[0]?.info).toMatchObject({ kind: "http1", body: "chunked" });
    const over = runFramer(new Http1Framer({ kind: "http1", max: 65536 }), [
      body(MAX_CHUNKED_PARTS + 1),
    ]);
    expect(over.frames).toEqual([]);
    expect(over.issues.map((i) => [i.code, i.fatal])).toEqual([["FRAME_TOO_LARGE", true]]);
  });
});
