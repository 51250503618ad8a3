import { describe, expect, it } from "vitest";
import { explainBridgeError } from "../../web/src/ui/bridge-errors.js";

describe("explainBridgeError", () => {
  it("says what a refused connect means and keeps the bridge's text", () => {
    expect(explainBridgeError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1")).toBe(
      "ECONNREFUSED: connection refused: nothing listens there (connect ECONNREFUSED 127.0.0.1:1)",
    );
  });

  it("tells how to allow a target the bridge refuses", () => {
    expect(explainBridgeError("TARGET_NOT_ALLOWED", "")).toMatch(/--allow HOST:PORT/);
  });

  it("passes an unknown code through with its text", () => {
    expect(explainBridgeError("SOCKET_ERROR", "EPROTO: bad")).toBe("SOCKET_ERROR: EPROTO: bad");
  });
});
