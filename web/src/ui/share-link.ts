/**
 * The page's decoding settings in the URL's hash, so a link reproduces a view:
 * `#c2s=<framing spec>&c2s.msg=<type>&s2c=…&s2c.msg=…`, where msg is a message
 * type name, `raw` (schemaless) or `none`. Only the settings for every
 * connection travel; per-connection overrides stay in the page.
 */
import { parseFramingSpec } from "../decode/spec.js";
import type { ConnectionConfig, PayloadChoice, StreamConfig } from "../session/worker-protocol.js";

const DIRS = ["c2s", "s2c"] as const;

const msgText = (p: PayloadChoice): string => (p.kind === "schema" ? p.type : p.kind);

const msgChoice = (text: string): PayloadChoice =>
  text === "raw" || text === "none" ? { kind: text } : { kind: "schema", type: text };

/** The hash (without "#") that carries `config`. */
export function configToHash(config: ConnectionConfig): string {
  const q = new URLSearchParams();
  for (const d of DIRS) {
    q.set(d, config[d].framing);
    q.set(`${d}.msg`, msgText(config[d].payload));
  }
  return q.toString();
}

/** What a hash asks for */
export type HashConfig =
  | { readonly ok: true; readonly config: ConnectionConfig }
  | { readonly ok: false; readonly error: string }
  | { readonly ok: "empty" };

/**
 * Reads settings from a hash ("#" optional); a direction the hash leaves out
 * keeps `base`. An invalid framing spec makes the whole hash rejected.
 */
export function configFromHash(hash: string, base: ConnectionConfig): HashConfig {
  const q = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  if (!DIRS.some((d) => q.has(d) || q.has(`${d}.msg`))) return { ok: "empty" };
  const out: Record<(typeof DIRS)[number], StreamConfig> = { c2s: base.c2s, s2c: base.s2c };
  for (const d of DIRS) {
    const framing = q.get(d);
    const msg = q.get(`${d}.msg`);
    if (framing !== null) {
      const r = parseFramingSpec(framing);
      if (!r.ok) return { ok: false, error: `${d} framing in the link: ${r.error}` };
    }
    out[d] = {
      framing: framing ?? base[d].framing,
      payload: msg === null || msg === "" ? base[d].payload : msgChoice(msg),
    };
  }
  return { ok: true, config: out };
}
