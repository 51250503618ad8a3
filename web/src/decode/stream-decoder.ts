import type protobuf from "protobufjs";
import { ByteStore } from "./byte-store.js";
import type { Frame } from "./frame.js";
import type { Framer } from "./framer.js";
import { createFramer } from "./framers.js";
import type { Issue } from "./issue.js";
import { decodePayload } from "./payload.js";
import type { DecodedMessage } from "./proto-tree.js";
import type { FramingSpec } from "./spec.js";

/** How payloads are decoded: with a message type, schemaless, or not at all. */
export type PayloadMode =
  | { readonly kind: "none" }
  | { readonly kind: "raw" }
  | { readonly kind: "schema"; readonly type: protobuf.Type };

/** Most bytes a StreamDecoder holds for the frame being cut (64 MiB); a larger payload is not kept. */
export const MAX_HELD_BYTES = 64 * 1024 * 1024;

/**
 * One frame with its payload bytes (as the framing hands them over) and
 * decoded message. `payload` is undefined when the frame was larger than the
 * decoder holds (MAX_HELD_BYTES): its spans are exact, its bytes are gone.
 */
export interface DecodedFrame {
  readonly frame: Frame;
  readonly payload: Uint8Array | undefined;
  readonly message: DecodedMessage | undefined;
}

/** One event of a decoded stream, in stream order. */
export type StreamEvent =
  | { readonly type: "frame"; readonly frame: DecodedFrame }
  | { readonly type: "issue"; readonly issue: Issue };

/**
 * A framer, the stream's bytes and the payload decoder together: chunks in,
 * decoded frames and issues out, in stream order. It keeps only the bytes of
 * the frame still being cut, and at most `maxHeld` of them, so memory stays
 * bounded whatever the stream says.
 */
export class StreamDecoder {
  private readonly framer: Framer;
  private readonly store = new ByteStore();

  /** `framer` defaults to a fresh one for `spec`; pass one of a `createFramerPair` to link directions. */
  constructor(
    spec: FramingSpec,
    private readonly mode: PayloadMode,
    framer: Framer = createFramer(spec),
    private readonly maxHeld = MAX_HELD_BYTES,
  ) {
    this.framer = framer;
  }

  push(chunk: Uint8Array): StreamEvent[] {
    this.store.append(chunk);
    const out = this.framer.push(chunk);
    return this.collect(out.frames, out.issues);
  }

  end(): StreamEvent[] {
    const out = this.framer.end();
    return this.collect(out.frames, out.issues);
  }

  /** Bytes held for the frame being cut (never more than maxHeld plus one chunk). */
  get heldBytes(): number {
    return this.store.length - this.store.heldFrom;
  }

  /** Stream offset from which bytes stay unframed after a fatal issue. */
  get stoppedAt(): number | undefined {
    return this.framer.stoppedAt;
  }

  private collect(frames: readonly Frame[], issues: readonly Issue[]): StreamEvent[] {
    const events: StreamEvent[] = [];
    let i = 0;
    for (const frame of frames) {
      while (i < issues.length && (issues[i]?.span[0] ?? 0) < frame.start) {
        events.push({ type: "issue", issue: issues[i++] as Issue });
      }
      events.push({ type: "frame", frame: this.decode(frame) });
    }
    while (i < issues.length) events.push({ type: "issue", issue: issues[i++] as Issue });
    // Emitted frames already hold their payloads: keep only the pending frame's
    // bytes, and no more than maxHeld of them.
    const store = this.store;
    const keep =
      this.framer.stoppedAt === undefined
        ? Math.max(this.framer.pendingStart, store.length - this.maxHeld)
        : store.length;
    store.discardBefore(keep);
    return events;
  }

  private decode(frame: Frame): DecodedFrame {
    if (frame.payloadStart < this.store.heldFrom)
      return { frame, payload: undefined, message: undefined };
    const payload = payloadBytes(this.store, frame);
    return { frame, payload, message: decodeFramePayload(frame, payload, this.mode) };
  }
}

/** A frame's payload decoded as `mode` says; undefined for "none" and for gRPC-Web trailers (header lines). */
export function decodeFramePayload(
  frame: Frame,
  payload: Uint8Array,
  mode: PayloadMode,
): DecodedMessage | undefined {
  if (mode.kind === "none" || (frame.info?.kind === "grpc" && frame.info.trailer)) return undefined;
  const schema = mode.kind === "schema" ? { type: mode.type } : undefined;
  return decodePayload(payload, frame.payloadStart, frame.info, schema);
}

/** The payload as the framing hands it over: one slice, or a chunked HTTP body's pieces joined. */
export function payloadBytes(store: ByteStore, frame: Frame): Uint8Array {
  const info = frame.info;
  if (info?.kind === "http1" && info.parts !== undefined) {
    const total = info.parts.reduce((n, p) => n + (p[1] - p[0]), 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const [s, e] of info.parts) {
      out.set(store.slice(s, e), at);
      at += e - s;
    }
    return out;
  }
  return store.slice(frame.payloadStart, frame.payloadEnd);
}
