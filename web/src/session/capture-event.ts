/**
 * Checks the body of a capture's event record field by field, so a reader
 * hands on only events of the documented shape (docs/capture-format.md). Pure.
 */
import { decodeUtf8 } from "../decode/utf8.js";
import {
  BRIDGE_ERROR_CODES,
  CLOSE_REASONS,
  type Endpoint,
  type RecordedEvent,
} from "./bridge-protocol.js";

/** An event read from a record body, or why the body is not one. */
export type ParsedEvent =
  | { readonly ok: true; readonly event: RecordedEvent }
  | { readonly ok: false; readonly text: string };

type Fields = Record<string, unknown>;

const ERROR_CODES: ReadonlySet<string> = new Set(BRIDGE_ERROR_CODES);
const CLOSE_REASON_SET: ReadonlySet<string> = new Set(CLOSE_REASONS);

/**
 * Parses an event record's body (UTF-8 JSON) and checks every field its type
 * needs; `conn` and `time` must equal the record head's. Only the documented
 * fields are kept. Never throws.
 */
export function parseRecordedEvent(body: Uint8Array, conn: number, time: number): ParsedEvent {
  const utf8 = decodeUtf8(body);
  if (!utf8.ok) return fail("the body is not UTF-8");
  let value: unknown;
  try {
    value = JSON.parse(utf8.text);
  } catch (err) {
    if (err instanceof SyntaxError) return fail(`the body is not JSON: ${err.message}`);
    throw err;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return fail("the body is not a JSON object");
  const f = value as Fields;
  if (!isUint(f["conn"], 0xffffffff)) return fail("conn is not a u32 number");
  if (!isUint(f["time"], Number.MAX_SAFE_INTEGER))
    return fail("time is not a whole number of µs below 2^53");
  if (f["conn"] !== conn) return fail(`conn ${f["conn"]} differs from the record head's ${conn}`);
  if (f["time"] !== time) return fail(`time ${f["time"]} differs from the record head's ${time}`);
  const base = { conn, time };
  const type = f["type"];
  switch (type) {
    case "opened": {
      const { source, target, tap } = f;
      const local = endpoint(f["local"]);
      const remote = endpoint(f["remote"]);
      const client = f["client"] === undefined ? undefined : endpoint(f["client"]);
      if (source !== "session" && source !== "tap") return fail("source is not session or tap");
      if (typeof target !== "string") return fail("target is not a string");
      if (local === null || remote === null || client === null)
        return fail("local, remote or client is not an {address, port}");
      if (tap !== undefined && typeof tap !== "string") return fail("tap is not a string");
      return ok({
        type,
        ...base,
        source,
        target,
        local,
        remote,
        ...(tap === undefined ? {} : { tap }),
        ...(client === undefined ? {} : { client }),
      });
    }
    case "fin": {
      const dir = f["dir"];
      if (dir !== "c2s" && dir !== "s2c") return fail("dir is not c2s or s2c");
      return ok({ type, ...base, dir });
    }
    case "closed": {
      const reason = f["reason"];
      if (typeof reason !== "string" || !CLOSE_REASON_SET.has(reason))
        return fail(`reason ${JSON.stringify(reason)} is not a close reason`);
      return ok({ type, ...base, reason: reason as (typeof CLOSE_REASONS)[number] });
    }
    case "error": {
      const { code, message } = f;
      if (typeof code !== "string" || !ERROR_CODES.has(code))
        return fail(`code ${JSON.stringify(code)} is not an error code`);
      if (typeof message !== "string") return fail("message is not a string");
      return ok({
        type,
        ...base,
        code: code as (typeof BRIDGE_ERROR_CODES)[number],
        message,
      });
    }
    default:
      return fail(`unknown event type ${JSON.stringify(type)}`);
  }
}

function ok(event: RecordedEvent): ParsedEvent {
  return { ok: true, event };
}

function fail(text: string): ParsedEvent {
  return { ok: false, text };
}

function endpoint(v: unknown): Endpoint | null {
  if (typeof v !== "object" || v === null) return null;
  const { address, port } = v as Fields;
  return typeof address === "string" && isUint(port, 0xffff) ? { address, port } : null;
}

function isUint(v: unknown, max: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max;
}
