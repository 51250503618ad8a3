/**
 * What the page starts with: the demo kv server's framing and message types,
 * so its live traffic is decoded the moment the page attaches to the demo tap.
 */
import type { ConnectionConfig } from "./worker-protocol.js";

/** The kv server's framing: 4-byte big-endian length, top bit = gzip (proto/kv.proto). */
export const KV_FRAMING = "length:mask=7fffffff,gzip=80000000";

/** The tap `framescope serve` puts in front of the demo kv server. */
export const DEMO_TAP = "demo";

/** Settings for every connection until the user changes them: kv framing, CommandRequest / CommandResponse. */
export const DEFAULT_CONFIG: ConnectionConfig = {
  c2s: { framing: KV_FRAMING, payload: { kind: "schema", type: "abi.CommandRequest" } },
  s2c: { framing: KV_FRAMING, payload: { kind: "schema", type: "abi.CommandResponse" } },
};
