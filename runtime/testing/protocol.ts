/**
 * QMP request validation, checked in the order QEMU 7.2 checks, with its error texts.
 * @module
 */

import { QmpTestError } from "./errors.js";

/** QEMU's `{"class", "desc"}` error body. */
export interface QmpErrorBody {
  class: string;
  desc: string;
}

/** What the connection knows when it validates a request. */
export interface RequestContext {
  readonly negotiated: boolean;
  readonly oobEnabled: boolean;
  hasCommand(name: string): boolean;
  allowsOob(name: string): boolean;
}

/** A request that may run. */
export interface ValidRequest {
  readonly ok: true;
  readonly command: string;
  readonly args: Record<string, unknown>;
  readonly oob: boolean;
}

/** A request to answer with an error right away. */
export interface RejectedRequest {
  readonly ok: false;
  readonly error: QmpErrorBody;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const generic = (desc: string): RejectedRequest => ({
  ok: false,
  error: { class: "GenericError", desc },
});

/** Validates a parsed object message (non-objects are rejected id-less by the caller). */
export function checkRequest(message: Record<string, unknown>, ctx: RequestContext): ValidRequest | RejectedRequest {
  for (const [key, value] of Object.entries(message)) {
    switch (key) {
      case "execute":
        if (typeof value !== "string") return generic("QMP input member 'execute' must be a string");
        break;
      case "exec-oob":
        // Without oob enabled QEMU does not know the member at all.
        if (!ctx.oobEnabled) return generic("QMP input member 'exec-oob' is unexpected");
        if (typeof value !== "string") return generic("QMP input member 'exec-oob' must be a string");
        break;
      case "arguments":
        if (!isObject(value)) return generic("QMP input member 'arguments' must be an object");
        break;
      case "id":
        break;
      default:
        return generic(`QMP input member '${key}' is unexpected`);
    }
  }
  const execute = message["execute"];
  const execOob = message["exec-oob"];
  if (typeof execute === "string" && typeof execOob === "string") {
    return generic("QMP input member 'execute' clashes with 'exec-oob'");
  }
  const command = typeof execute === "string" ? execute : typeof execOob === "string" ? execOob : undefined;
  if (command === undefined) return generic("QMP input lacks member 'execute'");
  if (!ctx.negotiated && command !== "qmp_capabilities") {
    return {
      ok: false,
      error: {
        class: "CommandNotFound",
        desc: "Expecting capabilities negotiation with 'qmp_capabilities'",
      },
    };
  }
  if (!ctx.hasCommand(command)) {
    return {
      ok: false,
      error: {
        class: "CommandNotFound",
        desc: `The command ${command} has not been found`,
      },
    };
  }
  const oob = typeof execOob === "string";
  if (oob && !ctx.allowsOob(command)) return generic(`The command ${command} does not support OOB`);
  const args = message["arguments"];
  return { ok: true, command, args: isObject(args) ? args : {}, oob };
}

/**
 * The error body for something a handler threw: its own class for `QmpTestError`, or for
 * anything carrying a string `class` (a plain `{ class, desc }` or an Error with `.class`);
 * else GenericError with the message.
 */
export function errorBody(error: unknown): QmpErrorBody {
  if (error instanceof QmpTestError) return { class: error.errorClass, desc: error.desc };
  const shaped = error as { class?: unknown; desc?: unknown; message?: unknown } | null;
  if (typeof shaped === "object" && shaped !== null && typeof shaped.class === "string") {
    const desc = typeof shaped.desc === "string" ? shaped.desc : typeof shaped.message === "string" ? shaped.message : "";
    return { class: shaped.class, desc };
  }
  return {
    class: "GenericError",
    desc: error instanceof Error ? error.message : String(error),
  };
}

/** Builds a success reply: `return` first, then `id`, as QEMU prints it. */
export function returnReply(value: unknown, hasId: boolean, id: unknown): Record<string, unknown> {
  const body = value === undefined ? {} : value;
  return hasId ? { return: body, id } : { return: body };
}

/** Builds an error reply: `id` first, then `error`, as QEMU prints it. */
export function errorReply(error: QmpErrorBody, hasId: boolean, id: unknown): Record<string, unknown> {
  return hasId ? { id, error } : { error };
}
