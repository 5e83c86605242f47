/**
 * Argument checks of the default handlers, with QEMU 7.2's wording. Like QEMU's input
 * visitor, members are checked in declaration order, unexpected members last.
 * @module
 */

import { QmpTestError } from "../errors.js";

/** Rejects members other than `allowed`, with QEMU's wording. */
export function expectArgs(args: Record<string, unknown>, allowed: readonly string[] = []): void {
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key)) throw new QmpTestError("GenericError", `Parameter '${key}' is unexpected`);
  }
}

function invalid(name: string, expected: string): QmpTestError {
  return new QmpTestError("GenericError", `Invalid parameter type for '${name}', expected: ${expected}`);
}

function missing(name: string): QmpTestError {
  return new QmpTestError("GenericError", `Parameter '${name}' is missing`);
}

/** A string member; `undefined` when absent and optional. */
export function stringArg(args: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const value = args[name];
  if (value === undefined) {
    if (required) throw missing(name);
    return undefined;
  }
  if (typeof value !== "string") throw invalid(name, "string");
  return value;
}

/** An integer member (a `bigint` is converted); `undefined` when absent and optional. */
export function intArg(args: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const value = args[name];
  if (value === undefined) {
    if (required) throw missing(name);
    return undefined;
  }
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "number" || !Number.isInteger(value)) throw invalid(name, "integer");
  return value;
}
