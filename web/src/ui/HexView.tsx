import { memo, useDeferredValue, useState, type MouseEvent } from "react";
import {
  fieldLength,
  fieldSpan,
  fieldTag,
  fieldValue,
  type FieldNode,
} from "../decode/proto-tree.js";
import type { Span } from "../decode/span.js";
import type { Direction } from "../session/bridge-protocol.js";
import { ROW_END, ROW_START } from "../session/worker-protocol.js";
import { byteHex, asciiChar, formatSize } from "./byte-text.js";
import { plural } from "./plural.js";
import {
  cellClasses,
  markCells,
  type FieldParts,
  type FrameBox,
  type MarkInput,
} from "./cell-marks.js";
import { CopyButtons } from "./CopyButtons.js";
import { fieldAtPath } from "./field-path.js";
import { HexLegend } from "./HexLegend.js";
import { BYTES_PER_ROW, formatOffset, offsetDigits, rowCount, rowOf } from "./hex-rows.js";
import { useSession } from "./use-session.js";
import { VirtualList } from "./VirtualList.js";
import { appendAll } from "../decode/append.js";

/** Height of a hex row in pixels (theme.css: .hrow). */
const ROW_HEIGHT = 20;

function partsOf(f: FieldNode | undefined): FieldParts | undefined {
  if (f === undefined) return undefined;
  return { span: fieldSpan(f), tag: fieldTag(f), length: fieldLength(f), value: fieldValue(f) };
}

/**
 * One row of the hex view: offset, hex and ASCII columns. Neighbouring bytes
 * with the same classes share one element (a run), and the row breaks into
 * runs at its middle gap, so a row of payload is a handful of elements, not
 * 32: the view mounts and lays out several times faster. A run's
 * `data-offset` is its first byte and `data-count` its length; see
 * {@link offsetUnder} for the byte under the pointer. Its props are plain
 * strings (the bytes as hex, the cells' classes joined by "|"), so a row whose
 * bytes and colours did not change is not rendered again while traffic flows.
 */
const HexRow = memo(function HexRow(props: {
  from: number;
  digits: number;
  hex: string;
  classes: string;
}) {
  const { from, digits, hex } = props;
  const classes = props.classes.split("|");
  const n = Math.min(classes.length, hex.length / 2);
  const cells = [];
  const ascii = [];
  for (let start = 0; start < n;) {
    const cls = classes[start] ?? "c";
    let end = start + 1;
    while (end < n && end !== HALF_ROW && classes[end] === cls) end++;
    let pairs = "";
    let chars = "";
    for (let i = start; i < end; i++) {
      const text = hex.slice(i * 2, i * 2 + 2);
      pairs += i === start ? text : " " + text;
      chars += asciiChar(parseInt(text, 16));
    }
    if (start === HALF_ROW) cells.push(" ");
    cells.push(
      <span key={start} className={cls} data-offset={from + start} data-count={end - start}>
        {pairs}
      </span>,
    );
    ascii.push(
      <span key={start} className={cls} data-offset={from + start} data-count={end - start}>
        {chars}
      </span>,
    );
    start = end;
  }
  return (
    <div className="hrow">
      <span className="hoff">{formatOffset(from, digits)}</span>
      <span className="hhex">{cells}</span>
      <span className="hascii">{ascii}</span>
    </div>
  );
});

/** The hex column's middle gap comes before this byte of a row. */
const HALF_ROW = BYTES_PER_ROW / 2;

/**
 * The offset of the byte under the pointer, or undefined off the bytes: the
 * run's first offset plus where in the run the pointer is (every byte of a run
 * is as wide as the next: 3ch in the hex column, 1ch in the ASCII column).
 */
function offsetUnder(target: EventTarget, clientX: number): number | undefined {
  if (!(target instanceof HTMLElement)) return undefined;
  const first = target.dataset["offset"];
  const count = Number(target.dataset["count"] ?? 1);
  if (first === undefined) return undefined;
  const box = target.getBoundingClientRect();
  const at = box.width > 0 ? Math.floor(((clientX - box.left) / box.width) * count) : 0;
  return Number(first) + Math.max(0, Math.min(count - 1, at));
}

/**
 * The bytes of one stream (or of a decompressed payload) in offset / hex /
 * ASCII columns, coloured by what each byte is; a click selects the field (or
 * frame) under it, a drag selects a range to copy.
 */
export function HexView() {
  const model = useSession();
  const sel = model.selection;
  const [dragged, setDrag] = useState<
    { anchor: number; head: number; active: boolean; where: string } | undefined
  >();
  const [hovered, setHovered] = useState<number | undefined>();
  const key = sel.conn;
  const conn = key === undefined ? undefined : model.store.get(key);
  // When the first conversation appears, its bytes mount one step after the frame list: React
  // renders the deferred value in a task of its own, so neither task is long.
  const mounted = useDeferredValue(conn !== undefined);
  const table = key === undefined ? undefined : model.tables.get(key);
  const detail = sel.detail;
  const payloadMode = sel.hexSource === "payload" && detail?.decompressed !== undefined;
  const dir: Direction = sel.shownDir();
  const stream = conn?.[dir];
  const bytesOf = payloadMode
    ? (s: number, e: number) => (detail?.decompressed ?? new Uint8Array(0)).subarray(s, e)
    : (s: number, e: number) => stream?.read(s, e) ?? new Uint8Array(0);
  const length = payloadMode ? (detail?.decompressed?.length ?? 0) : (stream?.length ?? 0);
  // A dragged range belongs to the bytes it was dragged over: another stream or payload drops it.
  const where = `${key ?? ""}|${dir}|${payloadMode ? "payload" : "stream"}`;
  const drag = dragged?.where === where ? dragged : undefined;
  if (dragged !== undefined && drag === undefined) setDrag(undefined);
  const digits = offsetDigits(length);

  // What is selected, in the offsets shown.
  const fields = detail?.message?.fields;
  const fieldsHere =
    fields !== undefined && (payloadMode || detail?.message?.source.kind === "stream");
  const selectedField =
    fieldsHere && sel.field !== undefined ? fieldAtPath(fields, sel.field) : undefined;
  const hoverField =
    fieldsHere && sel.hover !== undefined ? fieldAtPath(fields, sel.hover) : undefined;
  const frame = detail?.frame;
  const selectedFrame: FrameBox | undefined =
    !payloadMode && frame !== undefined && sel.frame?.dir === dir
      ? {
          ...frame,
          parts: frame.info?.kind === "http1" ? frame.info.parts : undefined,
        }
      : undefined;
  const issues: Span[] = [];
  if (detail !== undefined && !payloadMode)
    appendAll(
      issues,
      detail.framingIssues.map((i) => i.span),
    );
  if (detail?.message !== undefined && fieldsHere)
    appendAll(
      issues,
      detail.message.issues.map((i) => i.span),
    );
  if (
    !payloadMode &&
    table !== undefined &&
    sel.row >= 0 &&
    !table.isFrame(sel.row) &&
    table.dirOf(sel.row) === dir
  )
    issues.push([table.num(sel.row, ROW_START), table.num(sel.row, ROW_END)]);
  const status = table?.status[dir];
  const framedTo = table?.framedTo(dir) ?? 0;
  const range: Span | undefined =
    drag === undefined || drag.anchor === drag.head
      ? undefined
      : [Math.min(drag.anchor, drag.head), Math.max(drag.anchor, drag.head) + 1];

  const renderRow = (row: number) => {
    const from = row * BYTES_PER_ROW;
    const to = Math.min(from + BYTES_PER_ROW, length);
    const input: MarkInput = payloadMode
      ? {
          from,
          to,
          frames: [],
          field: partsOf(selectedField),
          hover: partsOf(hoverField),
          issues,
          range,
        }
      : {
          from,
          to,
          frames: table?.framesOverlapping(dir, from, to) ?? [],
          selectedFrame,
          field: partsOf(selectedField),
          hover: partsOf(hoverField),
          boundaries: stream?.boundariesIn(from - 1, to) ?? [],
          unframedFrom: status?.stoppedAt ?? undefined,
          pendingFrom: status?.stoppedAt === null && framedTo < length ? framedTo : undefined,
          issues,
          range,
        };
    const marks = markCells(input);
    const bytes = bytesOf(from, to);
    let hex = "";
    const classes: string[] = [];
    for (let i = 0; i < to - from; i++) {
      hex += byteHex(bytes[i] ?? 0);
      classes.push(cellClasses(marks[i] ?? 0) + (from + i === hovered ? " cursor" : ""));
    }
    return <HexRow from={from} digits={digits} hex={hex} classes={classes.join("|")} />;
  };

  const offsetAt = (e: MouseEvent): number | undefined => offsetUnder(e.target, e.clientX);

  const copyBytes = (): { bytes: Uint8Array; what: string } | undefined => {
    if (range !== undefined) return { bytes: bytesOf(range[0], range[1]), what: "range" };
    if (selectedField !== undefined) {
      const [s, e] = fieldValue(selectedField);
      return {
        bytes: bytesOf(s, e),
        what: `field ${selectedField.facts.name ?? selectedField.number} value`,
      };
    }
    if (selectedFrame !== undefined)
      return {
        bytes: bytesOf(selectedFrame.start, selectedFrame.end),
        what: `frame ${selectedFrame.index}`,
      };
    return undefined;
  };

  const gz = detail?.message?.source.kind === "gzip" ? detail.message.source : undefined;
  return (
    <section className="panel hex" aria-label="Hex view">
      <div className="toolbar">
        <h2>Bytes</h2>
        <div className="seg" role="group" aria-label="Stream">
          {(["c2s", "s2c"] as const).map((d) => (
            <button
              key={d}
              className={!payloadMode && dir === d ? "on" : ""}
              onClick={() => sel.setHexDir(d)}
              disabled={conn === undefined}
              data-testid={`hex-${d}`}
            >
              {d === "c2s" ? "C→S" : "S→C"}
              <span className="muted"> {formatSize(conn?.[d].length ?? 0)}</span>
            </button>
          ))}
          {gz !== undefined && detail?.decompressed !== undefined ? (
            <button
              className={payloadMode ? "on" : ""}
              onClick={() => sel.setHexSource("payload")}
              title="The gzip-compressed payload after decompression: the field tree's offsets refer to these bytes"
              data-testid="hex-payload"
            >
              gunzipped <span className="muted">{formatSize(gz.size)}</span>
            </button>
          ) : null}
        </div>
        <CopyButtons get={copyBytes} />
      </div>
      {conn === undefined || !mounted ? (
        <p className="empty">The selected conversation&apos;s bytes appear here.</p>
      ) : (
        <div
          className="hex-grid"
          onMouseDown={(e) => {
            const o = offsetAt(e);
            if (o === undefined || e.button !== 0) return;
            e.preventDefault();
            setDrag({ anchor: o, head: o, active: true, where });
          }}
          onMouseMove={(e) => {
            const o = offsetAt(e);
            if (o !== hovered) setHovered(o);
            if (
              o !== undefined &&
              drag?.active === true &&
              (e.buttons & 1) === 1 &&
              o !== drag.head
            )
              setDrag({ ...drag, head: o });
          }}
          onMouseLeave={() => setHovered(undefined)}
          onMouseUp={(e) => {
            const o = offsetAt(e);
            if (drag === undefined) return;
            if (o !== undefined && o === drag.anchor) {
              setDrag(undefined);
              sel.selectByte(o);
            } else setDrag({ ...drag, active: false });
          }}
        >
          <VirtualList
            className="hex-rows"
            count={rowCount(length)}
            rowHeight={ROW_HEIGHT}
            renderRow={renderRow}
            scrollTo={{ index: rowOf(sel.hexFocusAt), seq: sel.hexFocusSeq }}
            label={payloadMode ? "Decompressed payload bytes" : `${dir} stream bytes`}
            testId="hex-rows"
          />
        </div>
      )}
      <div className="hex-status muted" data-testid="hex-status">
        {hovered !== undefined
          ? `offset ${hovered} (0x${hovered.toString(16)})${payloadMode ? " in the gunzipped payload" : ""}`
          : range !== undefined
            ? `${plural(range[1] - range[0], "byte")} selected: [${range[0]}, ${range[1]})`
            : `${formatSize(length)}${payloadMode ? " gunzipped" : ` in ${plural(stream?.chunkCount ?? 0, "TCP read")}`}`}
      </div>
      <HexLegend />
    </section>
  );
}
