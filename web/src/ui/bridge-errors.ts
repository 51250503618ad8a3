/**
 * Bridge error codes in words: what a refused or failed connect means for the
 * person who typed the target, with the bridge's own text kept alongside.
 */

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused: nothing listens there",
  ECONNRESET: "the target reset the connection",
  ENOTFOUND: "unknown host name",
  EAI_AGAIN: "the host name could not be looked up (DNS)",
  ETIMEDOUT: "no answer: the connect timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  TARGET_NOT_ALLOWED: "not in the bridge's allow-list (start it with --allow HOST:PORT)",
  BAD_TARGET: "not a HOST:PORT target",
  TOO_MANY_CONNECTIONS: "the bridge has too many connections open",
  NO_BRIDGE: "the bridge is not connected",
};

/** "ECONNREFUSED: connection refused: nothing listens there (connect ECONNREFUSED 127.0.0.1:1)". */
export function explainBridgeError(code: string, text: string): string {
  const reason = REASONS[code];
  if (reason === undefined) return `${code}: ${text}`;
  return text === "" || text === reason ? `${code}: ${reason}` : `${code}: ${reason} (${text})`;
}
