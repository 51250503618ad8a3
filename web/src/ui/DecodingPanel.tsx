import { useCallback, useState } from "react";
import type { Direction } from "../session/bridge-protocol.js";
import type { ConnectionConfig, PayloadChoice, StreamConfig } from "../session/worker-protocol.js";
import { FramingEditor } from "./FramingEditor.js";
import { NoticeList } from "./NoticeList.js";
import type { Preset } from "./presets.js";
import { SchemaPanel } from "./SchemaPanel.js";
import { useSessionSettings } from "./use-session.js";

const DIR_LABEL: Record<Direction, string> = { c2s: "C→S", s2c: "S→C" };

function choiceValue(p: PayloadChoice): string {
  return p.kind === "schema" ? `type:${p.type}` : p.kind;
}

function choiceOf(value: string): PayloadChoice {
  if (value.startsWith("type:")) return { kind: "schema", type: value.slice(5) };
  return value === "none" ? { kind: "none" } : { kind: "raw" };
}

/**
 * How streams are decoded: framing (one editor for both directions, or one
 * each) and the message type per direction, for every conversation or for
 * the selected one only; and the schemas that provide the types.
 */
export function DecodingPanel() {
  const model = useSessionSettings();
  const key = model.selection.conn;
  const own = key !== undefined && model.overrides.has(key);
  const [scopeOne, setScopeOne] = useState(false);
  const onlyThis = scopeOne && key !== undefined;
  const shown: ConnectionConfig = model.configOf(onlyThis ? key : undefined);
  const [split, setSplit] = useState(false);
  const linked = !split && shown.c2s.framing === shown.s2c.framing;

  const apply = useCallback(
    (next: ConnectionConfig) => model.configure(next, onlyThis ? key : undefined),
    [model, onlyThis, key],
  );
  const setStream = (dir: Direction | "both", change: Partial<StreamConfig>): void => {
    const next = { ...shown };
    if (dir === "both" || dir === "c2s") next.c2s = { ...shown.c2s, ...change };
    if (dir === "both" || dir === "s2c") next.s2c = { ...shown.s2c, ...change };
    apply(next);
  };
  const preset = (dir: Direction | "both") => (p: Preset) => {
    const next = { ...shown };
    for (const d of ["c2s", "s2c"] as const) {
      if (dir !== "both" && dir !== d) continue;
      const payload = p.payload[d];
      // A preset's message type only when the schemas have it; else the stream stays schemaless.
      const known = payload.kind !== "schema" || model.schemaTypes.includes(payload.type);
      next[d] = { framing: p.spec, payload: known ? payload : { kind: "raw" } };
    }
    apply(next);
  };
  const types = model.schemaTypes;

  return (
    <section className="panel decoding" aria-label="Decoding">
      <div className="toolbar">
        <h2>Decoding</h2>
        <span className="spacer" />
        <div className="seg" role="group" aria-label="Apply to">
          <button
            className={onlyThis ? "" : "on"}
            onClick={() => setScopeOne(false)}
            title="Settings for every conversation (replaces per-conversation ones)"
          >
            all
          </button>
          <button
            className={onlyThis ? "on" : ""}
            onClick={() => setScopeOne(true)}
            disabled={key === undefined}
            title="Settings for the selected conversation only"
          >
            this one{own ? " *" : ""}
          </button>
        </div>
      </div>
      <div className="decoding-body">
        <div className="section-head">
          <h3>Framing</h3>
          <label className="check">
            <input type="checkbox" checked={linked} onChange={(e) => setSplit(!e.target.checked)} />
            same both ways
          </label>
        </div>
        {linked ? (
          <FramingEditor
            id="both"
            spec={shown.c2s.framing}
            onApply={(spec) => setStream("both", { framing: spec })}
            onPreset={preset("both")}
          />
        ) : (
          (["c2s", "s2c"] as const).map((d) => (
            <div key={d} className="dir-block">
              <h4 className={`dir-${d}`}>{DIR_LABEL[d]}</h4>
              <FramingEditor
                id={d}
                spec={shown[d].framing}
                onApply={(spec) => setStream(d, { framing: spec })}
                onPreset={preset(d)}
              />
            </div>
          ))
        )}
        <NoticeList places={["framing"]} />
        <div className="section-head">
          <h3>Messages</h3>
        </div>
        {(["c2s", "s2c"] as const).map((d) => {
          const value = choiceValue(shown[d].payload);
          const missing =
            shown[d].payload.kind === "schema" &&
            !types.includes((shown[d].payload as { type: string }).type);
          return (
            <label key={d} className="row">
              <span className={`dir-${d}`}>{DIR_LABEL[d]}</span>
              <select
                value={value}
                onChange={(e) => setStream(d, { payload: choiceOf(e.target.value) })}
                data-testid={`type-${d}`}
                className={missing ? "invalid" : ""}
              >
                <option value="none">bytes only (no decoding)</option>
                <option value="raw">protobuf, schemaless</option>
                {missing ? (
                  <option value={value}>{value.slice(5)} (not loaded: decoded schemaless)</option>
                ) : null}
                {types.map((t) => (
                  <option key={t} value={`type:${t}`}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
          );
        })}
        <SchemaPanel />
      </div>
    </section>
  );
}
