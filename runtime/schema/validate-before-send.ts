/**
 * @internal The `validate` option's check of a command's arguments before it goes out.
 * @module
 */
import type { ExecuteOptions } from "../api.js";
import { ArgumentError } from "../errors.js";
import type { QmpSchema } from "./qmp-schema.js";
import type { IntrospectOptions } from "./schema-cache.js";

// The negotiation and the introspection itself are never validated.
const NEVER_VALIDATED = new Set(["qmp_capabilities", "query-qmp-schema"]);

/** @internal The connection's schema, if fetched, and how to fetch it and send again. */
export interface ValidateHost {
  readonly schema: QmpSchema | undefined;
  introspect(options: IntrospectOptions): Promise<unknown>;
  send(options: ExecuteOptions): Promise<unknown>;
}

/**
 * @internal Checks `args` of `command` against `host.schema` (this connection's, if fetched).
 * Returns undefined when the command may go out now; otherwise the promise the caller must
 * return: a rejection ({@link ArgumentError}, or what validating threw), or, with no schema
 * yet, the command sent again once the schema is fetched.
 */
export function validateBeforeSend(
  command: string,
  args: unknown,
  options: ExecuteOptions | undefined,
  host: ValidateHost,
): Promise<unknown> | undefined {
  if (NEVER_VALIDATED.has(command)) return undefined;
  const schema = host.schema;
  if (schema === undefined) return introspectThenSend(options, host);
  let issues;
  try {
    issues = schema.validateArguments(command, args);
  } catch (error) {
    return Promise.reject(error); // e.g. a throwing toJSON(), which serialising would meet too
  }
  return issues.length > 0 ? Promise.reject(new ArgumentError(command, args, issues)) : undefined;
}

// First command of a connection with `validate`: fetch the schema within the command's own deadline.
async function introspectThenSend(options: ExecuteOptions | undefined, host: ValidateHost): Promise<unknown> {
  const deadline = options?.timeout === undefined ? undefined : Date.now() + options.timeout;
  await host.introspect({ signal: options?.signal, timeout: options?.timeout });
  const timeout = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
  return host.send({ ...options, timeout });
}
