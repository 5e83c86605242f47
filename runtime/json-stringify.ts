/**
 * Serialising outbound messages: `JSON.stringify`, plus exact `bigint` values (QEMU takes
 * integers up to uint64, beyond what a `number` holds exactly).
 * @module
 */
import { randomUUID } from "node:crypto";

/** `JSON.stringify(value)`, with every `bigint` written as an exact integer literal. */
export function stringifyMessage(value: unknown): string {
  // A BigInt.prototype.toJSON polyfill would quietly turn bigints into strings: skip the fast path.
  if (typeof (BigInt.prototype as { toJSON?: unknown }).toJSON !== "function") {
    try {
      return JSON.stringify(value);
    } catch (error) {
      if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw error;
    }
  }
  // Rare path: mark bigints with a per-call nonce no caller string can contain, then unquote them.
  // The raw holder value is read because a toJSON polyfill has already run on `item`.
  const mark = `\u0000${randomUUID()}:`;
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key, item: unknown) {
    const raw = this[key];
    return typeof raw === "bigint" ? mark + raw.toString() : item;
  });
  const escapedMark = JSON.stringify(mark).slice(1, -1);
  return text
    .split(`"${escapedMark}`)
    .map((part, i) => (i === 0 ? part : part.replace(/^(-?\d+)"/, "$1")))
    .join("");
}
