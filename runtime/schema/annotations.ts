/**
 * Facts introspection does not carry (integer widths, QAPI type names), supplied keyed by
 * query strings (the names data of `qapi-gen --save-names`, or the caller's own) and
 * resolved here to the masked types of this schema.
 * @module
 */
import { isIntegerWidth, type IntegerWidth } from "./integer-widths.js";
import { parseQuery, walkQuery, type Lookup } from "./query.js";
import type { SchemaInfo, SchemaInfoObject } from "./schema-info.js";
import { widthKey } from "./validate.js";

/** Resolved annotations, ready for the validator. */
export interface ResolvedAnnotations {
  readonly widths: Map<string, IntegerWidth>;
  readonly typeNames: Map<string, string>;
}

// An alternate's branch in a type key: `PATH|object`, `|enum`, `|array` (names data).
const BRANCH_MARKER = /\|(object|enum|array)$/;

/**
 * Resolves `integerWidths` (keyed by a member's query string, e.g.
 * `migrate-set-parameters/arg-type/downtime-limit`; a key reaching an alternate gives its
 * integer branch that width wherever the alternate is used) and `typeNames` (keyed by the
 * query string of any place the type is used: a member, `COMMAND/ret-type`, or an alternate's
 * branch as `PATH|object`). Union branches as `+value`; arrays and alternates looked through.
 * Keys this schema does not have are ignored: the same data may describe another build.
 * @throws TypeError for a width that is not a QAPI integer type, or a name that is not a string.
 */
export function resolveAnnotations(
  entries: readonly SchemaInfo[],
  lookup: Lookup,
  integerWidths: Readonly<Record<string, string>> | undefined,
  typeNames: Readonly<Record<string, string>> | undefined,
): ResolvedAnnotations {
  const widths = new Map<string, IntegerWidth>();
  const alternateWidths = new Map<string, IntegerWidth>();
  for (const [path, width] of Object.entries(integerWidths ?? {})) {
    if (!isIntegerWidth(width)) throw new TypeError(`integerWidths['${path}']: '${width}' is not a QAPI integer type`);
    for (const { owner, type } of membersAt(lookup, path)) {
      widths.set(widthKey(owner.name, memberName(path)), width);
      const target = lookThroughArrays(lookup, type);
      if (target?.["meta-type"] === "alternate") alternateWidths.set(target.name, width);
    }
  }
  if (alternateWidths.size > 0) widenAlternateUses(entries, lookup, alternateWidths, widths);
  const names = new Map<string, string>();
  for (const [key, name] of Object.entries(typeNames ?? {})) {
    if (typeof name !== "string") throw new TypeError(`typeNames['${key}'] is not a string`);
    const target = typeAt(lookup, key);
    if (target !== undefined) names.set(target.name, name);
  }
  return { widths, typeNames: names };
}

// Every member whose type is an alternate with a known integer width gets it (the key named one use).
function widenAlternateUses(
  entries: readonly SchemaInfo[],
  lookup: Lookup,
  alternateWidths: ReadonlyMap<string, IntegerWidth>,
  widths: Map<string, IntegerWidth>,
): void {
  for (const entry of entries) {
    if (entry["meta-type"] !== "object") continue;
    for (const member of entry.members) {
      const target = lookThroughArrays(lookup, member.type);
      const width = target === undefined ? undefined : alternateWidths.get(target.name);
      const key = widthKey(entry.name, member.name);
      if (width !== undefined && !widths.has(key)) widths.set(key, width);
    }
  }
}

function memberName(path: string): string {
  const last = path.slice(path.lastIndexOf("/") + 1);
  return /^[a-z]/i.test(last) ? last : last.slice(1);
}

function walk(lookup: Lookup, path: string): SchemaInfo | undefined {
  try {
    return walkQuery(parseQuery(path), lookup);
  } catch {
    return undefined; // a malformed key matches nothing
  }
}

// The named type a key stands for: the one used at PATH (arrays looked through), or for
// `PATH|kind` the branch of that kind of the alternate used there.
function typeAt(lookup: Lookup, key: string): SchemaInfo | undefined {
  const marker = BRANCH_MARKER.exec(key);
  const reached = walk(lookup, marker === null ? key : key.slice(0, marker.index));
  if (reached === undefined || reached["meta-type"] === "command" || reached["meta-type"] === "event") return undefined;
  const target = lookThroughArrays(lookup, reached.name);
  if (marker === null) return target;
  if (target?.["meta-type"] !== "alternate") return undefined;
  for (const branch of target.members) {
    const kind = lookup(branch.type)?.["meta-type"];
    if (kind === marker[1]) return lookThroughArrays(lookup, branch.type);
  }
  return undefined;
}

// The object types that own the member a query string ends in, with the member's type.
function membersAt(lookup: Lookup, path: string): { owner: SchemaInfoObject; type: string }[] {
  const cut = path.lastIndexOf("/");
  if (cut <= 0) return [];
  const parent = walk(lookup, path.slice(0, cut));
  const name = memberName(path);
  const found: { owner: SchemaInfoObject; type: string }[] = [];
  const visit = (entry: SchemaInfo | undefined, depth: number): void => {
    if (entry === undefined || depth > 8) return;
    if (entry["meta-type"] === "array") visit(lookup(entry["element-type"]), depth + 1);
    else if (entry["meta-type"] === "alternate") for (const branch of entry.members) visit(lookup(branch.type), depth + 1);
    else if (entry["meta-type"] === "object") {
      const member = entry.members.find((m) => m.name === name);
      if (member !== undefined) found.push({ owner: entry, type: member.type });
    }
  };
  visit(parent, 0);
  return found;
}

function lookThroughArrays(lookup: Lookup, typeName: string): SchemaInfo | undefined {
  let entry = lookup(typeName);
  for (let depth = 0; entry?.["meta-type"] === "array" && depth < 8; depth++) entry = lookup(entry["element-type"]);
  return entry;
}
