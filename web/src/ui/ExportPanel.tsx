import { useMemo, useState, type DragEvent } from "react";
import { exportCapture } from "../session/capture-export.js";
import { importCaptureFile } from "../session/capture-import.js";
import { framesJsonLines } from "../session/frames-jsonl.js";
import { loadSchemas } from "../session/schema-load.js";
import { useSession } from "./use-session.js";
import { plural } from "./plural.js";

/**
 * Export and import: every connection as a capture file (the bridge's format),
 * the selected conversation's frames as JSON Lines (the shape of `framescope
 * decode`), and a capture file read back by file picker or drag and drop.
 */
export function ExportPanel() {
  const model = useSession();
  const [said, setSaid] = useState("");
  const [over, setOver] = useState(false);
  const files = model.protoFiles;
  const root = useMemo(() => {
    const r = loadSchemas(files);
    return r.ok ? r.root : undefined;
  }, [files]);
  const key = model.selection.conn;
  const conn = key === undefined ? undefined : model.store.get(key);

  const importFiles = (list: FileList | null): void => {
    for (const f of [...(list ?? [])]) {
      f.arrayBuffer().then(
        (buf) => setSaid(importCaptureFile(model, f.name, new Uint8Array(buf))),
        (err: unknown) =>
          setSaid(`cannot read ${f.name}: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
  };
  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    setOver(false);
    importFiles(e.dataTransfer.files);
  };

  return (
    <div
      className={`panel exports${over ? " drop" : ""}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="exports"
    >
      <div className="toolbar">
        <h2>Export</h2>
      </div>
      <div className="export-buttons">
        <button
          disabled={model.store.size === 0}
          onClick={() => {
            const now = Date.now();
            const bytes = exportCapture(model.store, now * 1000);
            download(`framescope-${fileStamp(now)}.fscap`, bytes, "application/octet-stream");
            setSaid(`saved ${plural(model.store.size, "connection")}, ${bytes.length} B`);
          }}
          title="every connection on the page, in the bridge's capture format"
          data-testid="export-capture"
        >
          capture .fscap
        </button>
        <button
          disabled={key === undefined || conn === undefined}
          onClick={() => {
            if (key === undefined || conn === undefined) return;
            const r = framesJsonLines(
              model.store,
              [{ key, conn: conn.conn, config: model.configOf(key) }],
              root,
            );
            if (!r.ok) {
              setSaid(r.error);
              return;
            }
            download(`framescope-conn${conn.conn}-frames.jsonl`, r.text, "application/jsonl");
            setSaid(`saved ${r.text.split("\n").length - 1} line(s)`);
          }}
          title="the selected conversation's frames and issues, as `framescope decode` prints them"
          data-testid="export-jsonl"
        >
          frames .jsonl
        </button>
        <label className="button" title="open a capture file saved by the bridge or this page">
          import…
          <input
            type="file"
            accept=".fscap,application/octet-stream"
            hidden
            onChange={(e) => {
              importFiles(e.target.files);
              e.target.value = "";
            }}
            data-testid="import-capture"
          />
        </label>
        <span className="muted">or drop a .fscap here</span>
      </div>
      <p className="muted said" aria-live="polite" data-testid="export-said">
        {said}
      </p>
    </div>
  );
}

/** Saves bytes or text as a file through the browser's download (an object URL on a temporary link). */
export function download(name: string, data: Uint8Array | string, type: string): void {
  const part = typeof data === "string" ? data : new Uint8Array(data);
  const url = URL.createObjectURL(new Blob([part], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name stamp: 2026-11-21T21-40-22 (local time is not used: UTC, as the bridge names captures). */
export function fileStamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/:/g, "-");
}
