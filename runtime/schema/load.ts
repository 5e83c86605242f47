/**
 * Reading a saved or live `query-qmp-schema` reply into checked {@link SchemaInfo} entries.
 * @module
 */
import type { SchemaInfo } from "./schema-info.js";

/** A `query-qmp-schema` reply as saved: the bare array, or the whole `{ "return": [...] }` message. */
export type SchemaSource = readonly unknown[] | { readonly return: readonly unknown[] };

/**
 * Checks the shape of every entry (what the validator and query strings rely on) and returns
 * them. Entries of meta-types this runtime does not know (a future QEMU) are skipped.
 * @throws TypeError naming the first malformed entry.
 */
export function readSchemaEntries(source: unknown): SchemaInfo[] {
  const list = isRecord(source) && !Array.isArray(source) ? source["return"] : source;
  if (!Array.isArray(list)) throw new TypeError("a QMP schema is an array of SchemaInfo entries or { return: [...] }");
  const entries: SchemaInfo[] = [];
  list.forEach((entry: unknown, index) => {
    const problem = checkEntry(entry);
    if (problem === "unknown") return;
    if (problem !== undefined) throw new TypeError(`malformed SchemaInfo entry ${index}: ${problem}`);
    entries.push(entry as SchemaInfo);
  });
  return entries;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

const isString = (value: unknown): value is string => typeof value === "string";
const isStringList = (value: unknown): boolean => Array.isArray(value) && value.every(isString);

function listOf(value: unknown, check: (item: Record<string, unknown>) => boolean): boolean {
  return Array.isArray(value) && value.every((item) => isRecord(item) && check(item));
}

const hasFeatures = (item: Record<string, unknown>): boolean => item["features"] === undefined || isStringList(item["features"]);

// Returns what is wrong with an entry, "unknown" for a meta-type to skip, undefined when fine.
function checkEntry(entry: unknown): string | undefined {
  if (!isRecord(entry) || Array.isArray(entry)) return "not an object";
  if (!isString(entry["name"])) return 'no "name" string';
  if (!hasFeatures(entry)) return `"features" of ${entry["name"]} is not a list of strings`;
  const fields = (...names: string[]) => names.every((name) => isString(entry[name]));
  const ok = (valid: boolean) => (valid ? undefined : `${entry["name"]}: bad ${String(entry["meta-type"])} entry`);
  switch (entry["meta-type"]) {
    case "builtin":
      return ok(fields("json-type"));
    case "enum":
      return ok(
        isStringList(entry["values"]) &&
          (entry["members"] === undefined || listOf(entry["members"], (m) => isString(m["name"]) && hasFeatures(m))),
      );
    case "array":
      return ok(fields("element-type"));
    case "object":
      return ok(
        listOf(entry["members"], (m) => isString(m["name"]) && isString(m["type"]) && hasFeatures(m)) &&
          (entry["tag"] === undefined || isString(entry["tag"])) &&
          (entry["variants"] === undefined || listOf(entry["variants"], (v) => isString(v["case"]) && isString(v["type"]))),
      );
    case "alternate":
      return ok(listOf(entry["members"], (m) => isString(m["type"])));
    case "command":
      return ok(fields("arg-type", "ret-type"));
    case "event":
      return ok(fields("arg-type"));
    default:
      return isString(entry["meta-type"]) ? "unknown" : `${entry["name"]}: no "meta-type" string`;
  }
}
