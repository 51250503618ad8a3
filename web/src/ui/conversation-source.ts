/**
 * Where a conversation of the page came from: this bridge run, or a capture
 * file (imported by the user, or recorded by an earlier run and opened).
 */

/** How the conversation list marks a conversation read from a file. */
export interface FileSource {
  readonly label: "imported" | "recorded";
  readonly title: string;
}

/**
 * The file a conversation (by its key, "CAPTURE#conn") was read from, or
 * undefined for a connection of this bridge run (`liveCapture`, or "live"
 * when the bridge records no capture).
 */
export function fromFile(key: string, liveCapture: string | null): FileSource | undefined {
  const capture = key.slice(0, key.lastIndexOf("#"));
  if (capture === liveCapture || capture === "live") return undefined;
  return capture.startsWith("import:")
    ? { label: "imported", title: `imported from ${capture.slice("import:".length)}` }
    : { label: "recorded", title: `recorded in capture ${capture}` };
}
