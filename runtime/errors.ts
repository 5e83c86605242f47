/**
 * The error family of qmpkit: one base class, one subclass per actionable condition.
 * Timeouts and aborts are not in this family: they reject with the standard
 * `signal.reason` (`TimeoutError` / `AbortError` DOMExceptions).
 * @module
 */
import type { ArgumentIssue } from "./schema/validate.js";

/** Stable machine-readable codes, one per error class. */
export type QmpErrorCode = "QMP_CONNECT" | "QMP_EXECUTE" | "QMP_DISCONNECTED" | "QMP_PROTOCOL" | "QMP_STATE" | "QMP_ARGUMENTS";

/** Base class of every error qmpkit throws on its own account. */
export abstract class QmpError extends Error {
  /** A stable code for programmatic checks; survives minification, unlike `name`. */
  abstract readonly code: QmpErrorCode;
}

/** Connecting, accepting, the greeting or capabilities negotiation failed. `cause` holds the root error. */
export class ConnectError extends QmpError {
  override readonly name = "ConnectError";
  readonly code = "QMP_CONNECT";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** QEMU answered a command with `{"error": {"class", "desc"}}`. */
export class ExecuteError extends QmpError {
  override readonly name = "ExecuteError";
  readonly code = "QMP_EXECUTE";
  /** QEMU's error class, e.g. `GenericError`, `CommandNotFound`, `DeviceNotFound`. */
  readonly errorClass: string;
  /** QEMU's human-readable description. Show it, never parse it. */
  readonly desc: string;
  /** The command that failed. */
  readonly command: string;
  /** The arguments the command was sent with. */
  readonly arguments: unknown;
  /** The id the command was sent with. */
  readonly id: unknown;

  constructor(init: { errorClass: string; desc: string; command: string; arguments: unknown; id: unknown }) {
    super(`${init.command}: ${init.errorClass}: ${init.desc}`);
    this.errorClass = init.errorClass;
    this.desc = init.desc;
    this.command = init.command;
    this.arguments = init.arguments;
    this.id = init.id;
  }
}

/** The connection ended (or was never there) while a command or wait needed it. */
export class DisconnectedError extends QmpError {
  override readonly name = "DisconnectedError";
  readonly code = "QMP_DISCONNECTED";
  constructor(message = "QMP connection closed", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The peer sent something that is not valid QMP: malformed, oversized, or an id-less error. */
export class ProtocolError extends QmpError {
  override readonly name = "ProtocolError";
  readonly code = "QMP_PROTOCOL";
  /** The offending input, truncated to {@link ProtocolError.RAW_LIMIT} characters. */
  readonly raw: string;
  /** How many raw characters there were before truncation. */
  readonly rawLength: number;
  /** At most this many characters of raw input are kept. */
  static readonly RAW_LIMIT = 1024;

  constructor(message: string, raw: string | Uint8Array = "", options?: { cause?: unknown }) {
    super(message, options);
    const text = typeof raw === "string" ? raw : Buffer.from(raw).toString("utf8");
    this.rawLength = text.length;
    this.raw = text.length > ProtocolError.RAW_LIMIT ? text.slice(0, ProtocolError.RAW_LIMIT) : text;
  }
}

/** The call is not allowed in the client's current state (e.g. execute before connect, exec-oob without oob). */
export class StateError extends QmpError {
  override readonly name = "StateError";
  readonly code = "QMP_STATE";
}

/**
 * The arguments of a command do not fit the live schema (`new QmpClient({ validate: true })`):
 * nothing was sent. `message` starts with the first issue's text, which is QEMU's own.
 */
export class ArgumentError extends QmpError {
  override readonly name = "ArgumentError";
  readonly code = "QMP_ARGUMENTS";
  /** The command that was not sent. */
  readonly command: string;
  /** The arguments it would have been sent with. */
  readonly arguments: unknown;
  /** Every problem found, in the order QEMU meets them; QEMU would have reported the first. */
  readonly issues: readonly ArgumentIssue[];

  constructor(command: string, args: unknown, issues: readonly ArgumentIssue[]) {
    const more = issues.length > 1 ? `, ${issues.length - 1} more issue${issues.length > 2 ? "s" : ""}` : "";
    super(`${issues[0]?.message ?? "invalid arguments"} (${command}${more})`);
    this.command = command;
    this.arguments = args;
    this.issues = issues;
  }
}
