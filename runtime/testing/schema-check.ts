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

/** The command exists in the schema. */
export function schemaHasCommand(schema: QmpSchema, name: string): boolean {
  return schema.hasCommand(name);
}

/**
 * QEMU's error for a request whose arguments do not fit, or undefined when they do.
 * `qmp_capabilities` keeps the default handler's checks (QEMU's negotiation texts).
 */
export function schemaRejects(schema: QmpSchema, request: ValidRequest): QmpErrorBody | undefined {
  if (request.command === "qmp_capabilities") return undefined;
  const [issue] = schema.validateArguments(request.command, request.args);
  return issue === undefined ? undefined : { class: "GenericError", desc: issue.message };
}
