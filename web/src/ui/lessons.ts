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

/**
 * One fact a lesson's text states about its reads, frames and messages (all
 * numbered from 0, as the lanes label them), in a form the tests check
 * against the real framer, so the words cannot drift from what the lesson
 * plays.
 */
export type LessonFact =
  /** Read `read` holds the end of frame `frames[0]` and the start of frame `frames[1]`, which ends after it. */
  | {
      readonly kind: "straddles";
      readonly read: number;
      readonly frames: readonly [number, number];
    }
  /** Frame `frame` lies whole inside read `read`. */
  | { readonly kind: "whole"; readonly read: number; readonly frame: number }
  /** Read `read` ends exactly where frame `frame` ends. */
  | { readonly kind: "ends-with"; readonly read: number; readonly frame: number }
  /** Frame `frame`'s bytes arrive in `reads` reads. */
  | { readonly kind: "spans"; readonly frame: number; readonly reads: number }
  /** After read `read`, the framer's state in words is `text`. */
  | { readonly kind: "state"; readonly read: number; readonly text: string }
  /** The framer cuts `frames` frames from the sender's `messages` messages. */
  | { readonly kind: "count"; readonly frames: number; readonly messages: number }
  /** Message `message` is `bytes` bytes long. */
  | { readonly kind: "message-size"; readonly message: number; readonly bytes: number }
  /**
   * Frame `frame`'s start or end lies strictly inside message `message`,
   * `short` bytes before the message's end when given.
   */
  | {
      readonly kind: "inside";
      readonly frame: number;
      readonly edge: "start" | "end";
      readonly message: number;
      readonly short?: number;
    }
  /** The last `bytes` bytes of the stream are never framed. */
  | { readonly kind: "unframed"; readonly bytes: number }
  /** Frame `frame`'s length field (its head, read big-endian) holds the size of the whole frame or of its payload. */
  | { readonly kind: "field"; readonly frame: number; readonly holds: "frame" | "payload" }
  /** Frame `frame`'s payload is its bytes [from, to), counted from the frame's start. */
  | {
      readonly kind: "payload";
      readonly frame: number;
      readonly from: number;
      readonly to: number;
    };

/** A part of a lesson's text (`says`, word for word) and the fact it states. */
export interface LessonClaim {
  readonly says: string;
  readonly fact: LessonFact;
}

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
  /** What the text says about the reads and frames, checked by the tests. */
  readonly claims: readonly LessonClaim[];
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
  claims: readonly LessonClaim[],
): Lesson {
  for (const c of claims)
    if (!text.includes(c.says)) throw new Error(`lesson ${id}: its text does not say "${c.says}"`);
  return {
    id,
    title,
    spec,
    chunks: reads(messages, cuts),
    messageEnds: ends(messages),
    text,
    claims,
  };
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
      "The reader does read_exact(12) because every record used to be 12 bytes. The third record (id=3) is 14 bytes: frame 2 ends 2 bytes before that record does, frame 3 starts inside it and ends inside the next record, and the last 2 bytes wait forever.",
      [
        {
          says: "The third record (id=3) is 14 bytes",
          fact: { kind: "message-size", message: 2, bytes: 14 },
        },
        {
          says: "frame 2 ends 2 bytes before that record does",
          fact: { kind: "inside", frame: 2, edge: "end", message: 2, short: 2 },
        },
        {
          says: "frame 3 starts inside it",
          fact: { kind: "inside", frame: 3, edge: "start", message: 2 },
        },
        {
          says: "ends inside the next record",
          fact: { kind: "inside", frame: 3, edge: "end", message: 3 },
        },
        { says: "the last 2 bytes wait forever", fact: { kind: "unframed", bytes: 2 } },
      ],
    ),
    lesson(
      "tokio",
      "tokio's LengthDelimitedCodec default: 4-byte big-endian length",
      "length",
      tokio,
      [11, 21, 200, 250],
      "Each frame is a 4-byte big-endian length, then that many payload bytes. The first read holds all of frame 0 and the first 2 bytes of frame 1's length; the second read ends exactly where frame 1 ends; the 300-byte frame 2 spans three reads.",
      [
        {
          says: "a 4-byte big-endian length, then that many payload bytes",
          fact: { kind: "field", frame: 0, holds: "payload" },
        },
        { says: "The first read holds all of frame 0", fact: { kind: "whole", read: 0, frame: 0 } },
        {
          says: "and the first 2 bytes of frame 1's length",
          fact: { kind: "state", read: 0, text: "frame 0 complete; head: 2 of 4 bytes" },
        },
        {
          says: "the second read ends exactly where frame 1 ends",
          fact: { kind: "ends-with", read: 1, frame: 1 },
        },
        { says: "the 300-byte frame 2", fact: { kind: "payload", frame: 2, from: 4, to: 304 } },
        { says: "frame 2 spans three reads", fact: { kind: "spans", frame: 2, reads: 3 } },
      ],
    ),
    lesson(
      "adjust",
      "length_adjustment = -2: the length counts its own head",
      "length:size=2,adjust=-2",
      adjusted,
      [1, 9],
      "The 2-byte field holds the whole frame's size, head included. length_adjustment(-2) subtracts the head to get the payload's size; num_skip stays at its default (2) and drops the head. The second read finishes frame 0 and brings frame 1's whole head.",
      [
        {
          says: "The 2-byte field holds the whole frame's size, head included",
          fact: { kind: "field", frame: 0, holds: "frame" },
        },
        { says: "drops the head", fact: { kind: "payload", frame: 0, from: 2, to: 7 } },
        {
          says: "The second read finishes frame 0 and brings frame 1's whole head",
          fact: { kind: "state", read: 1, text: "frame 0 complete; payload: need 6 more bytes" },
        },
      ],
    ),
    lesson(
      "keephead",
      "num_skip = 0: the same bytes, head kept in the payload",
      "length:size=2,skip=0",
      adjusted,
      [1, 9],
      "With num_skip(0) nothing is dropped: the length is counted from the frame's first byte, so the field (the whole frame's size) needs no adjustment and the payload starts with the head.",
      [
        {
          says: "the field (the whole frame's size) needs no adjustment",
          fact: { kind: "field", frame: 0, holds: "frame" },
        },
        {
          says: "the payload starts with the head",
          fact: { kind: "payload", frame: 0, from: 0, to: 7 },
        },
      ],
    ),
    lesson(
      "skip",
      "length_field_offset = 1, num_skip = 3: a type byte before the length",
      "length:offset=1,size=2,skip=3",
      typed,
      [2, 10],
      "A 1-byte message type comes first, then a 2-byte length. The framer needs 3 bytes before it knows the size; the first read stops after the type and 1 of the length's 2 bytes. num_skip(3) drops type and length from the payload.",
      [
        {
          says: "the first read stops after the type and 1 of the length's 2 bytes",
          fact: { kind: "state", read: 0, text: "head: 1 of 2 bytes" },
        },
        { says: "then a 2-byte length", fact: { kind: "field", frame: 0, holds: "payload" } },
        {
          says: "num_skip(3) drops type and length from the payload",
          fact: { kind: "payload", frame: 0, from: 3, to: 8 },
        },
      ],
    ),
    lesson(
      "grpc",
      "gRPC's 5-byte prefix: compressed flag and 4-byte length",
      "grpc",
      grpc,
      [3, 14],
      "Every gRPC message on an HTTP/2 stream is 1 flag byte (compressed or not), a 4-byte big-endian length, then the protobuf bytes. The first read stops 3 bytes into the 5-byte prefix; the second finishes message 0 and brings 2 bytes of the next prefix.",
      [
        {
          says: "1 flag byte (compressed or not), a 4-byte big-endian length, then the protobuf bytes",
          fact: { kind: "payload", frame: 0, from: 5, to: 12 },
        },
        {
          says: "The first read stops 3 bytes into the 5-byte prefix",
          fact: { kind: "state", read: 0, text: "head: 3 of 5 bytes" },
        },
        {
          says: "the second finishes message 0 and brings 2 bytes of the next prefix",
          fact: { kind: "straddles", read: 1, frames: [0, 1] },
        },
        {
          says: "brings 2 bytes of the next prefix",
          fact: { kind: "state", read: 1, text: "frame 0 complete; head: 2 of 5 bytes" },
        },
      ],
    ),
    lesson(
      "crlf",
      '"\\r\\n" delimiting breaks on a binary payload that contains "\\r\\n"',
      "delim:sep=0d0a",
      lines,
      [9],
      'Lines end at "\\r\\n". The first message is protobuf: field 2 = 13 (10 0d) followed by field 1\'s tag (0a) makes "\\r\\n" inside the payload, so the framer cuts it in two: 3 frames for 2 messages. The first read holds exactly the first message, yet 2 frames come out of it.',
      [
        {
          says: '"\\r\\n" inside the payload, so the framer cuts it in two',
          fact: { kind: "inside", frame: 0, edge: "end", message: 0 },
        },
        { says: "3 frames for 2 messages", fact: { kind: "count", frames: 3, messages: 2 } },
        {
          says: "The first read holds exactly the first message, yet 2 frames come out of it",
          fact: { kind: "state", read: 0, text: "frames 0–1 complete" },
        },
      ],
    ),
  ];
}
