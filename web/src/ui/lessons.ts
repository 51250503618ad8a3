/**
 * Ready lessons for the teaching view: the classic ways of reading messages
 * from TCP, each as real bytes (built with the framing encoders), the reads
 * that deliver them, and what the sender meant by each message. The view plays
 * them through the real framer; nothing here is a picture.
 */
import { encodeFrame } from "../decode/encode.js";
import { parseFramingSpec } from "../decode/spec.js";
import { encodeUtf8 } from "../decode/utf8.js";
import { concatBytes } from "../decode/concat.js";

/** One lesson: a framing spec, the stream cut into reads, and the sender's message ends. */
export interface Lesson {
  readonly id: string;
  readonly title: string;
  readonly spec: string;
  /** The reads (chunks) as TCP delivered them. */
  readonly chunks: readonly Uint8Array[];
  /** End offsets of the messages as the sender wrote them. */
  readonly messageEnds: readonly number[];
  readonly text: string;
}

const ascii = (s: string): Uint8Array => encodeUtf8(s);

/** Frames each payload with `spec`'s encoder. */
function framed(spec: string, payloads: readonly Uint8Array[]): Uint8Array[] {
  const s = parseFramingSpec(spec);
  if (!s.ok) throw new Error(`lesson spec ${spec}: ${s.error}`);
  return payloads.map((p) => {
    const r = encodeFrame(s.spec, p);
    if (!r.ok) throw new Error(`lesson payload: ${r.text}`);
    return r.bytes;
  });
}

/** Cuts the joined messages at `cuts` (absolute offsets): the reads. */
function reads(messages: readonly Uint8Array[], cuts: readonly number[]): Uint8Array[] {
  const all = concatBytes(messages);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of [...cuts, all.length]) {
    if (c > from) out.push(all.subarray(from, c));
    from = c;
  }
  return out;
}

function ends(messages: readonly Uint8Array[]): number[] {
  let at = 0;
  return messages.map((m) => (at += m.length));
}

function lesson(
  id: string,
  title: string,
  spec: string,
  messages: readonly Uint8Array[],
  cuts: readonly number[],
  text: string,
): Lesson {
  return { id, title, spec, chunks: reads(messages, cuts), messageEnds: ends(messages), text };
}

const record = (n: string): Uint8Array => ascii(n);

/** The ready lessons, in teaching order. */
export function lessons(): Lesson[] {
  const fixed = ["id=1;ok=yes\n", "id=2;ok=yes\n", "id=3;ok=maybe\n", "id=4;ok=yes\n"].map(record);
  const tokio = framed("length", [
    ascii("hello"),
    ascii("framing!"),
    new Uint8Array(300).fill(0x2e),
  ]);
  const adjusted = [ascii("hello"), ascii("world!")].map((p) =>
    concatBytes([Uint8Array.of(0, p.length + 2), p]),
  );
  const typed = [ascii("hello"), ascii("world!")].map((p, i) =>
    concatBytes([Uint8Array.of(i + 1, 0, p.length), p]),
  );
  const grpc = framed("grpc", [
    Uint8Array.of(0x0a, 0x05, ...ascii("alice")),
    Uint8Array.of(0x0a, 0x03, ...ascii("bob")),
  ]);
  // Field 2 = 13 (10 0d), then field 1 = "abc" (0a 03 …): 0d 0a inside the message.
  const lines = [
    concatBytes([Uint8Array.of(0x10, 0x0d, 0x0a, 0x03, ...ascii("abc")), ascii("\r\n")]),
    ascii("hi\r\n"),
  ];
  return [
    lesson(
      "fixed12",
      "a fixed 12-byte read breaks when a message changes size",
      "fixed:size=12",
      fixed,
      [12, 24, 38],
      "The reader does read_exact(12) because every record used to be 12 bytes. Record 3 is 14 bytes: from there every frame starts in the middle of a record, and the last 2 bytes wait forever.",
    ),
    lesson(
      "tokio",
      "tokio's LengthDelimitedCodec default: 4-byte big-endian length",
      "length",
      tokio,
      [11, 21, 200, 250],
      "Each frame is a 4-byte big-endian length, then that many payload bytes. The second read holds the end of one frame and the start of the next; the 300-byte frame spans three reads.",
    ),
    lesson(
      "adjust",
      "length_adjustment = -2: the length counts its own head",
      "length:size=2,adjust=-2",
      adjusted,
      [1, 9],
      "The 2-byte field holds the whole frame's size, head included. length_adjustment(-2) subtracts the head to get the payload's size; num_skip stays at its default (2) and drops the head.",
    ),
    lesson(
      "keephead",
      "num_skip = 0: the same bytes, head kept in the payload",
      "length:size=2,skip=0",
      adjusted,
      [1, 9],
      "With num_skip(0) nothing is dropped: the length is counted from the frame's first byte, so the field (the whole frame's size) needs no adjustment and the payload starts with the head.",
    ),
    lesson(
      "skip",
      "length_field_offset = 1, num_skip = 3: a type byte before the length",
      "length:offset=1,size=2,skip=3",
      typed,
      [2, 10],
      "A 1-byte message type comes first, then a 2-byte length. The framer reads 3 bytes before it knows the size; num_skip(3) drops type and length from the payload.",
    ),
    lesson(
      "grpc",
      "gRPC's 5-byte prefix: compressed flag and 4-byte length",
      "grpc",
      grpc,
      [3, 14],
      "Every gRPC message on an HTTP/2 stream is 1 flag byte (compressed or not), a 4-byte big-endian length, then the protobuf bytes.",
    ),
    lesson(
      "crlf",
      '"\\r\\n" delimiting breaks on a binary payload that contains "\\r\\n"',
      "delim:sep=0d0a",
      lines,
      [9],
      'Lines end at "\\r\\n". The first message is protobuf: field 2 = 13 (10 0d) followed by field 1\'s tag (0a) makes "\\r\\n" inside the payload, so the framer cuts it in two: 3 frames for 2 messages.',
    ),
  ];
}
