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
 * `file:line:col: reason` line, preceded (as QEMU prints it) by one
 * `In file included from f.json:N:` line per include on the way to `file`, outermost first;
 * `reason` is the text after the location.
 *
 * It is a {@link GeneratorError}, so the CLI reports it as one line without a stack trace.
 * (Its `name` stays `GeneratorError`; test identity with `instanceof QapiError`.)
 */
export class QapiError extends GeneratorError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly reason: string;
  /** The `include` directives that led to `file`, outermost first (empty for the top file). */
  readonly includedFrom: readonly SourceLocation[];

  constructor(loc: SourceLocation, reason: string, options?: { cause?: unknown; includedFrom?: readonly SourceLocation[] }) {
    const includes = (options?.includedFrom ?? []).map((at) => `In file included from ${at.file}:${at.line}:\n`).join("");
    super(`${includes}${loc.file}:${loc.line}:${loc.col}: ${reason}`, options);
    this.file = loc.file;
    this.line = loc.line;
    this.col = loc.col;
    this.reason = reason;
    this.includedFrom = options?.includedFrom ?? [];
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

/**
 * Runs `fn`; a located error it throws in an included file gets that file's include chain.
 * @param chains - per file (as located), the includes that led to it, outermost first.
 */
export function withIncludeChains<T>(chains: ReadonlyMap<string, readonly SourceLocation[]>, fn: () => T): T {
  try {
    return fn();
  } catch (err: unknown) {
    const chain = err instanceof QapiError && err.includedFrom.length === 0 ? chains.get(err.file) : undefined;
    if (chain === undefined || chain.length === 0 || !(err instanceof QapiError)) throw err;
    throw new QapiError(err, err.reason, { cause: err.cause, includedFrom: chain });
  }
}
