import { useLayoutEffect, useRef, useState, type ReactNode, type Ref, type RefObject } from "react";
import type { FramerPlay } from "../decode/framer-steps.js";
import type { Span } from "../decode/span.js";
import { placeLabels, type LabelItem, type PlacedLabel } from "./lane-labels.js";
import { plural } from "./plural.js";
import { mergeReadStarts, mergesReads, TICK_PX } from "./read-ticks.js";

const pct = (n: number, total: number): string => `${(100 * n) / Math.max(1, total)}%`;
/** Where bytes [start, end) of `total` sit on a lane, as CSS left and width. */
const place = (start: number, end: number, total: number): { left: string; width: string } => ({
  left: pct(start, total),
  width: pct(end - start, total),
});

/**
 * The teaching view's byte axis: lanes for the messages the sender wrote (for
 * lessons), the reads up to step `at` and the frames complete by then, the
 * bytes waiting and needed, and on the axis the spans the byte window shows.
 */
export function TeachLanes({
  total,
  play,
  at,
  messageEnds,
  shown,
  axisEnd,
}: {
  readonly total: number;
  readonly play: FramerPlay | undefined;
  readonly at: number;
  readonly messageEnds: readonly number[] | undefined;
  /** The spans the byte window below shows. */
  readonly shown: readonly Span[];
  /** The axis's end in words ("325 B", "4,096 of 41,943,040 B"); `total` B by default. */
  readonly axisEnd?: string | undefined;
}) {
  const [trackRef, trackPx] = useTrackWidth();
  const steps = play?.steps ?? [];
  const current = steps[at];
  const position = current?.chunk[1] ?? 0;
  const done = (play?.frames ?? []).filter((f) => f.end <= position);
  const messages: LabelItem[] = (messageEnds ?? []).map((end, i) => ({
    key: i,
    start: messageEnds?.[i - 1] ?? 0,
    end,
    text: String(i),
  }));
  const frameLabels = placeLabels(
    done.map((f) => ({ key: f.index, start: f.start, end: f.end, text: String(f.index) })),
    total,
    trackPx,
  );
  const merged = mergesReads(steps.length, trackPx);
  // Bytes the framer waits for past the axis's end (a stream still open, or cut): said at its edge.
  const beyond =
    current?.needed === undefined ? 0 : current.needed[1] - Math.max(total, current.needed[0]);
  return (
    <div className="lanes">
      {messageEnds === undefined ? null : (
        <Lane name="messages sent">
          {messages.map((m) => (
            <span
              key={m.key}
              className="box msg"
              style={place(m.start, m.end, total)}
              title={`message ${m.key}: [${m.start}, ${m.end})`}
            />
          ))}
          <Labels labels={placeLabels(messages, total, trackPx)} kind="message" />
        </Lane>
      )}
      <Lane
        name="TCP reads"
        note={merged ? `${plural(steps.length, "read", { grouped: true })}, merged` : undefined}
      >
        {merged
          ? mergeReadStarts(
              steps.map((s) => s.chunk[0]),
              total,
              Math.floor(trackPx / TICK_PX),
            ).map((t) => (
              <span
                key={t.start}
                className={`tick${t.start >= position ? " future" : ""}`}
                style={{
                  left: pct(t.start, total),
                  // 1px more, so neighbouring slices meet without a hairline gap between them.
                  width: `calc(${pct(t.end - t.start, total)} + 1px)`,
                  opacity: 0.25 + 0.75 * t.density,
                }}
                title={`${plural(t.count, "read")} start${t.count === 1 ? "s" : ""} in [${t.start}, ${t.end})`}
              />
            ))
          : steps.map((s, i) => (
              <span
                key={i}
                className={`box read${i > at ? " future" : i === at ? " now" : ""}`}
                style={place(s.chunk[0], s.chunk[1], total)}
                title={`read ${i}: [${s.chunk[0]}, ${s.chunk[1]})`}
              />
            ))}
        {merged && current !== undefined ? (
          <span
            className="box read now merged"
            style={place(current.chunk[0], current.chunk[1], total)}
            title={`read ${at}: [${current.chunk[0]}, ${current.chunk[1]})`}
          />
        ) : null}
      </Lane>
      <Lane name="frames cut" trackRef={trackRef}>
        {done.map((f) => (
          <span
            key={f.index}
            className={`box frame${f.index % 2 === 1 ? " alt" : ""}`}
            style={place(f.start, f.end, total)}
            title={`frame ${f.index}: [${f.start}, ${f.end}), head [${f.headStart}, ${f.headEnd})`}
            data-frame={f.index}
          >
            <span
              className="fhead"
              style={place(f.headStart - f.start, f.headEnd - f.start, f.end - f.start)}
            />
          </span>
        ))}
        {current?.waiting === undefined ? null : (
          <span
            className="box waiting"
            style={place(current.waiting[0], current.waiting[1], total)}
            title="received, the frame is not complete yet"
          />
        )}
        {current?.needed === undefined ? null : (
          <span
            className="box needed"
            style={place(current.needed[0], current.needed[1], total)}
            title="the bytes the framer is waiting for"
          />
        )}
        <Labels labels={frameLabels} kind="frame" />
        {beyond > 0 ? (
          <span
            className="needed-past"
            title={`the framer waits for ${plural(beyond, "more byte")} past the ${plural(total, "byte")} played`}
            data-testid="teach-needed-past"
          >
            +{beyond.toLocaleString("en")} B needed →
          </span>
        ) : null}
      </Lane>
      <Lane name="bytes below" slim>
        {shown.map(([s, e]) => (
          <span
            key={s}
            className="shown"
            style={place(s, e, total)}
            title={`shown as bytes below: [${s}, ${e})`}
          />
        ))}
      </Lane>
      <div className="axis">
        <span>0</span>
        <span data-testid="teach-axis-end">{axisEnd ?? `${total} B`}</span>
      </div>
    </div>
  );
}

function Labels({
  labels,
  kind,
}: {
  readonly labels: readonly PlacedLabel[];
  readonly kind: string;
}) {
  return labels.map((l) => (
    <span
      key={l.key}
      className="lane-label"
      style={{ left: `${l.left}px`, width: `${l.width}px` }}
      title={`${kind} ${l.text}`}
      data-label={l.key}
    >
      {l.text}
    </span>
  ));
}

function Lane({
  name,
  note,
  slim,
  trackRef,
  children,
}: {
  readonly name: string;
  readonly note?: string | undefined;
  readonly slim?: boolean;
  readonly trackRef?: Ref<HTMLDivElement>;
  readonly children: ReactNode;
}) {
  return (
    <div className={slim === true ? "lane slim" : "lane"} data-lane={name}>
      <span className="lane-name">
        {name}
        {note === undefined ? null : <small className="lane-note">{note}</small>}
      </span>
      <div className="lane-track" ref={trackRef}>
        {children}
      </div>
    </div>
  );
}

/** A ref for a lane's track and its width in px, measured before the first paint and on every resize. */
function useTrackWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}
