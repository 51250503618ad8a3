import { readFileSync } from "node:fs";
import { encodeKvFrame } from "../../bridge/src/kv/kv-framing.js";
import { encodeRequest, encodeResponse, loadKvSchema } from "../../bridge/src/kv/kv-schema.js";
import type { ProtoFile } from "../../web/src/session/schema-load.js";
import { concatBytes } from "../../web/src/decode/concat.js";

/** proto/kv.proto as the page loads it. */
export const KV_PROTO: ProtoFile = {
  name: "kv.proto",
  text: readFileSync(new URL("../../proto/kv.proto", import.meta.url), "utf8"),
};

const schema = loadKvSchema();

/** A kv request framed as the kv client sends it. */
export function kvRequestFrame(req: Parameters<typeof encodeRequest>[1]): Uint8Array {
  return new Uint8Array(encodeKvFrame(encodeRequest(schema, req)));
}

/** A kv response framed as the kv server sends it (gzipped above 1436 bytes). */
export function kvResponseFrame(res: Parameters<typeof encodeResponse>[1]): Uint8Array {
  return new Uint8Array(encodeKvFrame(encodeResponse(schema, res)));
}

/** Joins byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

/** Splits bytes at the given offsets: the chunks one TCP read each would deliver. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(bytes.slice(from, c));
    from = c;
  }
  return out;
}
