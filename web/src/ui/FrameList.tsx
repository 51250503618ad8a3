import { useEffect, useState, type KeyboardEvent } from "react";
import {
  ROW_END,
  ROW_FLAG_COMPRESSED,
  ROW_FLAG_FATAL,
  ROW_FLAG_ISSUES,
  ROW_START,
} from "../session/worker-protocol.js";
import type { FrameTable } from "../session/frame-table.js";
import { formatSize } from "./byte-text.js";
import { ConversationActions } from "./ConversationActions.js";
import { isPassThrough, RowFilter, type DirFilter } from "./row-filter.js";
import { formatDelta, formatSeconds } from "./time-format.js";
import { useSession } from "./use-session.js";
import { VirtualList } from "./VirtualList.js";

/** Height of a frame row in pixels (theme.css: .frow). */
const ROW_HEIGHT = 24;
const EMPTY_TABLE_ROWS = new Int32Array(0);

/** The selected conversation's frames and issues: virtualised, filtered, following live traffic. */
export function FrameList() {
  const model = useSession();
  const sel = model.selection;
  const [dir, setDir] = useState<DirFilter>("all");
  const [text, setText] = useState("");
  const [follow, setFollow] = useState(true);
  const [filter] = useState(() => new RowFilter());
  const [shownConn, setShownConn] = useState(sel.conn);
  if (shownConn !== sel.conn) {
    // Another conversation: follow it while it is open, else start at its first frame.
    setShownConn(sel.conn);
    const c = sel.conn === undefined ? undefined : model.store.get(sel.conn);
    setFollow(c !== undefined && c.closed === undefined);
  }
  const key = sel.conn;
  const table: FrameTable | undefined = key === undefined ? undefined : model.tables.get(key);
  const conn = key === undefined ? undefined : model.store.get(key);
  const spec = { dir, text };
  const pass = isPassThrough(spec);
  const filtered = table === undefined || pass ? undefined : filter.update(table, spec);
  const count = table === undefined ? 0 : (filtered?.length ?? table.count);
  const rowAt = (i: number): number => (filtered === undefined ? i : (filtered.rows[i] ?? -1));
  const positionOf = (row: number): number => {
    if (filtered === undefined) return row;
    const list = filtered.length > 0 ? filtered.rows : EMPTY_TABLE_ROWS;
    for (let i = 0; i < filtered.length; i++) if (list[i] === row) return i;
    return -1;
  };
  const t0 = conn?.info?.openedAt ?? conn?.c2s.chunk(0)?.time ?? conn?.s2c.chunk(0)?.time ?? 0;
  /** When a row's last byte arrived (µs). */
  const timeOf = (row: number): number =>
    table === undefined || conn === undefined
      ? t0
      : conn[table.dirOf(row)].timeAt(
          Math.max(table.num(row, ROW_START), table.num(row, ROW_END) - 1),
        );
  // A text filter reads summaries the worker has not sent yet: ask for the next rows it needs.
  const wanted = filtered?.wanted;
  useEffect(() => {
    if (key !== undefined && wanted !== undefined && wanted.length > 0)
      model.askSummaries(key, wanted);
  }, [model, key, wanted]);
  const onShown = (start: number, end: number): void => {
    if (key === undefined) return;
    const rows: number[] = [];
    for (let i = start; i < end; i++) rows.push(rowAt(i));
    model.askSummaries(key, rows);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>, page: number): void => {
    const at = positionOf(sel.row);
    const moves: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      PageDown: at + page,
      PageUp: at - page,
      Home: 0,
      End: count - 1,
    };
    const next = moves[e.key];
    if (next === undefined || count === 0) return;
    e.preventDefault();
    setFollow(e.key === "End");
    sel.selectRow(
      rowAt(Math.max(0, Math.min(count - 1, sel.row < 0 && e.key === "ArrowDown" ? 0 : next))),
    );
  };

  const renderRow = (i: number) => {
    const row = rowAt(i);
    if (table === undefined || row < 0) return null;
    const d = table.dirOf(row);
    const flags = table.flags(row);
    const time = timeOf(row);
    const prev = i === 0 ? t0 : timeOf(rowAt(i - 1));
    const isFrame = table.isFrame(row);
    const note = table.note(row);
    const summary = table.summary(row);
    const cls = [
      "frow",
      d,
      row === sel.row ? "selected" : "",
      isFrame ? "" : "issue-row",
      flags & ROW_FLAG_FATAL ? "fatal" : "",
    ].join(" ");
    return (
      <div
        className={cls}
        data-row={row}
        data-dir={d}
        role="row"
        aria-selected={row === sel.row}
        onClick={() => {
          setFollow(false);
          sel.selectRow(row);
        }}
      >
        <span className="col-num">{row + 1}</span>
        <span className="col-time">{formatSeconds(time - t0)}</span>
        <span className="col-delta">{i === 0 ? "" : formatDelta(time - prev)}</span>
        <span
          className={`col-dir dir-${d}`}
          title={d === "c2s" ? "client to server" : "server to client"}
        >
          {d === "c2s" ? "C→S" : "S→C"}
        </span>
        <span
          className="col-size"
          title={isFrame ? undefined : "where the issue is: stream offset"}
        >
          {isFrame
            ? formatSize(table.num(row, ROW_END) - table.num(row, ROW_START))
            : `@${table.num(row, ROW_START)}`}
        </span>
        <span className="col-summary" title={summary}>
          {flags & ROW_FLAG_COMPRESSED ? <span className="badge gz">gzip</span> : null}
          {isFrame ? null : <span className="badge bad">issue</span>}
          {summary ?? <span className="muted">…</span>}
        </span>
        <span className={`col-issues ${flags & ROW_FLAG_ISSUES ? "has" : ""}`} title={note}>
          {note}
        </span>
      </div>
    );
  };

  const total = table?.count ?? 0;
  const frames = table === undefined ? 0 : table.frameCount("c2s") + table.frameCount("s2c");
  const checked = table === undefined ? 0 : table.checked.c2s + table.checked.s2c;
  return (
    <section className="panel frames" aria-label="Frames">
      <div className="toolbar">
        <h2>Frames</h2>
        <div className="seg" role="group" aria-label="Direction">
          {(["all", "c2s", "s2c"] as const).map((d) => (
            <button
              key={d}
              className={dir === d ? "on" : ""}
              onClick={() => setDir(d)}
              data-testid={`dir-${d}`}
            >
              {d === "all" ? "Both" : d === "c2s" ? "C→S" : "S→C"}
            </button>
          ))}
        </div>
        <input
          className="filter"
          type="search"
          placeholder="Filter: text in summary or issue code"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label="Filter frames"
        />
        {checked < frames ? (
          <span
            className="muted count"
            data-testid="checking"
            title="Frames are listed as they are cut; their payloads are decoded for issues next"
          >
            checking payloads {Math.floor((100 * checked) / frames)}%
          </span>
        ) : null}
        <span className="muted count" data-testid="frame-count">
          {pass
            ? `${total} row${total === 1 ? "" : "s"}`
            : `${count} of ${total} row${total === 1 ? "" : "s"}${
                filtered !== undefined && filtered.scanned < total
                  ? ` (searching: ${Math.floor((100 * filtered.scanned) / total)}%)`
                  : ""
              }`}
        </span>
        <button
          className={follow ? "toggle on" : "toggle"}
          onClick={() => setFollow(!follow)}
          title="Keep the newest frame in view"
        >
          {follow ? "Following" : "Follow"}
        </button>
      </div>
      <ConversationActions />
      <div className="frow head" role="row">
        <span className="col-num">#</span>
        <span className="col-time">time (s)</span>
        <span className="col-delta">Δ</span>
        <span className="col-dir">dir</span>
        <span className="col-size">size</span>
        <span className="col-summary">summary</span>
        <span className="col-issues">issues</span>
      </div>
      {table === undefined ? (
        <p className="empty">
          {model.store.size === 0
            ? "No conversation yet: traffic appears here as soon as the bridge delivers it."
            : "Pick a conversation on the left."}
        </p>
      ) : (
        <VirtualList
          key={key}
          className="frame-rows"
          count={count}
          rowHeight={ROW_HEIGHT}
          renderRow={renderRow}
          follow={follow}
          onFollowChange={setFollow}
          scrollTo={{ index: positionOf(sel.row), seq: sel.rowFocusSeq }}
          onKeyDown={onKeyDown}
          label="Frame list"
          testId="frame-list"
          onShown={onShown}
        />
      )}
    </section>
  );
}
