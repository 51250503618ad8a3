import { useEffect, useRef, useState } from "react";
import { PRESETS, type Preset } from "./presets.js";
import {
  checkSpecText,
  defaultValue,
  FORM_FIELDS,
  FRAMING_KINDS,
  readSpecText,
  setSpecKind,
  setSpecValue,
} from "./spec-form.js";

/** Typing in the spec string applies it once it is valid and the typing pauses this long (ms). */
const TYPING_PAUSE_MS = 350;

export interface FramingEditorProps {
  /** The spec string in force. */
  readonly spec: string;
  readonly onApply: (spec: string) => void;
  readonly onPreset: (preset: Preset) => void;
  /** For test ids: "both", "c2s" or "s2c". */
  readonly id: string;
}

/**
 * One stream's framing: a preset, the spec string, and every key of it as a
 * form field, all in step. A valid change applies at once (the worker frames
 * the stream again); an invalid one explains itself and changes nothing.
 */
export function FramingEditor(props: FramingEditorProps) {
  const { spec, onApply } = props;
  const [draft, setDraft] = useState(spec);
  const [seen, setSeen] = useState(spec);
  if (spec !== seen) {
    // The spec changed elsewhere (another editor, a preset): show it.
    setSeen(spec);
    setDraft(spec);
  }
  const check = checkSpecText(draft);
  const applied = checkSpecText(spec);
  const appliedCanonical = applied.ok ? applied.canonical : spec;

  // The latest onApply, so re-renders (live traffic) do not restart the typing pause.
  const applyRef = useRef(onApply);
  useEffect(() => {
    applyRef.current = onApply;
  });
  const pending = check.ok && check.canonical !== appliedCanonical ? check.canonical : undefined;
  useEffect(() => {
    if (pending === undefined) return;
    const timer = setTimeout(() => applyRef.current(pending), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [pending]);

  const { kind, values } = readSpecText(draft);
  const fields =
    (FORM_FIELDS as Record<string, (typeof FORM_FIELDS)["length"] | undefined>)[kind] ?? [];
  const preset = PRESETS.find((p) => p.spec === (check.ok ? check.canonical : draft.trim()));
  const edit = (text: string): void => {
    setDraft(text);
    const c = checkSpecText(text);
    // Form controls apply at once; the text box waits for a pause in typing (the effect above).
    if (c.ok && c.canonical !== appliedCanonical) onApply(c.canonical);
  };

  return (
    <div className="framing" data-testid={`framing-${props.id}`}>
      <label className="row">
        <span>preset</span>
        <select
          value={preset?.id ?? "custom"}
          onChange={(e) => {
            const p = PRESETS.find((x) => x.id === e.target.value);
            if (p !== undefined) props.onPreset(p);
          }}
          data-testid={`preset-${props.id}`}
        >
          {preset === undefined ? <option value="custom">custom</option> : null}
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <label className="row stack">
        <span>spec string</span>
        <input
          className={`spec${check.ok ? "" : " invalid"}`}
          value={draft}
          spellCheck={false}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && check.ok) onApply(check.canonical);
            if (e.key === "Escape") setDraft(spec);
          }}
          aria-invalid={!check.ok}
          aria-label="Framing spec string"
          data-testid={`spec-${props.id}`}
        />
      </label>
      {check.ok ? (
        <p className="hint muted">
          {preset?.layout ??
            (check.canonical === draft.trim()
              ? "custom framing"
              : `canonical form: ${check.canonical}`)}
        </p>
      ) : (
        <p className="hint error" role="alert" data-testid={`spec-error-${props.id}`}>
          {check.error}
        </p>
      )}
      <div className="form">
        <label title="The framing kind">
          <span>kind</span>
          <select
            value={FRAMING_KINDS.includes(kind as never) ? kind : ""}
            onChange={(e) =>
              edit(setSpecKind(draft, e.target.value as (typeof FRAMING_KINDS)[number]))
            }
          >
            {FRAMING_KINDS.includes(kind as never) ? null : <option value="">?</option>}
            {FRAMING_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        {fields.map((f) => {
          const bad = !check.ok && check.key === f.key;
          const placeholder = defaultValue(check.ok ? check.spec : undefined, kind, f.key);
          return (
            <label key={f.key} title={f.help}>
              <span>{f.label}</span>
              {f.input === "select" ? (
                <select
                  value={values.get(f.key) ?? ""}
                  onChange={(e) => edit(setSpecValue(draft, f.key, e.target.value))}
                  className={bad ? "invalid" : ""}
                >
                  <option value="">
                    {placeholder === "" ? "default" : `${placeholder} (default)`}
                  </option>
                  {(f.options ?? []).map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  value={values.get(f.key) ?? ""}
                  placeholder={placeholder === "" ? (f.input === "hex" ? "hex" : "") : placeholder}
                  className={bad ? "invalid" : ""}
                  spellCheck={false}
                  onChange={(e) => edit(setSpecValue(draft, f.key, e.target.value))}
                  aria-invalid={bad}
                  data-testid={`field-${props.id}-${f.key}`}
                />
              )}
            </label>
          );
        })}
      </div>
    </div>
  );
}
