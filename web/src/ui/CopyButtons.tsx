import { useState } from "react";
import { bytesToBase64, escapeBytes, spacedHex } from "./byte-text.js";
import { download } from "./ExportPanel.js";

const FORMATS = {
  hex: (b: Uint8Array) => spacedHex(b),
  base64: (b: Uint8Array) => bytesToBase64(b),
  escaped: (b: Uint8Array) => `"${escapeBytes(b)}"`,
} as const;

type Format = keyof typeof FORMATS;

/**
 * Copy the hex view's selection (a dragged range, else the selected field's
 * value, else the selected frame) as hex, base64 or an escaped string, or save it as a file.
 */
export function CopyButtons(props: {
  readonly get: () => { bytes: Uint8Array; what: string } | undefined;
}) {
  const [said, setSaid] = useState("");
  const copy = (format: Format): void => {
    const got = props.get();
    if (got === undefined) {
      setSaid("select a frame, a field or drag over bytes first");
      return;
    }
    const text = FORMATS[format](got.bytes);
    const done = (): void => setSaid(`copied ${got.what} (${got.bytes.length} B) as ${format}`);
    if (navigator.clipboard === undefined) {
      setSaid(`clipboard unavailable: ${text.slice(0, 60)}`);
      return;
    }
    navigator.clipboard
      .writeText(text)
      .then(done, (err: unknown) =>
        setSaid(`cannot copy: ${err instanceof Error ? err.message : String(err)}`),
      );
  };
  return (
    <div className="copy" role="group" aria-label="Copy">
      {(Object.keys(FORMATS) as Format[]).map((f) => (
        <button key={f} onClick={() => copy(f)} data-testid={`copy-${f}`} title={`copy as ${f}`}>
          {f === "hex" ? "copy hex" : f}
        </button>
      ))}
      <button
        onClick={() => {
          const got = props.get();
          if (got === undefined) {
            setSaid("select a frame, a field or drag over bytes first");
            return;
          }
          download("framescope-selection.bin", got.bytes, "application/octet-stream");
          setSaid(`saved ${got.what} (${got.bytes.length} B)`);
        }}
        data-testid="save-bytes"
        title="save the selected bytes as a file"
      >
        save .bin
      </button>
      <span className="muted said" aria-live="polite">
        {said}
      </span>
    </div>
  );
}
