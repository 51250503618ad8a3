/**
 * Framing presets: real protocols named on top of the spec strings, each with
 * what a frame of it looks like. Choosing one sets the stream's spec string
 * (always shown) and a payload decoding that suits it.
 */
import { KV_FRAMING } from "../session/defaults.js";
import type { PayloadChoice } from "../session/worker-protocol.js";

export interface Preset {
  readonly id: string;
  readonly label: string;
  readonly spec: string;
  /** One line: the frame's layout in words. */
  readonly layout: string;
  /** How payloads are decoded when the preset is chosen, per direction. */
  readonly payload: { readonly c2s: PayloadChoice; readonly s2c: PayloadChoice };
}

const RAW: PayloadChoice = { kind: "raw" };
const NONE: PayloadChoice = { kind: "none" };
const both = (p: PayloadChoice) => ({ c2s: p, s2c: p });

export const PRESETS: readonly Preset[] = [
  {
    id: "kv",
    label: "kv server (gzip flag)",
    spec: KV_FRAMING,
    layout: "4-byte big-endian length; its top bit says the payload is gzip-compressed",
    payload: {
      c2s: { kind: "schema", type: "abi.CommandRequest" },
      s2c: { kind: "schema", type: "abi.CommandResponse" },
    },
  },
  {
    id: "tokio",
    label: "tokio LengthDelimitedCodec (default)",
    spec: "length",
    layout: "4-byte big-endian length, then that many payload bytes",
    payload: both(RAW),
  },
  {
    id: "netty",
    label: "Netty LengthFieldBasedFrameDecoder (2-byte length, stripped)",
    spec: "netty:size=2,strip=2",
    layout: "2-byte big-endian length; initialBytesToStrip = 2 drops it from the frame",
    payload: both(RAW),
  },
  {
    id: "grpc",
    label: "gRPC Length-Prefixed-Message",
    spec: "grpc",
    layout: "1-byte compressed flag, 4-byte big-endian length, message",
    payload: both(RAW),
  },
  {
    id: "varint",
    label: "protobuf varint-delimited (writeDelimitedTo)",
    spec: "varint",
    layout: "varint length, then the message",
    payload: both(RAW),
  },
  {
    id: "postgres",
    label: "PostgreSQL messages",
    spec: "length:offset=1,adjust=1,skip=0",
    layout: "1-byte type, 4-byte length counting itself; the frame is the whole message",
    payload: both(NONE),
  },
  {
    id: "http2",
    label: "HTTP/2 frames",
    spec: "length:size=3,adjust=6",
    layout: "3-byte length of the frame payload, type, flags, 4-byte stream id (9-byte header)",
    payload: both(NONE),
  },
  {
    id: "mqtt",
    label: "MQTT packets",
    spec: "varint:offset=1",
    layout: "1-byte type and flags, then the remaining length as a varint",
    payload: both(NONE),
  },
  {
    id: "resp",
    label: "Redis RESP",
    spec: "resp",
    layout: "one frame per top-level RESP2/RESP3 value",
    payload: both(NONE),
  },
  {
    id: "lines",
    label: '"\\r\\n" lines',
    spec: "delim:sep=0d0a",
    layout: "each frame ends with CR LF (text protocols: POP3, SMTP, RESP inline)",
    payload: both(NONE),
  },
  {
    id: "http1",
    label: "HTTP/1.1",
    spec: "http1",
    layout: "head up to the blank line, body by Content-Length or chunked",
    payload: both(NONE),
  },
  {
    id: "fixed12",
    label: "fixed 12 bytes",
    spec: "fixed:size=12",
    layout: 'every frame is 12 bytes ("hello world!")',
    payload: both(NONE),
  },
];

/** The preset whose spec string is `spec` (compared canonically by the caller), if any. */
export function presetFor(spec: string): Preset | undefined {
  return PRESETS.find((p) => p.spec === spec);
}
