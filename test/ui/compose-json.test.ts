import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadSchemas } from "../../web/src/session/schema-load.js";
import { encodeJsonMessage } from "../../web/src/ui/compose-json.js";

const proto = readFileSync(new URL("../../proto/kv.proto", import.meta.url), "utf8");
const loaded = loadSchemas([{ name: "kv.proto", text: proto }]);
if (!loaded.ok) throw new Error(loaded.error.text);
const request = loaded.root.lookupType("abi.CommandRequest");
const response = loaded.root.lookupType("abi.CommandResponse");

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");

describe("encodeJsonMessage", () => {
  it("encodes an hget request: field 1 (LEN) holding table and key", () => {
    const r = encodeJsonMessage(request, '{"hget":{"table":"users","key":"alice"}}');
    expect(r.ok && hex(r.bytes)).toBe("0a 0e 0a 05 75 73 65 72 73 12 05 61 6c 69 63 65");
  });

  it("reports every wrong field with its path", () => {
    const r = encodeJsonMessage(request, '{"hget":{"table":5,"kee":"alice"}}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual(["hget.table", "hget.kee"]);
    expect(r.errors[0]?.text).toBe("a string is expected");
    expect(r.errors[1]?.text).toMatch(/^Hget has no field kee/);
  });

  it("refuses two members of one oneof", () => {
    const r = encodeJsonMessage(request, '{"hget":{},"hgetall":{}}');
    expect(r.ok ? [] : r.errors).toEqual([
      { path: "hgetall", text: "hgetall and hget are both members of oneof request_data" },
    ]);
  });

  it("checks repeated fields item by item and unsigned ranges", () => {
    const r = encodeJsonMessage(
      response,
      '{"status":-1,"values":[{"string":"a"},{"integer":"x"}]}',
    );
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(["status", "values[1].integer"]);
  });

  it.each([
    {
      type: "request",
      json: { hmset: { table: "t", pairs: [{ key: "a", value: { integer: 5 } }] } },
    },
    {
      type: "response",
      json: {
        status: 404,
        message: "no",
        values: [{ binary: "AAEC" }, { float: 1.5 }, { bool: true }, { integer: "-7" }],
      },
    },
  ])("writes the same bytes as protobufjs's own encoder ($type)", ({ type, json }) => {
    const t = type === "request" ? request : response;
    const r = encodeJsonMessage(t, JSON.stringify(json));
    expect(r.ok && hex(r.bytes)).toBe(hex(t.encode(t.fromObject(json)).finish()));
  });

  it("explains text that is not JSON", () => {
    const r = encodeJsonMessage(request, "{hget");
    expect(r.ok ? "" : r.errors[0]?.text).toMatch(/^not JSON: /);
  });
});
