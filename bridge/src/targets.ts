import { isIP } from "node:net";

/** A TCP address as `host` and `port`; IPv6 hosts are kept without brackets. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** One allow-list entry: a host and a port, or any port of the host (`host:*`). */
export interface AllowRule {
  readonly host: string;
  readonly port: number | "*";
  readonly text: string;
}

/** Parses `host:port` (IPv6 as `[::1]:80`); null when it is not one. Hosts are lower-cased. */
export function parseHostPort(text: string): HostPort | null {
  const r = splitHostPort(text);
  if (r === null || r.port === "*") return null;
  return { host: r.host, port: r.port };
}

/** Parses an allow-list entry `host:port` or `host:*`; null when it is not one. */
export function parseAllowRule(text: string): AllowRule | null {
  const r = splitHostPort(text);
  return r === null ? null : { ...r, text };
}

/** Formats an address as `host:port`, bracketing IPv6 hosts. */
export function formatHostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** True when some rule names this host and port (host names are compared as written, not resolved). */
export function isAllowed(rules: readonly AllowRule[], target: HostPort): boolean {
  return rules.some((r) => r.host === target.host && (r.port === "*" || r.port === target.port));
}

/** True for names and addresses that only reach this machine: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h === "::1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

/** True for the any-address binds 0.0.0.0 and ::. */
export function isWildcardHost(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "[::]";
}

function splitHostPort(text: string): { host: string; port: number | "*" } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/]+)):(\*|\d{1,5})$/.exec(text.trim());
  if (m === null) return null;
  const host = (m[1] ?? m[2] ?? "").toLowerCase();
  if (host === "" || (m[1] !== undefined && isIP(host) !== 6)) return null;
  const portText = m[3] ?? "";
  if (portText === "*") return { host, port: "*" };
  const port = Number(portText);
  return port >= 1 && port <= 65535 ? { host, port } : null;
}
