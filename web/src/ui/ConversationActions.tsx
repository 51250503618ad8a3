import { useMemo, useState } from "react";
import { encodeFrame } from "../decode/encode.js";
import { bytesToHex } from "../decode/hex.js";
import { parseFramingSpec } from "../decode/spec.js";
import { loadSchemas } from "../session/schema-load.js";
import { encodeJsonMessage, type JsonFieldError } from "./compose-json.js";
import { planWrites } from "./compose-plan.js";
import { previewMarks } from "../decode/frame-parts.js";
import { parseSendInput } from "./send-input.js";
import { useSession } from "./use-session.js";

type ComposeMode = "text" | "hex" | "json";

/** Bytes shown in the preview at most. */
const PREVIEW_MAX = 512;

interface Sent {
  readonly id: number;
  readonly label: string;
  readonly writes: readonly Uint8Array[];
  readonly delay: number;
}

type Built =
  | { readonly ok: true; readonly writes: Uint8Array[]; readonly framed: boolean }
  | { readonly ok: false; readonly error: string; readonly fields?: readonly JsonFieldError[] };

const PART_CLASS = ["", "head", "payload", "skipped"] as const;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The composer, for a connection this page opened: text with escapes, hex, or a
 * protobuf message as JSON (checked per field), optionally framed with the
 * stream's encoder; repeated and split over several writes; a byte preview
 * cut by the real framer; a history to resend; and disconnect.
 */
export function ConversationActions() {
  const model = useSession();
  const key = model.selection.conn;
  const conn = key === undefined ? undefined : model.store.get(key);
  const config = model.configOf(key).c2s;
  const [mode, setMode] = useState<ComposeMode>("text");
  const [input, setInput] = useState("");
  const [frameIt, setFrameIt] = useState(false);
  const [type, setType] = useState<string | undefined>(undefined);
  const [copies, setCopies] = useState(1);
  const [writes, setWrites] = useState(1);
  const [delay, setDelay] = useState(0);
  const [said, setSaid] = useState("");
  const [history, setHistory] = useState<readonly Sent[]>([]);
  const files = model.protoFiles;
  const root = useMemo(() => {
    const r = loadSchemas(files);
    return r.ok ? r.root : undefined;
  }, [files]);
  const spec = parseFramingSpec(config.framing);
  const msgType = type ?? (config.payload.kind === "schema" ? config.payload.type : undefined);
  const framed = mode === "json" || frameIt;

  const built = ((): Built => {
    let payload: Uint8Array;
    if (mode === "json") {
      if (root === undefined) return { ok: false, error: "the schemas do not load" };
      if (msgType === undefined) return { ok: false, error: "pick a message type" };
      const t = root.lookupTypeOrEnum(msgType);
      if (!("fieldsArray" in t)) return { ok: false, error: `${msgType} is not a message` };
      const r = encodeJsonMessage(t as Parameters<typeof encodeJsonMessage>[0], input);
      if (!r.ok) return { ok: false, error: `${r.errors.length} problem(s)`, fields: r.errors };
      payload = r.bytes;
    } else {
      const r = parseSendInput(mode, input);
      if (!r.ok) return { ok: false, error: r.error };
      payload = r.bytes;
    }
    let frame = payload;
    if (framed) {
      if (!spec.ok) return { ok: false, error: `framing: ${spec.error}` };
      const e = encodeFrame(spec.spec, payload);
      if (!e.ok) return { ok: false, error: `${e.code}: ${e.text}` };
      frame = e.bytes;
    }
    return { ok: true, writes: planWrites(frame, copies, writes), framed };
  })();

  if (key === undefined || conn?.info?.source !== "session") return null;
  const open = conn.closed === undefined;

  const send = async (ws: readonly Uint8Array[], ms: number): Promise<void> => {
    let n = 0;
    for (const [i, w] of ws.entries()) {
      if (i > 0 && ms > 0) await sleep(ms);
      if (!model.sendBytes(key, w)) {
        setSaid("not sent: the connection is closed");
        return;
      }
      n += w.length;
    }
    setSaid(`sent ${n} B in ${ws.length} write${ws.length === 1 ? "" : "s"}`);
  };

  const all = built.ok ? concat(built.writes) : new Uint8Array(0);
  const marks = built.ok && spec.ok && built.framed ? previewMarks(spec.spec, all) : undefined;
  const boundaries = new Set<number>();
  if (built.ok) {
    let at = 0;
    for (const w of built.writes.slice(0, -1)) boundaries.add((at += w.length));
  }
  const types = root === undefined ? [] : model.schemaTypes;

  return (
    <div className="composer">
      <form
        className="actions"
        onSubmit={(e) => {
          e.preventDefault();
          if (!built.ok || all.length === 0) return;
          const entry: Sent = {
            id: (history[0]?.id ?? 0) + 1,
            label: `${mode}${framed ? " framed" : ""}: ${input.slice(0, 60)}`,
            writes: built.writes,
            delay,
          };
          setHistory([entry, ...history.slice(0, 9)]);
          void send(built.writes, delay);
        }}
      >
        <span className="muted">
          #{conn.conn} to {conn.info.target}
        </span>
        <select
          value={mode}
          onChange={(e) => setMode(e.target.value as ComposeMode)}
          aria-label="Input as"
        >
          <option value="text">text</option>
          <option value="hex">hex</option>
          <option value="json">protobuf JSON</option>
        </select>
        {mode === "json" ? (
          <select
            value={msgType ?? ""}
            onChange={(e) => setType(e.target.value)}
            aria-label="Message type"
            data-testid="compose-type"
          >
            {msgType === undefined ? <option value="">message type…</option> : null}
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        ) : null}
        <input
          className={`send${built.ok || input === "" ? "" : " invalid"}`}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          placeholder={
            mode === "text"
              ? "PING\\r\\n"
              : mode === "hex"
                ? "00 00 00 05 0a 03 61 62 63"
                : '{"hget":{"table":"users","key":"alice"}}'
          }
          title={built.ok ? "" : built.error}
          disabled={!open}
          aria-label="Bytes to send"
          data-testid="send-input"
        />
        <button type="submit" disabled={!open || !built.ok || input === ""} data-testid="send">
          send
        </button>
        <button
          type="button"
          disabled={!open}
          onClick={() => model.disconnect(key)}
          data-testid="disconnect"
        >
          disconnect
        </button>
        <span className="muted" data-testid="send-status">
          {built.ok || input === "" ? said : built.error}
        </span>
      </form>
      <div className="actions compose-opts">
        <label title="prepend the head the stream's framing encoder writes (tokio / Netty style)">
          <input
            type="checkbox"
            checked={framed}
            disabled={mode === "json"}
            onChange={(e) => setFrameIt(e.target.checked)}
          />{" "}
          frame with <code>{config.framing}</code>
        </label>
        <label>
          frames per write{" "}
          <input
            type="number"
            min={1}
            max={100}
            value={copies}
            onChange={(e) => setCopies(clamp(e.target.valueAsNumber, 1, 100))}
            data-testid="compose-copies"
          />
        </label>
        <label>
          split over{" "}
          <input
            type="number"
            min={1}
            max={64}
            value={writes}
            onChange={(e) => setWrites(clamp(e.target.valueAsNumber, 1, 64))}
            data-testid="compose-writes"
          />{" "}
          writes
        </label>
        <label>
          delay{" "}
          <input
            type="number"
            min={0}
            max={5000}
            step={50}
            value={delay}
            onChange={(e) => setDelay(clamp(e.target.valueAsNumber, 0, 5000))}
          />{" "}
          ms
        </label>
      </div>
      {!built.ok && built.fields !== undefined ? (
        <ul className="compose-errors" data-testid="compose-errors">
          {built.fields.map((f, i) => (
            <li key={i}>
              <code>{f.path === "" ? "(message)" : f.path}</code>: {f.text}
            </li>
          ))}
        </ul>
      ) : null}
      {built.ok && all.length > 0 ? (
        <div className="compose-preview" data-testid="compose-preview" title="the exact bytes">
          <span className="muted">
            {all.length} B{marks === undefined ? "" : `, ${marks.frames} frame(s)`},{" "}
            {built.writes.length} write(s):
          </span>{" "}
          {[...all.subarray(0, PREVIEW_MAX)].map((b, i) => {
            const part = marks?.parts[i] ?? 0;
            const alt = (marks?.frameOf[i] ?? 0) % 2 === 1 ? " fr-alt" : "";
            const cls = `c${part === 0 ? "" : " fr"}${alt} ${PART_CLASS[part] ?? ""}${boundaries.has(i) ? " wstart" : ""}`;
            return (
              <span key={i} className={cls} data-part={part}>
                {bytesToHex(Uint8Array.of(b))}
              </span>
            );
          })}
          {all.length > PREVIEW_MAX ? <span className="muted"> …</span> : null}
        </div>
      ) : null}
      {history.length > 0 ? (
        <ul className="compose-history" aria-label="Sent before">
          {history.map((h) => (
            <li key={h.id}>
              <button
                type="button"
                disabled={!open}
                onClick={() => void send(h.writes, h.delay)}
                title="send the same writes again"
              >
                resend
              </button>{" "}
              <code>{h.label}</code>{" "}
              <span className="muted">
                {h.writes.reduce((n, w) => n + w.length, 0)} B / {h.writes.length} write(s)
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.max(min, Math.min(max, Math.floor(n))) : min;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
