import { bytesToHex, hexToBytes } from "./hex.js";

/**
 * Framing spec strings: `KIND` or `KIND:key=value,key=value`, one line, used by
 * the CLI, share links and the UI. `parseFramingSpec` turns one into a typed
 * spec with every default filled in; `formatFramingSpec` writes the canonical
 * string back (defaults omitted).
 */

/** tokio-util's LengthDelimitedCodec default maximum frame length (8 MiB). */
export const DEFAULT_MAX_FRAME_LENGTH = 8 * 1024 * 1024;
/** gRPC's common default receive limit (4 MiB). */
export const DEFAULT_GRPC_MAX_MESSAGE = 4 * 1024 * 1024;
/** Longest HTTP/1 head, RESP line or delimited frame before FRAME_TOO_LARGE, by default (64 KiB). */
export const DEFAULT_MAX_LINE = 64 * 1024;
/** Redis's default proto-max-bulk-len (512 MiB): the largest RESP blob or count. */
export const DEFAULT_RESP_MAX = 512 * 1024 * 1024;
/** Largest `offset` or `skip` a spec may name: heads are buffered, so they stay small. */
export const MAX_HEAD_BYTES = 65536;
/** Largest |adjust|: keeps every adjusted length an exact double. */
export const MAX_ADJUSTMENT = 2 ** 31;

export type Endian = "be" | "le";

export interface LengthSpec {
  readonly kind: "length";
  readonly offset: number;
  readonly size: number;
  readonly adjust: number;
  /** Bytes dropped from the front of the frame; tokio's default is offset + size. */
  readonly skip: number;
  readonly endian: Endian;
  readonly max: number;
  /** Bits of the field that hold the length; null means all of them. */
  readonly mask: bigint | null;
  /** Flag bits (outside `mask`) that mark a gzip-compressed payload; null for none. */
  readonly gzip: bigint | null;
}

export interface NettySpec {
  readonly kind: "netty";
  readonly offset: number;
  readonly size: 1 | 2 | 3 | 4 | 8;
  readonly adjust: number;
  readonly strip: number;
  readonly endian: Endian;
  readonly max: number;
  readonly failfast: boolean;
}

export interface FixedSpec {
  readonly kind: "fixed";
  readonly size: number;
}

export interface VarintSpec {
  readonly kind: "varint";
  readonly offset: number;
  readonly max: number;
}

export interface GrpcSpec {
  readonly kind: "grpc";
  readonly max: number;
}

export interface DelimSpec {
  readonly kind: "delim";
  readonly sep: Uint8Array;
  readonly max: number;
}

export interface RespSpec {
  readonly kind: "resp";
  /** Longest line and largest blob or aggregate count accepted. */
  readonly max: number;
}

export interface Http1Spec {
  readonly kind: "http1";
  /** Longest head (start line and headers) and largest chunk-size line. */
  readonly max: number;
}

export type FramingSpec =
  LengthSpec | NettySpec | FixedSpec | VarintSpec | GrpcSpec | DelimSpec | RespSpec | Http1Spec;

export type FramingKind = FramingSpec["kind"];

export type SpecResult = { ok: true; spec: FramingSpec } | { ok: false; error: string };

interface KeyRule {
  /** Human description of the allowed values, used in errors. */
  readonly allowed: string;
  readonly parse: (text: string) => number | bigint | string | Uint8Array | boolean | undefined;
}

const intIn =
  (lo: number, hi: number): KeyRule["parse"] =>
  (text) => {
    if (!/^[-+]?\d+$/.test(text)) return undefined;
    const n = Number(text);
    return Number.isSafeInteger(n) && n >= lo && n <= hi ? n : undefined;
  };

const endianRule: KeyRule = {
  allowed: "be or le",
  parse: (t) => (t === "be" || t === "le" ? t : undefined),
};

const hexMask: KeyRule = {
  allowed: "a hex bit mask of at most 16 digits, such as 7fffffff or 0x7fffffff",
  parse: (t) => {
    const s = t.startsWith("0x") || t.startsWith("0X") ? t.slice(2) : t;
    return /^[0-9a-fA-F]{1,16}$/.test(s) ? BigInt("0x" + s) : undefined;
  },
};

const maxRule = (hi = Number.MAX_SAFE_INTEGER): KeyRule => ({
  allowed: `a whole number of bytes from 0 to ${hi}`,
  parse: intIn(0, hi),
});

const headRule: KeyRule = {
  allowed: `a whole number from 0 to ${MAX_HEAD_BYTES}`,
  parse: intIn(0, MAX_HEAD_BYTES),
};
const adjustRule: KeyRule = {
  allowed: `a whole number from -${MAX_ADJUSTMENT} to ${MAX_ADJUSTMENT}`,
  parse: intIn(-MAX_ADJUSTMENT, MAX_ADJUSTMENT),
};

const RULES: Record<FramingKind, Record<string, KeyRule>> = {
  length: {
    offset: headRule,
    size: { allowed: "1 to 8", parse: intIn(1, 8) },
    adjust: adjustRule,
    skip: headRule,
    endian: endianRule,
    max: maxRule(),
    mask: hexMask,
    gzip: hexMask,
  },
  netty: {
    offset: headRule,
    size: {
      allowed: "1, 2, 3, 4 or 8",
      parse: (t) => (["1", "2", "3", "4", "8"].includes(t) ? Number(t) : undefined),
    },
    adjust: adjustRule,
    strip: headRule,
    endian: endianRule,
    max: maxRule(2 ** 31 - 1),
    failfast: {
      allowed: "0 or 1",
      parse: (t) => (t === "1" ? true : t === "0" ? false : undefined),
    },
  },
  fixed: { size: { allowed: "1 to 16777216", parse: intIn(1, 16 * 1024 * 1024) } },
  varint: { offset: headRule, max: maxRule() },
  grpc: { max: maxRule(2 ** 32 - 1) },
  delim: {
    sep: {
      allowed: "1 to 16 bytes in hex, such as 0d0a or 00",
      parse: (t) => (/^([0-9a-fA-F]{2}){1,16}$/.test(t) ? hexToBytes(t) : undefined),
    },
    max: maxRule(),
  },
  resp: { max: maxRule() },
  http1: { max: maxRule() },
};

const KINDS = Object.keys(RULES) as FramingKind[];

/** Parses a framing spec string; errors name the key and the allowed values. */
export function parseFramingSpec(text: string): SpecResult {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  const kind = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const rest = colon < 0 ? "" : trimmed.slice(colon + 1);
  if (!isKind(kind)) {
    return { ok: false, error: `unknown framing "${kind}": expected one of ${KINDS.join(", ")}` };
  }
  const rules = RULES[kind];
  const values: Record<string, number | bigint | string | Uint8Array | boolean> = {};
  if (rest.trim() !== "") {
    for (const part of rest.split(",")) {
      const eq = part.indexOf("=");
      const key = (eq < 0 ? part : part.slice(0, eq)).trim();
      const raw = eq < 0 ? "" : part.slice(eq + 1).trim();
      const rule = rules[key];
      if (rule === undefined) {
        const keys = Object.keys(rules);
        const known = keys.length > 0 ? `known keys: ${keys.join(", ")}` : "it takes no keys";
        return { ok: false, error: `${kind}: unknown key "${key}" (${known})` };
      }
      if (eq < 0)
        return { ok: false, error: `${kind}: key "${key}" needs a value (${rule.allowed})` };
      if (key in values) return { ok: false, error: `${kind}: key "${key}" is given twice` };
      const value = rule.parse(raw);
      if (value === undefined) {
        return {
          ok: false,
          error: `${kind}: ${key}=${raw} is not allowed: ${key} takes ${rule.allowed}`,
        };
      }
      values[key] = value;
    }
  }
  return buildSpec(kind, values);
}

function isKind(k: string): k is FramingKind {
  return Object.prototype.hasOwnProperty.call(RULES, k);
}

type Values = Record<string, number | bigint | string | Uint8Array | boolean>;

const num = (v: Values, k: string, d: number): number => {
  const x = v[k];
  return typeof x === "number" ? x : d;
};
const big = (v: Values, k: string): bigint | null => {
  const x = v[k];
  return typeof x === "bigint" ? x : null;
};
const endianOf = (v: Values): Endian => (v["endian"] === "le" ? "le" : "be");

function buildSpec(kind: FramingKind, v: Values): SpecResult {
  switch (kind) {
    case "length": {
      const offset = num(v, "offset", 0);
      const size = num(v, "size", 4);
      const mask = big(v, "mask");
      const gzip = big(v, "gzip");
      const fieldBits = (1n << BigInt(8 * size)) - 1n;
      if (mask !== null && size > 6) {
        return {
          ok: false,
          error: `length: mask needs size of 6 bytes or less (flags stay exact numbers), not size=${size}`,
        };
      }
      if (mask !== null && (mask === 0n || (mask & ~fieldBits) !== 0n)) {
        return {
          ok: false,
          error: `length: mask=${mask.toString(16)} must be non-zero and fit in size=${size} bytes`,
        };
      }
      if (gzip !== null && (mask === null || (gzip & (mask | ~fieldBits)) !== 0n || gzip === 0n)) {
        return {
          ok: false,
          error: `length: gzip=${gzip.toString(16)} must name flag bits of the field outside mask (set mask first)`,
        };
      }
      return {
        ok: true,
        spec: {
          kind,
          offset,
          size,
          adjust: num(v, "adjust", 0),
          skip: num(v, "skip", offset + size),
          endian: endianOf(v),
          max: num(v, "max", DEFAULT_MAX_FRAME_LENGTH),
          mask,
          gzip,
        },
      };
    }
    case "netty": {
      const spec: NettySpec = {
        kind,
        offset: num(v, "offset", 0),
        size: num(v, "size", 4) as NettySpec["size"],
        adjust: num(v, "adjust", 0),
        strip: num(v, "strip", 0),
        endian: endianOf(v),
        max: num(v, "max", DEFAULT_MAX_FRAME_LENGTH),
        failfast: v["failfast"] !== false,
      };
      // The checks LengthFieldBasedFrameDecoder's constructor makes (adjust is a Java int).
      if (spec.max < 1)
        return { ok: false, error: `netty: max=${spec.max} must be positive (Netty requires it)` };
      if (spec.offset > spec.max - spec.size) {
        return {
          ok: false,
          error: `netty: max=${spec.max} must be at least offset + size = ${spec.offset + spec.size} (Netty requires it)`,
        };
      }
      if (spec.adjust > 2 ** 31 - 1) {
        return {
          ok: false,
          error: `netty: adjust=${spec.adjust} is not a Java int: it takes at most ${2 ** 31 - 1}`,
        };
      }
      return { ok: true, spec };
    }
    case "fixed": {
      if (!("size" in v))
        return { ok: false, error: "fixed: size is required (fixed:size=N, N from 1 to 16777216)" };
      return { ok: true, spec: { kind, size: num(v, "size", 1) } };
    }
    case "varint":
      return {
        ok: true,
        spec: { kind, offset: num(v, "offset", 0), max: num(v, "max", DEFAULT_MAX_FRAME_LENGTH) },
      };
    case "grpc":
      return { ok: true, spec: { kind, max: num(v, "max", DEFAULT_GRPC_MAX_MESSAGE) } };
    case "delim": {
      const sep = v["sep"];
      if (!(sep instanceof Uint8Array)) {
        return {
          ok: false,
          error: "delim: sep is required (delim:sep=HEX, such as 0d0a for \\r\\n or 0a for lines)",
        };
      }
      return { ok: true, spec: { kind, sep, max: num(v, "max", DEFAULT_MAX_LINE) } };
    }
    case "resp":
      return { ok: true, spec: { kind, max: num(v, "max", DEFAULT_RESP_MAX) } };
    case "http1":
      return { ok: true, spec: { kind, max: num(v, "max", DEFAULT_MAX_LINE) } };
  }
}

/** Writes the canonical spec string: keys in table order, defaults left out. */
export function formatFramingSpec(spec: FramingSpec): string {
  const parts: string[] = [];
  const put = (key: string, value: string, isDefault: boolean): void => {
    if (!isDefault) parts.push(`${key}=${value}`);
  };
  switch (spec.kind) {
    case "length":
      put("offset", String(spec.offset), spec.offset === 0);
      put("size", String(spec.size), spec.size === 4);
      put("adjust", String(spec.adjust), spec.adjust === 0);
      put("skip", String(spec.skip), spec.skip === spec.offset + spec.size);
      put("endian", spec.endian, spec.endian === "be");
      put("max", String(spec.max), spec.max === DEFAULT_MAX_FRAME_LENGTH);
      if (spec.mask !== null) put("mask", spec.mask.toString(16), false);
      if (spec.gzip !== null) put("gzip", spec.gzip.toString(16), false);
      break;
    case "netty":
      put("offset", String(spec.offset), spec.offset === 0);
      put("size", String(spec.size), spec.size === 4);
      put("adjust", String(spec.adjust), spec.adjust === 0);
      put("strip", String(spec.strip), spec.strip === 0);
      put("endian", spec.endian, spec.endian === "be");
      put("max", String(spec.max), spec.max === DEFAULT_MAX_FRAME_LENGTH);
      put("failfast", "0", spec.failfast);
      break;
    case "fixed":
      put("size", String(spec.size), false);
      break;
    case "varint":
      put("offset", String(spec.offset), spec.offset === 0);
      put("max", String(spec.max), spec.max === DEFAULT_MAX_FRAME_LENGTH);
      break;
    case "grpc":
      put("max", String(spec.max), spec.max === DEFAULT_GRPC_MAX_MESSAGE);
      break;
    case "delim":
      put("sep", bytesToHex(spec.sep), false);
      put("max", String(spec.max), spec.max === DEFAULT_MAX_LINE);
      break;
    case "resp":
      put("max", String(spec.max), spec.max === DEFAULT_RESP_MAX);
      break;
    case "http1":
      put("max", String(spec.max), spec.max === DEFAULT_MAX_LINE);
      break;
  }
  return parts.length === 0 ? spec.kind : `${spec.kind}:${parts.join(",")}`;
}
