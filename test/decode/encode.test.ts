import { describe, expect, it } from "vitest";
import { encodeFrame } from "../../web/src/decode/encode.js";
import { createFramer } from "../../web/src/decode/framers.js";
import { parseFramingSpec, type FramingSpec } from "../../web/src/decode/spec.js";
import { bytesToHex, hexToBytes, payloadHex, runFramer } from "./helpers.js";

function spec(text: string): FramingSpec {
  const r = parseFramingSpec(text);
  if (!r.ok) throw new Error(r.error);
  return r.spec;
}

describe("encoders are the mirror image of their framers", () => {
  it.each([
    ["length", "68656c6c6f", "0000000568656c6c6f"],
    ["length:size=2,endian=le", "6869", "02006869"],
    ["netty:size=2,strip=2", "6869", "00026869"],
    ["netty:size=1,adjust=-1,strip=1", "6869", "036869"],
    ["varint", "0a05776f726c64", "070a05776f726c64"],
    ["grpc", "0a05776f726c64", "00000000070a05776f726c64"],
    ["delim:sep=0d0a", "504f4e47", "504f4e470d0a"],
    ["fixed:size=3", "616263", "616263"],
  ])("%s writes %s as %s and frames it back", (text, payload, expected) => {
    const s = spec(text);
    const r = encodeFrame(s, hexToBytes(payload));
    if (!r.ok) throw new Error(r.text);
    expect(bytesToHex(r.bytes)).toBe(expected);
    const out = runFramer(createFramer(s), [r.bytes]);
    expect(out.issues).toEqual([]);
    expect(out.frames.map((f) => payloadHex(r.bytes, f))).toEqual([payload]);
  });

  it.each([
    ["delim:sep=0d0a", "610d0a62", "SEPARATOR_IN_PAYLOAD"],
    // "a" + "aa": the receiver finds "aa" at byte 0, straddling the payload's end.
    ["delim:sep=6161", "61", "SEPARATOR_IN_PAYLOAD"],
    ["fixed:size=4", "616263", "WRONG_SIZE"],
    ["netty:size=1", "00".repeat(256), "FRAME_TOO_LARGE"],
    ["netty:size=2,adjust=3", "6161", "ADJUSTMENT_OVERFLOW"],
    ["grpc:max=2", "616161", "FRAME_TOO_LARGE"],
    ["resp", "2b4f4b0d0a", "NOT_ENCODABLE"],
  ])("%s refuses %s with %s", (text, payload, code) => {
    const r = encodeFrame(spec(text), hexToBytes(payload));
    expect(r.ok ? "ok" : r.code).toBe(code);
  });
});
