import { useState } from "react";
import { parseSendInput, type SendMode } from "./send-input.js";
import { useSession } from "./use-session.js";

/** For a connection this page opened: send bytes (text with escapes, or hex) and disconnect. */
export function ConversationActions() {
  const model = useSession();
  const key = model.selection.conn;
  const conn = key === undefined ? undefined : model.store.get(key);
  const [mode, setMode] = useState<SendMode>("text");
  const [input, setInput] = useState("");
  const [said, setSaid] = useState("");
  if (key === undefined || conn?.info?.source !== "session") return null;
  const open = conn.closed === undefined;
  const parsed = parseSendInput(mode, input);
  return (
    <form
      className="actions"
      onSubmit={(e) => {
        e.preventDefault();
        if (!parsed.ok || parsed.bytes.length === 0) return;
        setSaid(
          model.sendBytes(key, parsed.bytes)
            ? `sent ${parsed.bytes.length} B`
            : "not sent: the connection is closed",
        );
      }}
    >
      <span className="muted">
        #{conn.conn} to {conn.info.target}
      </span>
      <select
        value={mode}
        onChange={(e) => setMode(e.target.value as SendMode)}
        aria-label="Input as"
      >
        <option value="text">text</option>
        <option value="hex">hex</option>
      </select>
      <input
        className={`send${parsed.ok ? "" : " invalid"}`}
        value={input}
        onChange={(e) => setInput(e.target.value)}
        placeholder={mode === "text" ? "PING\\r\\n" : "00 00 00 05 0a 03 61 62 63"}
        title={parsed.ok ? "" : parsed.error}
        disabled={!open}
        aria-label="Bytes to send"
        data-testid="send-input"
      />
      <button type="submit" disabled={!open || !parsed.ok || input === ""} data-testid="send">
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
      <span className="muted">{parsed.ok ? said : parsed.error}</span>
    </form>
  );
}
