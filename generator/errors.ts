/**
 * Errors the generator reports to its user: one line, no stack trace.
 * @module
 */

/** A problem with the generator's input or environment, shown to the user as one line. */
export class GeneratorError extends Error {
  override readonly name = "GeneratorError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
