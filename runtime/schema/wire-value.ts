/**
 * What QEMU's JSON parser makes of a JavaScript value once the client has serialised it:
 * the validator must judge the bytes QEMU reads, not the JavaScript value.
 * @module
 */

/** The QObject kinds of QEMU's JSON parser; integers keep the parser's int64/uint64/double split. */
export type WireKind = "absent" | "null" | "boolean" | "string" | "int64" | "uint64" | "double" | "object" | "array";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * The value as `JSON.stringify` would send it: `toJSON()` applied; `undefined`, functions and
 * symbols are `undefined` (an absent member); everything else unchanged.
 */
export function wireValue(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null)
    return typeof value === "function" || typeof value === "symbol" ? undefined : value;
  if (Array.isArray(value)) return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return value.valueOf();
  return typeof value === "function" || typeof value === "symbol" ? undefined : value;
}

/** Classifies a value returned by {@link wireValue}. */
export function wireKind(value: unknown): WireKind {
  switch (typeof value) {
    case "undefined":
      return "absent";
    case "boolean":
      return "boolean";
    case "string":
      return "string";
    case "bigint":
      return integerKind(value);
    case "number":
      if (!Number.isFinite(value)) return "null"; // JSON.stringify writes null
      if (!Number.isInteger(value) || Math.abs(value) >= 1e21) return "double"; // written with "." or "e"
      // Beyond 2^53 the digits QEMU reads are JSON.stringify's (e.g. -2^63 is sent as
      // -9223372036854776000, below int64's range), not the double's exact value.
      return Number.isSafeInteger(value) ? "int64" : integerKind(BigInt(String(value)));
    case "object":
      if (value === null) return "null";
      return Array.isArray(value) ? "array" : "object";
    default:
      return "absent";
  }
}

// QEMU's parser: int64 when it fits, else uint64 when it fits, else a double.
function integerKind(value: bigint): WireKind {
  if (value >= INT64_MIN && value <= INT64_MAX) return "int64";
  return value > 0n && value <= UINT64_MAX ? "uint64" : "double";
}

/** The value of an integer (int64 or uint64 kind) as QEMU's uint64 visitor stores it: negatives wrap. */
export function asUint64(value: unknown): bigint {
  const big = asInt64(value);
  return big < 0n ? big + 2n ** 64n : big;
}

/** The value of an integer (int64 or uint64 kind) as sent. */
export function asInt64(value: unknown): bigint {
  return typeof value === "bigint" ? value : BigInt(String(value));
}
