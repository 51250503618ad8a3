import type { ReactNode } from "react";
import type { FramerPlay } from "../decode/framer-steps.js";
import { bytesToHex } from "../decode/hex.js";

/** Bytes shown as hex cells under the lanes at most. */
const CELLS_MAX = 256;

const pct = (n: number, total: number): string => `${(100 * n) / Math.max(1, total)}%`;

/**
 * The teaching view's byte axis: lanes for the messages the sender wrote (for
 * lessons), the reads up to step `at` and the frames complete by then, the
 * bytes waiting and needed; and, for short streams, the bytes as hex cells.
 */
export function TeachLanes({
  bytes,
  play,
  at,
  chunkCount,
  messageEnds,
}: {
  readonly bytes: Uint8Array;
  readonly play: FramerPlay | undefined;
  readonly at: number;
  readonly chunkCount: number;
  readonly messageEnds: readonly number[] | undefined;
}) {
  const total = bytes.length;
  const steps = play?.steps ?? [];
  const current = steps[at];
  const position = current?.chunk[1] ?? 0;
  return (
    <>
      <div className="lanes">
        {messageEnds === undefined ? null : (
          <Lane name="messages sent">
            {messageEnds.map((end, i) => {
              const start = messageEnds?.[i - 1] ?? 0;
              return (
                <span
                  key={i}
                  className="box msg"
                  style={{ left: pct(start, total), width: pct(end - start, total) }}
                  title={`message ${i}: [${start}, ${end})`}
                >
                  {i}
                </span>
              );
            })}
          </Lane>
        )}
        <Lane name="TCP reads">
          {chunkCount > 2000
            ? null
            : steps.map((s, i) => (
                <span
                  key={i}
                  className={`box read${i > at ? " future" : i === at ? " now" : ""}`}
                  style={{
                    left: pct(s.chunk[0], total),
                    width: pct(s.chunk[1] - s.chunk[0], total),
                  }}
                  title={`read ${i}: [${s.chunk[0]}, ${s.chunk[1]})`}
                />
              ))}
        </Lane>
        <Lane name="frames cut">
          {(play?.frames ?? [])
            .filter((f) => f.end <= position)
            .map((f) => (
              <span
                key={f.index}
                className={`box frame${f.index % 2 === 1 ? " alt" : ""}`}
                style={{ left: pct(f.start, total), width: pct(f.end - f.start, total) }}
                title={`frame ${f.index}: [${f.start}, ${f.end}), head [${f.headStart}, ${f.headEnd})`}
                data-frame={f.index}
              >
                <span
                  className="fhead"
                  style={{
                    left: pct(f.headStart - f.start, f.end - f.start),
                    width: pct(f.headEnd - f.headStart, f.end - f.start),
                  }}
                />
                {f.index}
              </span>
            ))}
          {current?.waiting === undefined ? null : (
            <span
              className="box waiting"
              style={{
                left: pct(current.waiting[0], total),
                width: pct(current.waiting[1] - current.waiting[0], total),
              }}
              title="received, the frame is not complete yet"
            />
          )}
          {current?.needed === undefined ? null : (
            <span
              className="box needed"
              style={{
                left: pct(current.needed[0], total),
                width: pct(current.needed[1] - current.needed[0], total),
              }}
              title="the bytes the framer is waiting for"
            />
          )}
        </Lane>
        <div className="axis">
          <span>0</span>
          <span>{total} B</span>
        </div>
      </div>
      {total <= CELLS_MAX ? (
        <div className="teach-cells" aria-label="The bytes">
          {[...bytes].map((b, i) => {
            const f = play?.frames.find((x) => x.start <= i && i < x.end && x.end <= position);
            const part =
              f === undefined
                ? ""
                : i >= f.headStart && i < f.headEnd
                  ? " head"
                  : i >= f.payloadStart && i < f.payloadEnd
                    ? " payload"
                    : " skipped";
            const wait =
              current?.waiting !== undefined && i >= current.waiting[0] && i < current.waiting[1];
            const start = steps.some((s) => s.chunk[0] === i && i > 0) ? " chunk" : "";
            return (
              <span
                key={i}
                className={`c${part}${wait ? " pending" : ""}${i >= position ? " later" : ""}${start}`}
              >
                {bytesToHex(Uint8Array.of(b))}
              </span>
            );
          })}
        </div>
      ) : null}
    </>
  );
}

function Lane({ name, children }: { readonly name: string; readonly children: ReactNode }) {
  return (
    <div className="lane" data-lane={name}>
      <span className="lane-name">{name}</span>
      <div className="lane-track">{children}</div>
    </div>
  );
}
