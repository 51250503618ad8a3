import type { StoredConnection } from "../session/capture-store.js";
import { formatSize } from "./byte-text.js";
import { fromFile } from "./conversation-source.js";
import { framesText } from "./frame-count.js";
import { formatClock } from "./time-format.js";
import { useSession } from "./use-session.js";
import { VirtualList } from "./VirtualList.js";

/** Height of a conversation item in pixels (theme.css: .conv). */
const ROW_HEIGHT = 50;

function endpoint(a: { address: string; port: number } | undefined): string {
  return a === undefined
    ? "?"
    : `${a.address.includes(":") ? `[${a.address}]` : a.address}:${a.port}`;
}

function stateText(c: StoredConnection, liveCapture: string | null): { text: string; cls: string } {
  if (c.error !== undefined) return { text: c.error.code, cls: "bad" };
  if (c.closed !== undefined) return { text: `closed (${c.closed.reason})`, cls: "done" };
  // A connection of an older capture whose end was never recorded (that bridge stopped first).
  if (fromFile(c.key, liveCapture) !== undefined) return { text: "no end recorded", cls: "done" };
  if (c.c2s.endedAt !== null || c.s2c.endedAt !== null) return { text: "half-closed", cls: "open" };
  return { text: "open", cls: "open" };
}

/** Every connection seen, newest first: who talked to whom, bytes and frames each way. */
export function ConversationList() {
  const model = useSession();
  const sel = model.selection;
  const keys = model.store.keys();
  const liveCapture = model.liveCapture;
  const count = keys.length;
  const renderRow = (i: number) => {
    const key = keys[count - 1 - i];
    const c = key === undefined ? undefined : model.store.get(key);
    if (key === undefined || c === undefined) return null;
    const t = model.tables.get(key);
    const st = stateText(c, liveCapture);
    const file = fromFile(key, liveCapture);
    const info = c.info;
    const from =
      info === undefined ? "" : info.source === "tap" ? endpoint(info.client) : "this page";
    return (
      <div
        className={`conv${key === sel.conn ? " selected" : ""}`}
        onClick={() => sel.selectConversation(key)}
        data-conn={key}
        title={info === undefined ? undefined : `opened at ${formatClock(info.openedAt)}`}
        role="option"
        aria-selected={key === sel.conn}
      >
        <div className="conv-line">
          <span className="conv-id">#{c.conn}</span>
          {file === undefined ? null : (
            <span className="badge file" title={file.title}>
              {file.label}
            </span>
          )}
          <span className="conv-src">
            {info?.source === "tap" ? `tap ${info.tap ?? ""}` : "connect"}
          </span>
          <span className="conv-peers" title={`${from} → ${info?.target ?? ""}`}>
            {from} → {info?.target ?? "?"}
          </span>
          <span className={`conv-state ${st.cls}`} title={c.error?.message}>
            {st.text}
          </span>
        </div>
        <div className="conv-line muted">
          {(["c2s", "s2c"] as const).map((d) => {
            const text = `${d === "c2s" ? "C→S" : "S→C"} ${formatSize(c[d].length)} · ${framesText(t?.frameCount(d) ?? 0, t?.status[d].framed ?? 0, c[d].length)}`;
            // A narrow list cuts the text with an ellipsis; the whole of it is in the title.
            return (
              <span key={d} className={`conv-dir dir-${d}`} title={text}>
                {text}
              </span>
            );
          })}
        </div>
      </div>
    );
  };
  return (
    <section className="panel convs" aria-label="Conversations">
      <div className="toolbar">
        <h2>Conversations</h2>
        <span className="muted">{count}</span>
        <span className="spacer" />
        <button
          className={model.followNewest ? "toggle on" : "toggle"}
          onClick={() => model.setFollowNewest(!model.followNewest)}
          title="Show the newest conversation as it starts"
        >
          newest
        </button>
        <button
          onClick={() => model.clearClosed()}
          title="Forget the conversations that have closed"
        >
          clear
        </button>
      </div>
      {count === 0 ? (
        <p className="empty">Waiting for traffic…</p>
      ) : (
        <VirtualList
          count={count}
          rowHeight={ROW_HEIGHT}
          renderRow={renderRow}
          label="Conversations"
          testId="conversations"
        />
      )}
    </section>
  );
}
