/**
 * What the teaching view plays from a stream of the selected conversation,
 * and what it says about it: the reads as the bridge received them (at most
 * the first {@link STREAM_MAX} bytes), whether the stream ended after them (only
 * then is the framer ended, and may it say a frame was left incomplete), and
 * the line that compares the frames of a re-chunking with those of TCP's reads.
 * Pure: a stream's chunks in, words out.
 */
import type { Direction } from "../session/bridge-protocol.js";
import { plural } from "./plural.js";

/** Bytes of a live stream the teaching view plays at most (from its start). */
export const STREAM_MAX = 4096;

/** A stream or lesson the teaching view plays. */
export interface TeachSource {
  readonly title: string;
  readonly spec: string;
  /** The reads, as TCP delivered them. */
  readonly chunks: readonly Uint8Array[];
  /** End offsets of the messages as the sender wrote them (lessons only). */
  readonly messageEnds: readonly number[] | undefined;
  readonly text: string;
  /** The stream ended after these reads: the framer is ended after the last one. */
  readonly ended: boolean;
  /** The end of the byte axis in words, e.g. "325 B" or "4,096 of 41,943,040 B". */
  readonly axisEnd: string;
}

/** The chunks of one stream, as the capture store keeps them. */
export interface StreamLike {
  /** Bytes received so far. */
  readonly length: number;
  /** When the direction ended (FIN or the connection closed); null while open. */
  readonly endedAt: number | null;
  readonly chunkCount: number;
  chunk(i: number): { readonly bytes: Uint8Array } | undefined;
}

const bytesText = (n: number): string => plural(n, "byte", { grouped: true });

/**
 * The first `max` bytes of `stream` (direction `dir` of connection `conn`,
 * framed with `framing`) as a source for the teaching view. `closed` says the
 * connection closed (both directions ended). The stream counts as ended only
 * when it did and every byte of it is played: a stream cut at `max` bytes is
 * not ended there.
 */
export function streamSource(
  stream: StreamLike,
  dir: Direction,
  framing: string,
  conn: number,
  closed: boolean,
  max = STREAM_MAX,
): TeachSource {
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (let i = 0; i < stream.chunkCount && n < max; i++) {
    const c = stream.chunk(i);
    if (c === undefined) break;
    const part = c.bytes.subarray(0, max - n);
    chunks.push(part);
    n += part.length;
  }
  const cut = n < stream.length;
  const ended = !cut && (closed || stream.endedAt !== null);
  const which = dir === "c2s" ? "client to server" : "server to client";
  const state = cut
    ? `Showing the first ${n.toLocaleString("en")} of ${bytesText(stream.length)}; the stream goes on after them, so the framer is not ended at the cut.`
    : ended
      ? `The stream has ended: ${bytesText(n)} in all.`
      : `The stream is still open (${bytesText(n)} so far): the framer waits for more.`;
  return {
    title: `connection #${conn} ${dir}`,
    spec: framing,
    chunks,
    messageEnds: undefined,
    text: `Connection #${conn}, ${which}: the reads as the bridge received them. ${state}`,
    ended,
    axisEnd: cut
      ? `${n.toLocaleString("en")} of ${stream.length.toLocaleString("en")} B`
      : `${n.toLocaleString("en")} B${ended ? "" : " so far"}`,
  };
}

/**
 * The line under the controls: how many frames the reads played cut, and
 * whether they are the frames TCP's own reads give ("3 frames from 13 reads:
 * the same frames as the reads TCP delivered").
 */
export function sameFramesText(frames: number, reads: number, same: boolean): string {
  const verdict = same
    ? `the same ${frames === 1 ? "frame" : "frames"} as the reads TCP delivered`
    : "frames differ";
  return `${plural(frames, "frame")} from ${plural(reads, "read")}: ${verdict}`;
}
