import { describe, expect, it } from "vitest";
import type { Frame } from "../../web/src/decode/frame.js";
import type { Framer } from "../../web/src/decode/framer.js";
import { bytesToHex, hexToBytes } from "../../web/src/decode/hex.js";
import type { Issue } from "../../web/src/decode/issue.js";

export { bytesToHex, hexToBytes };

export interface FramedStream {
  frames: Frame[];
  issues: Issue[];
}

/** Feeds the chunks to the framer (and ends the stream when `eof`), collecting everything. */
export function runFramer(framer: Framer, chunks: readonly Uint8Array[], eof = true): FramedStream {
  const frames: Frame[] = [];
  const issues: Issue[] = [];
  for (const c of chunks) {
    const out = framer.push(c);
    frames.push(...out.frames);
    issues.push(...out.issues);
  }
  if (eof) {
    const out = framer.end();
    frames.push(...out.frames);
    issues.push(...out.issues);
  }
  return { frames, issues };
}

/** Concatenates chunks into one stream. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Splits bytes at the given cut points (sorted, inside the array). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** One-byte chunks. */
export function bytewise(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

/** Every way to cut the bytes in two, plus one-byte chunks: the chunkings every vector must survive. */
export function standardChunkings(bytes: Uint8Array): { name: string; chunks: Uint8Array[] }[] {
  const out = [{ name: "whole", chunks: [bytes] }];
  for (let k = 1; k < bytes.length; k++)
    out.push({ name: `split after ${k} bytes`, chunks: splitAt(bytes, [k]) });
  if (bytes.length > 1) out.push({ name: "1-byte chunks", chunks: bytewise(bytes) });
  return out;
}

/** The payload bytes of a frame, cut from the whole stream. */
export function payloadHex(stream: Uint8Array, f: Frame): string {
  return bytesToHex(stream.subarray(f.payloadStart, f.payloadEnd));
}

/** Frames and issues as comparable plain data (chunk indices left out: they depend on the chunking). */
export function comparable(s: FramedStream): unknown {
  return {
    frames: s.frames.map((f) => ({ ...f, firstChunk: 0, endChunk: 0 })),
    issues: s.issues,
  };
}

/** A frame's spans as one row: [start, end, headStart, headEnd, payloadStart, payloadEnd]. */
export function spans(f: Frame): number[] {
  return [f.start, f.end, f.headStart, f.headEnd, f.payloadStart, f.payloadEnd];
}

/** An issue as one row: [code, spanStart, spanEnd, fatal]. */
export function brief(i: Issue): unknown[] {
  return [i.code, i.span[0], i.span[1], i.fatal];
}

/** A table row: input bytes and the frames and issues every chunking must give. */
export interface FramerRow {
  readonly name: string;
  readonly hex: string;
  /** Rows of `spans(frame)`. */
  readonly frames: readonly (readonly number[])[];
  /** Rows of `brief(issue)`. */
  readonly issues: readonly (readonly unknown[])[];
}

/**
 * Runs each row fed whole, split at every byte and in 1-byte chunks, checking
 * its frames and issues; `more` checks anything else a framing reports.
 */
export function describeFramerRows<R extends FramerRow>(
  title: string,
  rows: readonly R[],
  framerFor: (row: R) => Framer,
  more?: (row: R, out: FramedStream) => void,
): void {
  describe(title, () => {
    for (const row of rows) {
      describe(row.name, () => {
        it.each(standardChunkings(hexToBytes(row.hex)))("$name", ({ chunks }) => {
          const out = runFramer(framerFor(row), chunks);
          expect(out.frames.map(spans)).toEqual(row.frames);
          expect(out.issues.map(brief)).toEqual(row.issues);
          more?.(row, out);
        });
      });
    }
  });
}
