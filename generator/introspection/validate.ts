/**
 * Structural validation of a `query-qmp-schema` reply with ajv, with messages that say
 * which entry is wrong and how: `entry 17 ("query-foo"): missing "ret-type"`.
 * @module
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { entryHeadSchema, entrySchemas } from "./json-schema.js";
import type { RawEntry } from "./schema-info.js";
import { GeneratorError } from "../errors.js";

/** The input is valid JSON but not an introspection schema; `problems` lists every finding. */
export class SchemaValidationError extends GeneratorError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
    super(`not a QAPI introspection schema: ${problems[0] ?? "unknown problem"}${more}`);
    this.problems = problems;
  }
}

type MetaType = keyof typeof entrySchemas;

interface Validators {
  readonly head: ValidateFunction;
  readonly byMeta: Readonly<Record<MetaType, ValidateFunction>>;
}

let cached: Validators | undefined;

// Compiling is the expensive part; do it once per process.
function validators(): Validators {
  if (cached) return cached;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const byMeta = Object.fromEntries(Object.entries(entrySchemas).map(([meta, schema]) => [meta, ajv.compile(schema)])) as Record<
    MetaType,
    ValidateFunction
  >;
  cached = { head: ajv.compile(entryHeadSchema), byMeta };
  return cached;
}

/** `/members/0/name` → `members[0].name`. */
function formatPath(instancePath: string): string {
  let out = "";
  for (const part of instancePath.split("/").slice(1)) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    out += /^\d+$/.test(key) ? `[${key}]` : out === "" ? key : `.${key}`;
  }
  return out;
}

/** One readable line for one ajv error. */
function formatAjvError(error: ErrorObject): string {
  const at = formatPath(error.instancePath);
  const prefix = at === "" ? "" : `${JSON.stringify(at)}: `;
  switch (error.keyword) {
    case "required":
      return `${prefix}missing ${JSON.stringify(String(error.params["missingProperty"]))}`;
    case "enum": {
      const allowed = (error.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ");
      return `${prefix}must be one of ${allowed}`;
    }
    case "minLength":
      return `${prefix}must not be empty`;
    default:
      return `${prefix}${error.message ?? error.keyword}`;
  }
}

/** How an entry is named in messages: `entry 17 ("query-foo")`. */
export function describeEntry(index: number, entry: unknown): string {
  const name =
    typeof entry === "object" && entry !== null && typeof (entry as { name?: unknown }).name === "string"
      ? ` (${JSON.stringify((entry as { name: string }).name)})`
      : "";
  return `entry ${index}${name}`;
}

/**
 * Finds the SchemaInfo list in a parsed reply: a bare array or `{"return": [...]}`.
 * @throws SchemaValidationError when neither shape matches.
 */
export function extractEntries(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  if (typeof json === "object" && json !== null) {
    if ("return" in json) {
      const ret = (json as { return: unknown }).return;
      if (Array.isArray(ret)) return ret;
      throw new SchemaValidationError([`"return" must be an array of SchemaInfo entries, got ${jsonKind(ret)}`]);
    }
    if ("error" in json) throw new SchemaValidationError([`the reply is a QMP error, not a schema`]);
    throw new SchemaValidationError([
      `expected an array of SchemaInfo entries or {"return": [...]}, got an object without "return"`,
    ]);
  }
  throw new SchemaValidationError([`expected an array of SchemaInfo entries or {"return": [...]}, got ${jsonKind(json)}`]);
}

function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Checks every entry's shape; returns the entries typed, or throws listing all problems.
 * @throws SchemaValidationError
 */
export function validateEntries(entries: readonly unknown[]): RawEntry[] {
  const { head, byMeta } = validators();
  const problems: string[] = [];
  if (entries.length === 0) problems.push("the schema has no entries");
  entries.forEach((entry, index) => {
    const where = describeEntry(index, entry);
    if (!head(entry)) {
      for (const e of head.errors ?? []) problems.push(`${where}: ${formatAjvError(e)}`);
      return;
    }
    const meta = (entry as { "meta-type": MetaType })["meta-type"];
    const check = byMeta[meta];
    if (!check(entry)) for (const e of check.errors ?? []) problems.push(`${where}: ${formatAjvError(e)}`);
  });
  if (problems.length > 0) throw new SchemaValidationError(problems);
  return entries as RawEntry[];
}
