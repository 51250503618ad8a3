import type { FramerStep } from "../decode/framer-steps.js";
import type { Span } from "../decode/span.js";
import type { FrameBox } from "./cell-marks.js";
import { plural } from "./plural.js";
import { WINDOW_ROW_BYTES, windowCells } from "./teach-window.js";

const COLUMNS = Array.from({ length: WINDOW_ROW_BYTES }, (_, i) => i);

/**
 * The teaching view's byte window: the rows `rows` of the stream as cells of
 * hex with the ASCII character under each, offsets on the left, the bytes left
 * out between rows said in words, and what the marks mean.
 */
export function TeachBytes({
  bytes,
  rows,
  step,
  frames,
  readStarts,
}: {
  readonly bytes: Uint8Array;
  readonly rows: readonly Span[];
  readonly step: FramerStep | undefined;
  readonly frames: readonly FrameBox[];
  readonly readStarts: readonly number[];
}) {
  return (
    <div className="teach-bytes" aria-label="The bytes" data-testid="teach-bytes">
      <div className="tb-row tb-columns" aria-hidden="true">
        <span className="tb-off">offset</span>
        {COLUMNS.map((i) => (
          <span key={i} className="tb-col">
            +{i}
          </span>
        ))}
      </div>
      {rows.map((row, r) => {
        const before = rows[r - 1]?.[1] ?? 0;
        return [
          row[0] > before ? (
            <div key={`gap${row[0]}`} className="tb-gap">
              ⋯ {plural(row[0] - before, "byte")} [{before}, {row[0]}) not shown ⋯
            </div>
          ) : null,
          <div key={row[0]} className="tb-row" data-offset={row[0]}>
            <span className="tb-off">{row[0]}</span>
            {windowCells(bytes, row, step, frames, readStarts).map((c) => (
              <span key={c.at} className={c.classes} data-at={c.at} title={`byte ${c.at}`}>
                <span className="tb-hex">{c.hex}</span>
                <span className={c.printable ? "tb-ascii" : "tb-ascii np"}>{c.ascii}</span>
              </span>
            ))}
          </div>,
        ];
      })}
      {(rows[rows.length - 1]?.[1] ?? 0) < bytes.length ? (
        <div className="tb-gap">
          {`⋯ ${plural(bytes.length - (rows[rows.length - 1]?.[1] ?? 0), "byte")} to the end not shown ⋯`}
        </div>
      ) : null}
      <div className="tb-legend">
        <span className="c head">head</span>
        <span className="c payload">payload</span>
        <span className="c skipped">skipped or delimiter</span>
        <span className="c pending">received, frame not complete</span>
        <span className="c needed later">needed next</span>
        <span className="c now">this read</span>
        <span className="c chunk">a read starts</span>
      </div>
    </div>
  );
}
