/**
 * Turns a `query-qmp-schema` reply (parsed JSON) into the IR: validate, check, name, map.
 * @module
 */
import type { QemuVersion, Schema } from "../ir.js";
import { checkSemantics } from "./semantics.js";
import { introspectionToIr } from "./to-ir.js";
import { extractEntries, validateEntries } from "./validate.js";

/**
 * Reads the QEMU version recorded next to a saved schema (`{"version": {...}, "return": [...]}`,
 * the `version` object of the QMP greeting), if any.
 */
export function recordedVersion(json: unknown): QemuVersion | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const version: unknown = (json as { version?: unknown }).version;
  if (typeof version !== "object" || version === null) return undefined;
  const { qemu, package: pkg } = version as { qemu?: unknown; package?: unknown };
  if (typeof qemu !== "object" || qemu === null) return undefined;
  const { major, minor, micro } = qemu as Record<string, unknown>;
  if (typeof major !== "number" || typeof minor !== "number" || typeof micro !== "number") return undefined;
  return { major, minor, micro, package: typeof pkg === "string" ? pkg : undefined };
}

/**
 * Builds the IR from a parsed introspection reply: a bare array of SchemaInfo or
 * `{"return": [...]}` (optionally with a recorded `version`).
 * @param qemuVersion overrides the recorded version (e.g. from a live greeting).
 * @throws SchemaValidationError when the JSON is not an introspection schema.
 */
export function loadIntrospection(json: unknown, qemuVersion?: QemuVersion): Schema {
  const entries = validateEntries(extractEntries(json));
  const table = checkSemantics(entries);
  return introspectionToIr(table, qemuVersion ?? recordedVersion(json));
}
