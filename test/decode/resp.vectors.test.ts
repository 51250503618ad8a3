import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RespFramer } from "../../web/src/decode/resp.js";
import { DEFAULT_RESP_MAX } from "../../web/src/decode/spec.js";
import { bytesToHex, hexToBytes, runFramer, standardChunkings } from "./helpers.js";

interface RespCase {
  name: string;
  framing: string;
  inputHex: string;
  expectedFramesHex: string[];
  expectedError: { kind: string; message: string } | null;
  eof: boolean;
}

const cases = (
  JSON.parse(
    readFileSync(new URL("../../../shared/vectors/other_framings.json", import.meta.url), "utf8"),
  ) as RespCase[]
).filter((c) => c.framing === "resp");

const ERROR_CODES: Record<string, string> = { ProtocolError: "RESP_PROTOCOL_ERROR" };

describe("RESP vectors (redis protocol spec)", () => {
  it("has resp cases to run", () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    const input = hexToBytes(c.inputHex);
    describe(c.name, () => {
      it.each(standardChunkings(input))("$name", ({ chunks }) => {
        const out = runFramer(
          new RespFramer({ kind: "resp", max: DEFAULT_RESP_MAX }),
          chunks,
          c.eof,
        );
        // Whole frames [start, end), and the payload is the whole frame.
        expect(out.frames.map((f) => bytesToHex(input.subarray(f.start, f.end)))).toEqual(
          c.expectedFramesHex,
        );
        expect(out.frames.map((f) => [f.payloadStart, f.payloadEnd])).toEqual(
          out.frames.map((f) => [f.start, f.end]),
        );
        const fatal = out.issues.filter((i) => i.fatal);
        if (c.expectedError === null) {
          expect(fatal).toEqual([]);
        } else {
          expect(fatal.map((i) => i.code)).toEqual([ERROR_CODES[c.expectedError.kind]]);
          expect(fatal[0]?.text).toBe(c.expectedError.message);
        }
      });
    });
  }
});
