/**
 * The ranges of protobuf's integer kinds and the check of one JSON value
 * against them, done in bigint so that nothing outside the range is wrapped
 * on the wire (as `99999999999999999999999` would be, mod 2^64).
 */

/** A protobuf integer kind, 32 or 64 bits. */
export type IntegerKind =
  | "int32"
  | "sint32"
  | "sfixed32"
  | "uint32"
  | "fixed32"
  | "int64"
  | "sint64"
  | "sfixed64"
  | "uint64"
  | "fixed64";

/** The smallest and largest value of every integer kind, inclusive. */
export const INTEGER_RANGES: Readonly<Record<IntegerKind, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

/** Whether `t` names one of protobuf's integer kinds. */
export function isIntegerKind(t: string): t is IntegerKind {
  return Object.hasOwn(INTEGER_RANGES, t);
}

/** The integer in a JSON value, or what is wrong with it. */
export type IntegerRead =
  { readonly ok: true; readonly value: bigint } | { readonly ok: false; readonly text: string };

/**
 * Reads a JSON value as an integer of `kind`: a number, or a string of decimal
 * digits (proto3 JSON writes 64-bit integers as strings). A number that is not
 * exact in a double (beyond 2^53) is refused, since its digits were already lost.
 */
export function readInteger(kind: IntegerKind, value: unknown): IntegerRead {
  const [min, max] = INTEGER_RANGES[kind];
  const range = `${kind} takes a whole number from ${min} to ${max}`;
  let n: bigint;
  if (typeof value === "string") {
    if (!/^-?\d+$/.test(value)) return { ok: false, text: `${range}, as digits` };
    n = BigInt(value);
  } else if (typeof value === "number" && Number.isInteger(value)) {
    n = BigInt(value);
    if (!Number.isSafeInteger(value) && max > 2n ** 53n)
      return {
        ok: false,
        text: `${range}; beyond 2^53 a JSON number is not exact: write it as a string`,
      };
  } else return { ok: false, text: range };
  return n >= min && n <= max ? { ok: true, value: n } : { ok: false, text: range };
}

/** The 64 bits of `value` (two's complement) as protobufjs's low and high halves. */
export function toLongBits(value: bigint): { low: number; high: number; unsigned: boolean } {
  const bits = BigInt.asUintN(64, value);
  return {
    low: Number(bits & 0xffffffffn) | 0,
    high: Number(bits >> 32n) | 0,
    unsigned: value >= 0n,
  };
}
