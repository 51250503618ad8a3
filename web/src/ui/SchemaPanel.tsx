import { useState, type DragEvent } from "react";
import type { ProtoFile } from "../session/schema-load.js";
import { NoticeList } from "./NoticeList.js";
import { useSessionSettings } from "./use-session.js";

async function readFiles(list: FileList | null): Promise<ProtoFile[]> {
  const files = [...(list ?? [])];
  return Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
}

/**
 * The .proto files decoding uses: proto/*.proto from the start, more by file
 * picker, drag and drop or paste; imports resolve among them. A parse error
 * names its file, line and column.
 */
export function SchemaPanel() {
  const model = useSessionSettings();
  const [pasting, setPasting] = useState(false);
  const [name, setName] = useState("pasted.proto");
  const [text, setText] = useState("");
  const [over, setOver] = useState(false);
  const status = model.schemas;
  const add = (files: ProtoFile[]): void => {
    if (files.length > 0) model.addProtoFiles(files);
  };
  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    setOver(false);
    readFiles(e.dataTransfer.files).then(add, (err: unknown) =>
      model.notice(
        "schemas",
        `cannot read the dropped files: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
  };
  const err = status !== undefined && !status.ok ? status.error : undefined;
  return (
    <div
      className={`schemas${over ? " drop" : ""}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="schemas"
    >
      <div className="section-head">
        <h3>Schemas</h3>
        <span className="muted">
          {status === undefined
            ? "loading…"
            : status.ok
              ? `${status.types.length} message types`
              : "error"}
        </span>
      </div>
      <ul className="files">
        {model.protoFiles.map((f) => (
          <li key={f.name} className={err?.file === f.name ? "bad" : ""}>
            <span className="fname">{f.name}</span>
            <span className="muted">{f.text.split("\n").length} lines</span>
            <button aria-label={`remove ${f.name}`} onClick={() => model.removeProtoFile(f.name)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {err === undefined ? null : (
        <p className="hint error" role="alert" data-testid="schema-error">
          {err.file}
          {err.line === undefined ? "" : `:${err.line}`}
          {err.column === undefined ? "" : `:${err.column}`}: {err.text}
        </p>
      )}
      <div className="schema-actions">
        <label className="button">
          add .proto…
          <input
            type="file"
            accept=".proto,text/plain"
            multiple
            hidden
            onChange={(e) => {
              const input = e.target;
              readFiles(input.files).then(
                (files) => {
                  add(files);
                  input.value = "";
                },
                (error: unknown) =>
                  model.notice(
                    "schemas",
                    `cannot read the files: ${error instanceof Error ? error.message : String(error)}`,
                  ),
              );
            }}
            data-testid="proto-file"
          />
        </label>
        <button onClick={() => setPasting(!pasting)} className={pasting ? "on" : ""}>
          paste…
        </button>
        <span className="muted">or drop .proto files here</span>
      </div>
      {pasting ? (
        <div className="paste">
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-label="File name"
            data-testid="paste-name"
          />
          <textarea
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={6}
            spellCheck={false}
            placeholder={'syntax = "proto3";\nmessage Ping { uint64 id = 1; }'}
            aria-label=".proto text"
            data-testid="paste-text"
          />
          <button
            onClick={() => {
              add([{ name: name.trim() === "" ? "pasted.proto" : name.trim(), text }]);
              setPasting(false);
              setText("");
            }}
            disabled={text.trim() === ""}
            data-testid="paste-add"
          >
            load
          </button>
        </div>
      ) : null}
      <NoticeList places={["schemas"]} />
    </div>
  );
}
