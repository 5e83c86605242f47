/**
 * Facts introspection does not carry (integer widths, alternates' QAPI names), supplied by
 * the caller keyed by query strings and resolved here to the masked types of this schema.
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

/**
 * Resolves `integerWidths` and `typeNames` (both keyed by a member's query string, e.g.
 * `migrate-set-parameters/arg-type/downtime-limit`, union branches as `+value`, arrays looked
 * through). Keys this schema does not have are ignored: the same data may describe another build.
 * @throws TypeError for a width that is not a QAPI integer type.
 */
export function resolveAnnotations(
  lookup: Lookup,
  integerWidths: Readonly<Record<string, string>> | undefined,
  typeNames: Readonly<Record<string, string>> | undefined,
): ResolvedAnnotations {
  const widths = new Map<string, IntegerWidth>();
  const names = new Map<string, string>();
  for (const [path, width] of Object.entries(integerWidths ?? {})) {
    if (!isIntegerWidth(width)) throw new TypeError(`integerWidths['${path}']: '${width}' is not a QAPI integer type`);
    for (const { owner } of membersAt(lookup, path)) widths.set(widthKey(owner.name, memberName(path)), width);
  }
  for (const [path, name] of Object.entries(typeNames ?? {})) {
    if (typeof name !== "string") throw new TypeError(`typeNames['${path}'] is not a string`);
    for (const { type } of membersAt(lookup, path)) {
      const target = lookThroughArrays(lookup, type);
      if (target !== undefined) names.set(target.name, name);
    }
  }
  return { widths, typeNames: names };
}

function memberName(path: string): string {
  const last = path.slice(path.lastIndexOf("/") + 1);
  return /^[a-z]/i.test(last) ? last : last.slice(1);
}

// The object types that own the member a query string ends in, with the member's type.
function membersAt(lookup: Lookup, path: string): { owner: SchemaInfoObject; type: string }[] {
  const cut = path.lastIndexOf("/");
  if (cut <= 0) return [];
  let parent: SchemaInfo | undefined;
  try {
    parent = walkQuery(parseQuery(path.slice(0, cut)), lookup);
  } catch {
    return []; // a malformed key matches nothing
  }
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
