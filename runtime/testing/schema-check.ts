/**
 * The fake server's schema checks: the same validator as the client's `validate` option, so
 * a test server answers wrong arguments with QEMU's own texts.
 * @module
 */
import { readFileSync } from "node:fs";
import { QmpSchema, type QmpSchemaOptions } from "../schema/qmp-schema.js";
import type { SchemaSource } from "../schema/load.js";
import type { QmpErrorBody, ValidRequest } from "./protocol.js";

/** A `QmpSchema` from the server's `schema` option: a reply, a file path, or a ready schema. */
export function loadTestSchema(source: SchemaSource | string | QmpSchema, options: QmpSchemaOptions | undefined): QmpSchema {
  if (source instanceof QmpSchema) return source;
  if (typeof source !== "string") return new QmpSchema(source, options);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(source, "utf8"));
  } catch (error) {
    throw new TypeError(`cannot read the QMP schema file ${source}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return new QmpSchema(parsed, options);
}

// The server itself answers these, so a hand-made schema that lacks them still negotiates and introspects.
const ALWAYS_PRESENT = new Set(["qmp_capabilities", "query-qmp-schema"]);

/** The command exists in the schema (or is one the server always answers). */
export function schemaHasCommand(schema: QmpSchema, name: string): boolean {
  return ALWAYS_PRESENT.has(name) || schema.hasCommand(name);
}

/**
 * QEMU's error for a request whose arguments do not fit, or undefined when they do.
 * `qmp_capabilities` keeps the default handler's checks (QEMU's negotiation texts).
 */
export function schemaRejects(schema: QmpSchema, request: ValidRequest): QmpErrorBody | undefined {
  if (request.command === "qmp_capabilities" || !schema.hasCommand(request.command)) return undefined;
  let issues;
  try {
    issues = schema.validateArguments(request.command, request.args);
  } catch {
    return undefined; // nested too deep for this stack but within QEMU's limit: QEMU would take it
  }
  const [issue] = issues;
  return issue === undefined ? undefined : { class: "GenericError", desc: issue.message };
}
