/**
 * Loading the two sides of `qapi-gen diff`: saved `query-qmp-schema` replies, checked, with
 * every problem reported as one line naming the file.
 * @module
 */
import { GeneratorError } from "../errors.js";
import { checkSemantics } from "../introspection/semantics.js";
import type { RawEntry } from "../introspection/schema-info.js";
import { extractEntries, validateEntries } from "../introspection/validate.js";
import { readSchemaFile } from "../load-schema-file.js";

/** Entries of one schema by name. */
export type EntryMap = ReadonlyMap<string, RawEntry>;

/** Bad input for `qapi-gen diff` (exit status 2). */
export class DiffInputError extends GeneratorError {}

/**
 * Checks parsed JSON (bare array or `{"return": [...]}`) as an introspection schema.
 * @param label - the file name for messages.
 * @throws DiffInputError naming `label` and the first problem.
 */
export function entriesOf(json: unknown, label: string): EntryMap {
  try {
    return checkSemantics(validateEntries(extractEntries(json))).byName;
  } catch (error) {
    throw new DiffInputError(`${JSON.stringify(label)}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/**
 * Reads and checks a saved schema file.
 * @throws DiffInputError for a missing, unreadable, non-JSON or non-schema file.
 */
export async function loadSchemaEntries(file: string): Promise<EntryMap> {
  let json: unknown;
  try {
    json = await readSchemaFile(file);
  } catch (error) {
    throw new DiffInputError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  return entriesOf(json, file);
}
