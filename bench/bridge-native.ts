import { createRequire } from "node:module";

/**
 * Whether `ws` in this process masks and unmasks natively: reads the module
 * cache for bufferutil's compiled addon (ws loads it, if present, when ws is
 * first imported; bufferutil falls back to JavaScript when its addon fails to load).
 */
export function bufferutilStatus(): string {
  if (process.env["WS_NO_BUFFER_UTIL"] !== undefined) return "off (WS_NO_BUFFER_UTIL set)";
  const loaded = Object.keys(createRequire(import.meta.url).cache);
  if (loaded.some((k) => /[\\/]bufferutil[\\/].*\.node$/.test(k))) return "native";
  if (loaded.some((k) => /[\\/]bufferutil[\\/]fallback\.js$/.test(k)))
    return "JS fallback (addon did not load)";
  return "not loaded (bufferutil missing)";
}
