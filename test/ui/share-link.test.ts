import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../web/src/session/defaults.js";
import type { ConnectionConfig } from "../../web/src/session/worker-protocol.js";
import { configFromHash, configToHash } from "../../web/src/ui/share-link.js";

const grpc: ConnectionConfig = {
  c2s: { framing: "grpc", payload: { kind: "schema", type: "pkg.Req" } },
  s2c: { framing: "delim:sep=0d0a", payload: { kind: "raw" } },
};

describe("share link", () => {
  it.each([
    { name: "the kv defaults", config: DEFAULT_CONFIG },
    { name: "grpc one way, lines schemaless the other", config: grpc },
  ])("round-trips $name", ({ config }) => {
    expect(configFromHash("#" + configToHash(config), DEFAULT_CONFIG)).toEqual({
      ok: true,
      config,
    });
  });

  it("writes readable parameters", () => {
    expect(configToHash(grpc)).toBe("c2s=grpc&c2s.msg=pkg.Req&s2c=delim%3Asep%3D0d0a&s2c.msg=raw");
  });

  it("keeps the base for a direction left out", () => {
    const r = configFromHash("c2s=fixed%3Asize%3D12&c2s.msg=none", DEFAULT_CONFIG);
    expect(r).toEqual({
      ok: true,
      config: {
        c2s: { framing: "fixed:size=12", payload: { kind: "none" } },
        s2c: DEFAULT_CONFIG.s2c,
      },
    });
  });

  it("rejects an invalid spec and ignores a hash without settings", () => {
    const bad = configFromHash("#c2s=fixed%3Asize%3D0", DEFAULT_CONFIG);
    expect(bad.ok === false && bad.error).toMatch(/^c2s framing in the link: /);
    expect(configFromHash("#", DEFAULT_CONFIG)).toEqual({ ok: "empty" });
    expect(configFromHash("#token=1", DEFAULT_CONFIG)).toEqual({ ok: "empty" });
  });
});
