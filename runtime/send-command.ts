/**
 * @internal The last steps of a command on a running session: the out-of-band check,
 * validation against the schema (with `validate`), and passing fds.
 * @module
 */
import type { ExecuteOptions } from "./api.js";
import { StateError } from "./errors.js";
import { toFd } from "./fd/index.js";
import { checkFdCapable } from "./fd-commands.js";
import { validateBeforeSend, type ValidateHost } from "./schema/validate-before-send.js";
import type { Session } from "./session.js";

/** @internal The wire message of `command`: `execute` or `exec-oob`, with `arguments` when given. */
export function commandMessage(
  command: string,
  args: Record<string, unknown> | undefined,
  oob: boolean,
): Record<string, unknown> {
  const message: Record<string, unknown> = oob ? { "exec-oob": command } : { execute: command };
  if (args !== undefined) message["arguments"] = args;
  return message;
}

/**
 * @internal Sends `message` on `session`; validates first when `validation` is given.
 * Every refusal is a rejection, never a throw.
 */
export function sendOnSession(
  session: Session,
  message: Record<string, unknown>,
  command: string,
  args: unknown,
  options: ExecuteOptions | undefined,
  validation: ValidateHost | undefined,
): Promise<unknown> {
  if (options?.oob === true && !session.oob) {
    return Promise.reject(new StateError(`cannot exec-oob ${command}: out-of-band was not negotiated on this connection`));
  }
  if (validation !== undefined) {
    const blocked = validateBeforeSend(command, args, options, validation);
    if (blocked !== undefined) return blocked;
  }
  const fds = options?.fds;
  if (fds === undefined || fds.length === 0) return session.send(message, command, args, options);
  if (options?.noReply === true) return Promise.reject(new TypeError("fds cannot be passed with noReply"));
  try {
    checkFdCapable(session);
    return session.sendWithFds(message, command, args, options ?? {}, fds.map(toFd));
  } catch (error) {
    return Promise.reject(error);
  }
}
