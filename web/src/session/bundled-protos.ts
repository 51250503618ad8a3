/**
 * The .proto files shipped in proto/, bundled into the page at build time
 * (Vite `?raw` imports), so they are offered without any request.
 */
import type { ProtoFile } from "./schema-load.js";

const texts = import.meta.glob<string>("../../../proto/*.proto", {
  query: "?raw",
  import: "default",
  eager: true,
});

/** proto/*.proto by file name (kv.proto among them). */
export const BUNDLED_PROTOS: readonly ProtoFile[] = Object.entries(texts)
  .map(([path, text]) => ({ name: path.slice(path.lastIndexOf("/") + 1), text }))
  .sort((a, b) => a.name.localeCompare(b.name));
