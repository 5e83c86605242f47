/**
 * Located errors of the QAPI source frontend.
 * @module
 */
import { GeneratorError } from "../errors.js";

/** A position in a schema file: 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/**
 * An invalid schema (or an unreadable schema file). `message` is the whole
 * `file:line:col: reason` line; `reason` is the text after the location.
 *
 * It is a {@link GeneratorError}, so the CLI reports it as one line without a stack trace.
 * (Its `name` stays `GeneratorError`; test identity with `instanceof QapiError`.)
 */
export class QapiError extends GeneratorError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly reason: string;

  constructor(loc: SourceLocation, reason: string, options?: { cause?: unknown }) {
    super(`${loc.file}:${loc.line}:${loc.col}: ${reason}`, options);
    this.file = loc.file;
    this.line = loc.line;
    this.col = loc.col;
    this.reason = reason;
  }
}

/** Throws a {@link QapiError} at `loc`. */
export function fail(loc: SourceLocation, reason: string): never {
  throw new QapiError(loc, reason);
}

/** `'name'` quoted the way messages quote schema names. */
export function q(name: string): string {
  return `'${name}'`;
}

/** Whether `err` is a located schema error (anything else escaping the frontend is a bug). */
export function isQapiError(err: unknown): err is QapiError {
  return err instanceof QapiError;
}
