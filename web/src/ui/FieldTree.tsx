import { useState } from "react";
import type { Issue } from "../decode/issue.js";
import {
  ROW_END,
  ROW_FLAG_FATAL,
  ROW_START,
  type FrameDetail,
} from "../session/worker-protocol.js";
import { formatSize } from "./byte-text.js";
import { isPathWithin } from "./field-path.js";
import { emptyTreeWords, issueRowWords } from "./issue-words.js";
import {
  fieldLabel,
  fieldMetaText,
  fieldValueText,
  flattenFields,
  readingText,
  type FieldRow,
} from "./field-rows.js";
import { useSession } from "./use-session.js";
import { VirtualList } from "./VirtualList.js";

/** Height of a field row in pixels (theme.css: .trow). */
const ROW_HEIGHT = 24;

/** The selected issue row in words: its code and text, its bytes, and what became of the bytes after it. */
function IssueRowDetail() {
  const model = useSession();
  const sel = model.selection;
  const table = sel.conn === undefined ? undefined : model.tables.get(sel.conn);
  const conn = sel.conn === undefined ? undefined : model.store.get(sel.conn);
  if (table === undefined) return null;
  const row = sel.row;
  const dir = table.dirOf(row);
  const lines = issueRowWords({
    codes: table.note(row),
    text: table.summary(row) ?? "",
    start: table.num(row, ROW_START),
    end: table.num(row, ROW_END),
    fatal: (table.flags(row) & ROW_FLAG_FATAL) !== 0,
    stoppedAt: table.status[dir].stoppedAt,
    streamLength: conn?.[dir].length ?? 0,
    dirName: dir === "c2s" ? "C→S" : "S→C",
  });
  return (
    <div className="issue-detail" data-testid="issue-detail">
      {lines.map((line, i) => (
        <p key={i} className={i === 0 ? "issue" : undefined}>
          {line}
        </p>
      ))}
    </div>
  );
}

/** The selected frame: its framing, its issues and its message as a tree of fields linked to the hex view. */
export function FieldTree() {
  const model = useSession();
  const sel = model.selection;
  const detail = sel.detail;
  const frameKey = `${sel.conn ?? ""}|${sel.frame?.dir ?? ""}|${sel.frame?.index ?? -1}`;
  return (
    <section className="panel tree" aria-label="Fields">
      {detail === undefined ? (
        <>
          <div className="toolbar">
            <h2>Fields</h2>
          </div>
          {sel.row >= 0 && sel.frame === undefined ? (
            <IssueRowDetail />
          ) : (
            <p className="empty">
              {sel.frame !== undefined ? "Decoding…" : "Select a frame to see its fields."}
            </p>
          )}
        </>
      ) : (
        <Detail key={frameKey} detail={detail} />
      )}
    </section>
  );
}

function Detail({ detail }: { readonly detail: FrameDetail }) {
  const model = useSession();
  const sel = model.selection;
  const [opened, setOpened] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [view, setView] = useState<"tree" | "json">("tree");
  const { frame, message } = detail;
  const rows = message === undefined ? [] : flattenFields(message.fields, opened);
  const issues: Issue[] = [...detail.framingIssues, ...(message?.issues ?? [])];
  const source = message?.source;
  const info = frame.info;

  const renderRow = (i: number) => {
    const row = rows[i] as FieldRow;
    const n = row.node;
    const selected = sel.field !== undefined && row.key === sel.field.join(".");
    const inside = sel.field !== undefined && !selected && isPathWithin(row.path, sel.field);
    const reading = readingText(n);
    // The row may cut the value short; its title shows it whole (up to fieldValueText's limit).
    const value = fieldValueText(n);
    return (
      <div
        className={`trow${selected ? " selected" : ""}${inside ? " inside" : ""}${n.facts.name === undefined && !row.packedElement ? " unknown" : ""}`}
        style={{ paddingLeft: 4 + row.depth * 14 }}
        data-path={row.key}
        data-start={n.start}
        data-tag-end={n.tagEnd}
        data-value-start={n.valueStart}
        data-value-end={n.valueEnd}
        data-end={n.end}
        onMouseEnter={() => sel.hoverField(row.path)}
        onMouseLeave={() => sel.hoverField(undefined)}
        onClick={() => sel.selectField(row.path)}
        role="treeitem"
        aria-selected={selected}
        aria-expanded={row.hasChildren ? row.open : undefined}
      >
        <button
          className="caret"
          disabled={!row.hasChildren}
          aria-label={row.open ? "collapse" : "expand"}
          onClick={(e) => {
            e.stopPropagation();
            setOpened(new Map(opened).set(row.key, !row.open));
          }}
        >
          {row.hasChildren ? (row.open ? "▾" : "▸") : ""}
        </button>
        <span className="fname">{fieldLabel(row)}</span>
        <span className="fmeta">{fieldMetaText(row)}</span>
        <span className="fvalue" title={reading === undefined ? value : `${value} · ${reading}`}>
          {value}
          {reading === undefined ? null : <span className="reading"> · {reading}</span>}
        </span>
      </div>
    );
  };

  return (
    <>
      <div className="toolbar">
        <h2>Fields</h2>
        <span className="type-name" data-testid="message-type" title={message?.typeName}>
          {message === undefined ? "payload not decoded" : (message.typeName ?? "schemaless")}
        </span>
        <span className="spacer" />
        {message !== undefined ? (
          <div className="seg" role="group" aria-label="Show">
            <button className={view === "tree" ? "on" : ""} onClick={() => setView("tree")}>
              tree
            </button>
            <button className={view === "json" ? "on" : ""} onClick={() => setView("json")}>
              JSON
            </button>
          </div>
        ) : null}
      </div>
      <div className="frame-info muted" data-testid="frame-info">
        {source?.kind === "gzip" ? (
          <span
            className="badge gz"
            title="The framing flagged the payload as gzip-compressed; the fields index the gunzipped bytes"
          >
            gzip {formatSize(source.compressed[1] - source.compressed[0])} →{" "}
            {formatSize(source.size)}
          </span>
        ) : null}
        frame {frame.index} · [{frame.start}, {frame.end}) · head [{frame.headStart},{" "}
        {frame.headEnd}) · payload [{frame.payloadStart}, {frame.payloadEnd})
        {info?.kind === "length"
          ? ` · length field ${info.length}${info.flags ? `, flags 0x${info.flags.toString(16)}` : ""}`
          : ""}
        {info?.kind === "grpc" ? ` · flag ${info.flag}` : ""}
        {info?.kind === "http1" ? ` · ${info.startLine} · body ${info.body}` : ""}
        {info?.kind === "resp" ? ` · RESP ${info.type}` : ""}
      </div>
      {issues.length > 0 ? (
        <ul className="issues" aria-label="Issues">
          {issues.map((is, i) => (
            <li key={i} className={is.fatal ? "fatal" : ""}>
              <span className="code">{is.code}</span> {is.text}{" "}
              <span className="muted">
                [{is.span[0]}, {is.span[1]})
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {message === undefined ? (
        <p className="empty">
          This stream&apos;s payloads are not decoded: choose a message type or schemaless protobuf
          in Decoding.
        </p>
      ) : view === "json" ? (
        <pre className="json">{detail.json}</pre>
      ) : rows.length === 0 ? (
        <p className="empty">
          {emptyTreeWords(message.issues, frame.payloadEnd - frame.payloadStart)}
        </p>
      ) : (
        <div className="tree-rows" role="tree" onMouseLeave={() => sel.hoverField(undefined)}>
          <VirtualList
            count={rows.length}
            rowHeight={ROW_HEIGHT}
            renderRow={renderRow}
            label="Field tree"
            testId="field-rows"
          />
        </div>
      )}
    </>
  );
}
