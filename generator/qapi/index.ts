/**
 * The QAPI source-file frontend: `loadQapiSchema(file, { defines })` → IR, plus merging
 * with introspection and TSDoc rendering of docs.
 * @module
 */
import type { Schema } from "../ir.js";
import { withIncludeChains } from "./errors.js";
import { loadSourceSchema, type ReadFile } from "./loader.js";
import type { SrcSchema } from "./model.js";
import { Namespace } from "./namespace.js";
import { pruneSchema } from "./prune.js";
import { checkSchema } from "./semantics.js";
import { sourceToIr } from "./to-ir.js";

export { QapiError, isQapiError, type SourceLocation } from "./errors.js";
export { mergeWithIntrospection, formatMismatches, type MergeResult, type Mismatch } from "./merge.js";
export { renderTsDoc, tsDocLines, integerNote, mayExceedSafeInteger, escapeDocText, type TsDocInput } from "./tsdoc.js";
export { rstToMarkdown } from "./rst.js";

/** Options of {@link loadQapiSchema}. */
export interface QapiLoadOptions {
  /**
   * Defined configuration symbols (`--define`). When given (even empty), conditions are
   * evaluated and only what holds is kept; when absent, everything is kept and conditions
   * are rendered into the IR's `condition` fields.
   */
  readonly defines?: Iterable<string> | undefined;
  /** Replaces `fs.readFileSync(file, "utf8")`, e.g. for in-memory schemas. */
  readonly readFile?: ReadFile | undefined;
}

/** The checked source model of a schema (for tools that need more than the IR). */
export interface CheckedSource {
  readonly source: SrcSchema;
  readonly namespace: Namespace;
}

/**
 * Parses and checks a QAPI schema and its includes, without mapping to the IR.
 * @throws QapiError (`file:line:col: message`) for any invalid input.
 */
export function checkQapiSource(file: string, options: QapiLoadOptions = {}): CheckedSource {
  const source = loadSourceSchema(file, { readFile: options.readFile });
  return withIncludeChains(source.includedFrom, () => {
    const namespace = checkSchema(source);
    if (options.defines === undefined) return { source, namespace };
    const pruned = pruneSchema(source, new Set(options.defines));
    return { source: pruned, namespace: new Namespace(pruned) };
  });
}

/**
 * Loads a QAPI source schema (`qapi/qapi-schema.json` or a QGA schema) into the IR.
 * @param file - path of the top-level schema file; includes are relative to their includer.
 * @throws QapiError (`file:line:col: message`) for any invalid input; never anything else
 * for bad input.
 */
export function loadQapiSchema(file: string, options: QapiLoadOptions = {}): Schema {
  const { source, namespace } = checkQapiSource(file, options);
  return withIncludeChains(source.includedFrom, () =>
    sourceToIr(source, namespace, { conditions: options.defines === undefined }),
  );
}
