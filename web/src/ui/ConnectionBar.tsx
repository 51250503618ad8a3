import type { StoredConnection } from "../session/capture-store.js";
import { useState } from "react";
import type { SessionModel } from "../session/session-model.js";
import { explainBridgeError } from "./bridge-errors.js";
import { formatSize } from "./byte-text.js";
import { framesText } from "./frame-count.js";
import { NoticeList } from "./NoticeList.js";
import { ThemeToggle } from "./ThemeToggle.js";
import { useSession } from "./use-session.js";

type BridgeState = SessionModel["bridge"];

function bridgeText(state: BridgeState, now: number): { text: string; cls: string; title: string } {
  switch (state.kind) {
    case "connecting":
      return { text: "connecting to the bridge…", cls: "wait", title: "" };
    case "open":
      return {
        text: "bridge connected",
        cls: "ok",
        title: `protocol ${state.hello.version}; capture ${state.hello.capture ?? "off"}`,
      };
    case "waiting":
      return {
        text: `bridge lost: retrying in ${Math.max(0, Math.ceil((state.retryAt - now) / 1000))} s`,
        cls: "bad",
        title: state.reason,
      };
    case "incompatible":
      return { text: "bridge incompatible", cls: "bad", title: state.reason };
    case "stopped":
      return { text: "not connected", cls: "bad", title: "" };
  }
}

/** A page connection's state in words: open, one side closed, or closed and why. */
function openText(target: string, c: StoredConnection | undefined): string {
  if (c?.closed !== undefined) return `connection to ${target} closed (${c.closed.reason})`;
  if (c !== undefined && c.s2c.endedAt !== null)
    return `connected to ${target}; the server closed its side`;
  if (c !== undefined && c.c2s.endedAt !== null)
    return `connected to ${target}; this side is closed`;
  return `connected to ${target}`;
}

/** The top bar: bridge status, connect / attach / open capture, the teaching view switch, totals, theme. */
export function ConnectionBar({
  teach = false,
  onTeach,
}: {
  readonly teach?: boolean;
  readonly onTeach?: (on: boolean) => void;
}) {
  const model = useSession();
  const [target, setTarget] = useState("");
  const [showCaptures, setShowCaptures] = useState(false);
  const state = model.bridge;
  const hello = state.kind === "open" ? state.hello : undefined;
  // Date.now is read at render: the retry countdown is approximate, refreshed by any change.
  // eslint-disable-next-line react-hooks/purity
  const b = bridgeText(state, Date.now());
  const frames = model.frameTotals();
  const framed = model.framedTotals();
  const offered = [
    ...new Set([
      ...(hello?.demo === null || hello === undefined ? [] : [hello.demo]),
      // Patterns of the allow-list ("127.0.0.1:*") are no target to connect to.
      ...(hello?.allow ?? []).filter((t) => !t.includes("*")),
    ]),
  ];
  const attached = new Set(
    [...model.views.values()].filter((v) => v.kind === "tap").map((v) => v.name),
  );
  const connect = model.connect;
  return (
    <header className="bar">
      <strong className="brand">framescope</strong>
      <span className={`pill ${b.cls}`} title={b.title} data-testid="bridge-state">
        {b.text}
      </span>
      <form
        className="connect"
        onSubmit={(e) => {
          e.preventDefault();
          const t = target.trim() === "" ? (offered[0] ?? "") : target.trim();
          if (t !== "") model.connectTo(t);
        }}
      >
        <input
          list="targets"
          value={target}
          placeholder={offered[0] ?? "host:port"}
          onChange={(e) => setTarget(e.target.value)}
          aria-label="Target host:port"
          data-testid="target"
        />
        <datalist id="targets">
          {offered.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <button type="submit" disabled={hello === undefined} data-testid="connect">
          Connect
        </button>
        {connect === undefined ? null : (
          <span
            className={`connect-status ${connect.state}`}
            data-testid="connect-status"
            title={
              connect.state === "failed"
                ? `${connect.target}: ${explainBridgeError(connect.code, connect.text)}`
                : ""
            }
          >
            {connect.state === "pending"
              ? `connecting to ${connect.target}…`
              : connect.state === "open"
                ? openText(connect.target, model.store.get(connect.conn))
                : `✕ ${explainBridgeError(connect.code, connect.text)}`}
          </span>
        )}
      </form>
      <div className="taps">
        {(hello?.taps ?? []).map((t) => {
          const view = [...model.views.values()].find((v) => v.kind === "tap" && v.name === t.name);
          return (
            <button
              key={t.name}
              className={attached.has(t.name) ? "toggle on" : "toggle"}
              title={`tap ${t.name}: listens on ${t.listen}, forwards to ${t.target}`}
              onClick={() => (view === undefined ? model.attach(t.name) : model.closeView(view.id))}
              data-testid={`tap-${t.name}`}
            >
              tap {t.name}
            </button>
          );
        })}
        <button
          onClick={() => {
            if (!showCaptures) model.listCaptures();
            setShowCaptures(!showCaptures);
          }}
          disabled={hello === undefined || hello.capture === null}
          title={
            hello?.capture === null ? "the bridge runs without captures" : "open a capture file"
          }
        >
          captures ▾
        </button>
        {showCaptures ? (
          <ul className="menu" role="menu">
            {(model.captures ?? []).length === 0 ? (
              <li className="muted">no capture files</li>
            ) : null}
            {(model.captures ?? []).map((c) => (
              <li key={c.name}>
                <button
                  role="menuitem"
                  onClick={() => {
                    model.openCapture(c.name);
                    setShowCaptures(false);
                  }}
                >
                  {c.name} <span className="muted">{formatSize(c.size)}</span>
                  {c.current ? <span className="badge">current</span> : null}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <span className="spacer" />
      {onTeach === undefined ? null : (
        <button
          className={teach ? "toggle on" : "toggle"}
          onClick={() => onTeach(!teach)}
          title="why TCP reads are not messages: reads and frames on one byte axis"
          data-testid="teach-toggle"
        >
          {teach ? "back to frames" : "teach: reads vs frames"}
        </button>
      )}
      <span className="totals" data-testid="totals">
        <span className="dir-c2s" title="client to server: bytes received, frames cut">
          C→S {formatSize(model.store.totals.c2s)} ·{" "}
          {framesText(frames.c2s, framed.c2s, model.store.totals.c2s)}
        </span>
        <span className="dir-s2c" title="server to client: bytes received, frames cut">
          S→C {formatSize(model.store.totals.s2c)} ·{" "}
          {framesText(frames.s2c, framed.s2c, model.store.totals.s2c)}
        </span>
      </span>
      <ThemeToggle />
      <NoticeList places={["bridge", "capture", "worker"]} />
    </header>
  );
}
