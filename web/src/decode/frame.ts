import type { Span } from "./span.js";

/**
 * What a framer learned about one frame beyond its spans: the length field's
 * value and flag bits, gRPC's flag byte, an HTTP/1 start line, a RESP type.
 */
export type FrameInfo =
  | {
      readonly kind: "length";
      /** The length field as read (after `mask`). */
      readonly length: number;
      /** Bits of the length field outside `mask` (0 when there is no mask). */
      readonly flags: number;
      /** True when the flags mark the payload as gzip-compressed (the spec's `gzip` key). */
      readonly gzip: boolean;
    }
  | {
      readonly kind: "grpc";
      readonly flag: number;
      readonly compressed: boolean;
      /** gRPC-Web trailers frame (flag 0x80 or 0x81): the payload is HTTP/1-style header lines. */
      readonly trailer: boolean;
    }
  | {
      readonly kind: "http1";
      readonly startLine: string;
      readonly isRequest: boolean;
      /** "length", "chunked", "close" or "none": how the body's end was found. */
      readonly body: "length" | "chunked" | "close" | "none";
      /** For chunked bodies: the spans of the chunk data, in order (the payload is their concatenation). */
      readonly parts: readonly Span[] | undefined;
    }
  | {
      readonly kind: "resp";
      /**
       * The type byte of the top-level value as a character: "+", "-", ":", "$", "*", ">", ...;
       * "inline" for an inline command line such as "PING\r\n".
       */
      readonly type: string;
      /** Attribute values ("|") joined in front of the value: the head follows them. */
      readonly attributes: number;
    };

/**
 * One unit cut from a stream by a framer. Every position is an absolute stream
 * offset; the object is flat (numbers only) so millions of frames stay cheap and
 * survive structured cloning. Use `frameSpan`, `frameHead`, `framePayload` for
 * the spans as pairs.
 *
 * ```
 * start      headStart..headEnd     payloadStart ........ payloadEnd   end
 *   | offset | length field | ... skipped ... | payload bytes       |    |
 * ```
 */
export interface Frame {
  /** 0-based position of the frame in its stream. */
  readonly index: number;
  /** All bytes the frame consumed: [start, end). */
  readonly start: number;
  readonly end: number;
  /** The bytes the framer read to find the end (length field, delimiter, HTTP head). */
  readonly headStart: number;
  readonly headEnd: number;
  /** What the framing hands to the application. */
  readonly payloadStart: number;
  readonly payloadEnd: number;
  /** Indices of the chunks (TCP reads) the frame spans: [firstChunk, endChunk). */
  readonly firstChunk: number;
  readonly endChunk: number;
  readonly info: FrameInfo | undefined;
}

/** A frame's index and spans without its chunks and info (what a frame list row holds). */
export type FrameSpans = Pick<
  Frame,
  "index" | "start" | "end" | "headStart" | "headEnd" | "payloadStart" | "payloadEnd"
>;

/**
 * The one constructor of frames: a class with fixed fields, which V8 allocates
 * faster than an object literal on the hot path. Instances are plain data
 * (no methods), so they survive structured cloning as the same shape.
 */
export class FrameRecord implements Frame {
  constructor(
    readonly index: number,
    readonly start: number,
    readonly end: number,
    readonly headStart: number,
    readonly headEnd: number,
    readonly payloadStart: number,
    readonly payloadEnd: number,
    readonly firstChunk: number,
    readonly endChunk: number,
    readonly info: FrameInfo | undefined,
  ) {}
}

export function frameSpan(frame: Frame): Span {
  return [frame.start, frame.end];
}

export function frameHead(frame: Frame): Span {
  return [frame.headStart, frame.headEnd];
}

export function framePayload(frame: Frame): Span {
  return [frame.payloadStart, frame.payloadEnd];
}

/** The chunk indices a frame spans, as a half-open pair. */
export function frameChunks(frame: Frame): Span {
  return [frame.firstChunk, frame.endChunk];
}

/** The payload's pieces: one span, or for a chunked HTTP body the data of each chunk. */
export function framePayloadParts(frame: Frame): readonly Span[] {
  if (frame.info?.kind === "http1" && frame.info.parts !== undefined) return frame.info.parts;
  return [framePayload(frame)];
}
