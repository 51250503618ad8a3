import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { encodeFrame } from "../decode/encode.js";
import { parseFramingSpec } from "../decode/spec.js";
import { loadSchemas } from "../session/schema-load.js";
import { encodeJsonMessage, type JsonFieldError } from "./compose-json.js";
import { planWrites, writeLimitError } from "./compose-plan.js";
import { readWholeNumber } from "./number-field.js";
import { plural } from "./plural.js";
import { WholeNumberInput } from "./WholeNumberInput.js";
import { parseSendInput } from "./send-input.js";
import { describeSendQueue, sendQueueOf, type SendJob, type SendQueueState } from "./send-queue.js";
import { useSession } from "./use-session.js";
import { ComposePreview } from "./ComposePreview.js";

type ComposeMode = "text" | "hex" | "json";

interface Sent extends SendJob {
  readonly id: number;
}

type Built =
  | { readonly ok: true; readonly writes: Uint8Array[]; readonly framed: boolean }
  | { readonly ok: false; readonly error: string; readonly fields?: readonly JsonFieldError[] };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const IDLE: SendQueueState = { running: null, queued: 0, outcome: "" };
/** The most writes one send may be split over. */
const MAX_WRITES = 64;
const noSubscribe = (): (() => void) => () => undefined;

/**
 * The composer, for a connection this page opened: text with escapes, hex, or a
 * protobuf message as JSON (checked per field), optionally framed with the
 * stream's encoder; repeated and split over several writes, each send queued
 * behind the last one on its connection; a byte preview cut by the real
 * framer; a history to resend; and disconnect.
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
  // The option fields hold the text as typed; their numbers apply once valid.
  const [copiesText, setCopiesText] = useState("1");
  const [writesText, setWritesText] = useState("1");
  const [delayText, setDelayText] = useState("0");
  const copies = readWholeNumber(copiesText, 1, 100);
  const writes = readWholeNumber(writesText, 1, MAX_WRITES);
  const delay = readWholeNumber(delayText, 0, 5000);
  const [history, setHistory] = useState<readonly Sent[]>([]);
  const info = conn?.info;
  // Only a connection this page opened: a recorded or imported conversation is read-only.
  const mine = key !== undefined && model.opened.has(key);
  const open = model.canWrite(key);
  // One queue per connection, kept by the model: sends on it never interleave.
  const queue =
    key === undefined || !mine
      ? undefined
      : sendQueueOf(model, key, () => ({
          write: (b) => model.sendBytes(key, b),
          wait: sleep,
          taken: (window) => model.taken(key, window),
        }));
  const sending = useSyncExternalStore(
    queue?.subscribe ?? noSubscribe,
    queue?.state ?? (() => IDLE),
  );
  useEffect(() => {
    if (!open) queue?.cancel("the connection closed");
  }, [queue, open]);
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
    if (!copies.ok) return { ok: false, error: `frames per write: ${copies.error}` };
    if (!writes.ok) return { ok: false, error: `split over: ${writes.error} writes` };
    if (!delay.ok) return { ok: false, error: `delay: ${delay.error} ms` };
    const planned = planWrites(frame, copies.value, writes.value);
    const tooBig = writeLimitError(planned, model.maxWrite(), MAX_WRITES);
    if (tooBig !== undefined) return { ok: false, error: tooBig };
    return { ok: true, writes: planned, framed };
  })();

  if (key === undefined || !mine || info === undefined || conn === undefined || queue === undefined)
    return null;
  const progress = sending.running === null ? "" : describeSendQueue(sending);
  const status = [
    progress,
    built.ok || input === "" ? (progress === "" ? sending.outcome : "") : built.error,
  ]
    .filter((t) => t !== "")
    .join(" · ");

  const types = root === undefined ? [] : model.schemaTypes;

  return (
    <div className="composer">
      <form
        className="actions"
        onSubmit={(e) => {
          e.preventDefault();
          if (!built.ok || !delay.ok || built.writes.length === 0) return;
          const entry: Sent = {
            id: (history[0]?.id ?? 0) + 1,
            label: `${mode}${framed ? " framed" : ""}: ${input.slice(0, 60)}`,
            writes: built.writes,
            delay: delay.value,
          };
          setHistory([entry, ...history.slice(0, 9)]);
          queue.enqueue(entry);
        }}
      >
        <span className="muted">
          #{conn.conn} to {info.target}
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
          onClick={() => {
            queue.cancel("you disconnected");
            model.disconnect(key);
          }}
          data-testid="disconnect"
        >
          disconnect
        </button>
        <span className="muted send-status" data-testid="send-status" aria-live="polite">
          {status}
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
          <WholeNumberInput
            text={copiesText}
            onText={setCopiesText}
            read={copies}
            min={1}
            max={100}
            testId="compose-copies"
          />
        </label>
        <label>
          split over{" "}
          <WholeNumberInput
            text={writesText}
            onText={setWritesText}
            read={writes}
            min={1}
            max={64}
            testId="compose-writes"
          />{" "}
          writes
        </label>
        <label>
          delay{" "}
          <WholeNumberInput
            text={delayText}
            onText={setDelayText}
            read={delay}
            min={0}
            max={5000}
            step={50}
            testId="compose-delay"
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
      {built.ok && built.writes.length > 0 ? (
        <ComposePreview
          writes={built.writes}
          spec={built.framed && spec.ok ? spec.spec : undefined}
          framedCount={copies.ok ? copies.value : 1}
        />
      ) : null}
      {history.length > 0 ? (
        <ul className="compose-history" aria-label="Sent before">
          {history.map((h) => (
            <li key={h.id}>
              <button
                type="button"
                disabled={!open}
                onClick={() => queue.enqueue(h)}
                title="send the same writes again"
              >
                resend
              </button>{" "}
              <code>{h.label}</code>{" "}
              <span className="muted">
                {h.writes.reduce((n, w) => n + w.length, 0)} B / {plural(h.writes.length, "write")}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
