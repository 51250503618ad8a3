import type { ClientMessage } from "../../web/src/session/bridge-protocol.js";

/** A control message from the page, checked field by field, or why it is not one. */
export type ParsedControl =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly error: string; readonly req?: number };

/** Longest accepted control text (JSON); longer ones are refused unparsed. */
export const MAX_CONTROL_LENGTH = 64 * 1024;

type Fields = Record<string, unknown>;

/** Parses and validates one JSON text frame from the page; never throws. */
export function parseClientMessage(text: string): ParsedControl {
  if (text.length > MAX_CONTROL_LENGTH) return { ok: false, error: "control message too long" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: "a control message is a JSON object" };
  }
  const f = value as Fields;
  const req = isId(f["req"]) ? f["req"] : undefined;
  const fail = (error: string): ParsedControl => ({
    ok: false,
    error,
    ...(req === undefined ? {} : { req }),
  });
  const type = f["type"];
  switch (type) {
    case "connect": {
      const echo = f["echo"];
      const written = f["written"];
      if (req === undefined) return fail("connect needs a numeric req");
      if (typeof f["target"] !== "string") return fail("connect needs a target string");
      if (echo !== undefined && typeof echo !== "boolean") return fail("echo must be a boolean");
      if (written !== undefined && typeof written !== "boolean")
        return fail("written must be a boolean");
      return ok({
        type,
        req,
        target: f["target"],
        ...(echo === undefined ? {} : { echo }),
        ...(written === undefined ? {} : { written }),
      });
    }
    case "fin":
    case "close":
      return isId(f["conn"]) ? ok({ type, conn: f["conn"] }) : fail(`${type} needs a numeric conn`);
    case "list-captures":
      return req === undefined ? fail("list-captures needs a numeric req") : ok({ type, req });
    case "open-capture": {
      const follow = f["follow"];
      if (req === undefined) return fail("open-capture needs a numeric req");
      if (typeof f["name"] !== "string") return fail("open-capture needs a name string");
      if (follow !== undefined && typeof follow !== "boolean")
        return fail("follow must be a boolean");
      return ok({ type, req, name: f["name"], ...(follow === undefined ? {} : { follow }) });
    }
    case "attach":
      if (req === undefined) return fail("attach needs a numeric req");
      return typeof f["tap"] === "string"
        ? ok({ type, req, tap: f["tap"] })
        : fail("attach needs a tap string");
    case "close-view":
      return isId(f["view"])
        ? ok({ type, view: f["view"] })
        : fail("close-view needs a numeric view");
    default:
      return fail(`unknown message type ${JSON.stringify(type)}`);
  }
}

function ok(message: ClientMessage): ParsedControl {
  return { ok: true, message };
}

function isId(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
