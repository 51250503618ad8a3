import { useMemo, useState } from "react";
import {
  frameLayout,
  playFramer,
  randomReadMax,
  rechunk,
  type FramerStep,
  type Rechunk,
} from "../decode/framer-steps.js";
import type { Frame } from "../decode/frame.js";
import { parseFramingSpec } from "../decode/spec.js";
import { lessons, type Lesson } from "./lessons.js";
import { TeachBytes } from "./TeachBytes.js";
import { TeachLanes } from "./TeachLanes.js";
import { byteWindow } from "./teach-window.js";
import { useSession } from "./use-session.js";
import { concatBytes } from "../decode/concat.js";
import { sameFramesText, streamSource, type TeachSource } from "./teach-source.js";

type Chunking = "delivered" | Rechunk;

const NO_STEPS: readonly FramerStep[] = [];
const NO_FRAMES: readonly Frame[] = [];

/** The re-chunk choices for a stream of `length` bytes (random sizes scale with it). */
const chunkings = (length: number): readonly { value: Chunking; label: string }[] => [
  { value: "delivered", label: "as TCP delivered them" },
  { value: "one-byte", label: "1-byte reads" },
  { value: "random", label: `random sizes (1–${randomReadMax(length)} B)` },
  { value: "segments", label: "1460-byte segments" },
  { value: "coalesced", label: "all coalesced in one read" },
];

/**
 * "Why TCP reads are not messages": one stream (a ready lesson or a stream of
 * the selected conversation) on a byte axis with lanes for the reads and the
 * frames the real framer cut, stepped read by read with the framer's state in
 * words, and re-chunked to show the frames do not change.
 */
export function TeachingView() {
  const model = useSession();
  const all = useMemo(() => lessons(), []);
  const [sourceId, setSourceId] = useState<string>(all[0]?.id ?? "");
  const [specText, setSpecText] = useState<string | undefined>(undefined);
  const [chunking, setChunking] = useState<Chunking>("delivered");
  const [seed, setSeed] = useState(1);
  const [step, setStep] = useState(0);

  const key = model.selection.conn;
  const conn = key === undefined ? undefined : model.store.get(key);
  const source = ((): TeachSource | undefined => {
    const lesson: Lesson | undefined = all.find((l) => l.id === sourceId);
    if (lesson !== undefined) return lessonSource(lesson);
    const dir = sourceId === "stream-c2s" ? "c2s" : sourceId === "stream-s2c" ? "s2c" : undefined;
    if (dir === undefined || conn === undefined) return undefined;
    const framing = model.configOf(key)[dir].framing;
    return streamSource(conn[dir], dir, framing, conn.conn, conn.closed !== undefined);
  })();
  const ended = source?.ended ?? true;
  const specString = specText ?? source?.spec ?? "";
  const spec = parseFramingSpec(specString);
  const bytes = useMemo(() => concatBytes(source?.chunks ?? []), [source?.chunks]);
  const chunks = useMemo(
    () => (chunking === "delivered" ? (source?.chunks ?? []) : rechunk(bytes, chunking, seed)),
    [chunking, source?.chunks, bytes, seed],
  );
  const play = useMemo(() => {
    const s = parseFramingSpec(specString);
    return s.ok ? playFramer(s.spec, chunks, ended) : undefined;
  }, [specString, chunks, ended]);
  const delivered = source?.chunks;
  const asDelivered = useMemo(() => {
    const s = parseFramingSpec(specString);
    return s.ok && delivered !== undefined ? playFramer(s.spec, delivered, ended) : undefined;
  }, [specString, delivered, ended]);

  const steps = play?.steps ?? NO_STEPS;
  const at = Math.max(0, Math.min(step, steps.length - 1));
  const current = steps[at];
  const frames = play?.frames ?? NO_FRAMES;
  const shown = useMemo(
    () => byteWindow(bytes.length, current, frames),
    [bytes.length, current, frames],
  );
  const readStarts = useMemo(() => steps.map((s) => s.chunk[0]), [steps]);
  const same =
    play !== undefined &&
    asDelivered !== undefined &&
    frameLayout(play.frames) === frameLayout(asDelivered.frames);

  const pick = (id: string): void => {
    setSourceId(id);
    setSpecText(undefined);
    setStep(0);
  };

  return (
    <section className="panel teach" aria-label="Teaching view" data-testid="teach">
      <div className="toolbar">
        <h2>Why TCP reads are not messages</h2>
        <select
          value={sourceId}
          onChange={(e) => pick(e.target.value)}
          aria-label="Lesson or stream"
          data-testid="teach-source"
        >
          <optgroup label="lessons">
            {all.map((l) => (
              <option key={l.id} value={l.id}>
                {l.title}
              </option>
            ))}
          </optgroup>
          <optgroup label="the selected conversation">
            <option value="stream-c2s" disabled={conn === undefined}>
              C→S stream
            </option>
            <option value="stream-s2c" disabled={conn === undefined}>
              S→C stream
            </option>
          </optgroup>
        </select>
      </div>
      {source === undefined ? (
        <p className="empty">Pick a conversation first, or a lesson.</p>
      ) : (
        <div className="teach-body">
          <p className="lesson-text">{source.text}</p>
          <div className="teach-controls">
            <label>
              framing{" "}
              <input
                className={spec.ok ? "spec" : "spec invalid"}
                value={specText ?? source.spec}
                onChange={(e) => {
                  setSpecText(e.target.value);
                  setStep(0);
                }}
                title={spec.ok ? "" : spec.error}
                aria-label="Framing spec to play"
                data-testid="teach-spec"
              />
            </label>
            <label>
              reads{" "}
              <select
                value={chunking}
                onChange={(e) => {
                  setChunking(e.target.value as Chunking);
                  setStep(0);
                }}
                aria-label="Re-chunk the bytes"
                data-testid="teach-rechunk"
              >
                {chunkings(bytes.length).map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
            {chunking === "random" ? (
              <button type="button" onClick={() => setSeed(seed + 1)} title="other random sizes">
                reshuffle
              </button>
            ) : null}
            <span className={same ? "ok" : "bad"} data-testid="teach-same">
              {play === undefined
                ? spec.ok
                  ? ""
                  : spec.error
                : sameFramesText(play.frames.length, chunks.length, same)}
            </span>
          </div>
          <div className="teach-step">
            <button type="button" onClick={() => setStep(0)} disabled={at === 0}>
              first
            </button>
            <button
              type="button"
              onClick={() => setStep(at - 1)}
              disabled={at === 0}
              data-testid="teach-prev"
            >
              ◀ read
            </button>
            <span data-testid="teach-at">
              read {steps.length === 0 ? 0 : at + 1} of {steps.length}
            </span>
            <button
              type="button"
              onClick={() => setStep(at + 1)}
              disabled={at >= steps.length - 1}
              data-testid="teach-next"
            >
              read ▶
            </button>
            <button
              type="button"
              onClick={() => setStep(steps.length - 1)}
              disabled={at >= steps.length - 1}
            >
              last
            </button>
            <strong className="teach-state" data-testid="teach-state">
              {current === undefined
                ? ""
                : `after bytes [${current.chunk[0]}, ${current.chunk[1]}): ${current.text}`}
            </strong>
          </div>
          <TeachLanes
            total={bytes.length}
            play={play}
            at={at}
            messageEnds={source.messageEnds}
            shown={shown.spans}
            axisEnd={source.axisEnd}
          />
          <TeachBytes
            bytes={bytes}
            rows={shown.rows}
            step={current}
            frames={frames}
            readStarts={readStarts}
          />
        </div>
      )}
    </section>
  );
}

/** A ready lesson as a source: its whole stream, ended after its last read. */
function lessonSource(lesson: Lesson): TeachSource {
  const length = lesson.chunks.reduce((n, c) => n + c.length, 0);
  return { ...lesson, ended: true, axisEnd: `${length.toLocaleString("en")} B` };
}
