/**
 * libvirt's query strings over an introspected schema:
 * `COMMAND_OR_EVENT/arg-type|ret-type/member/.../+branch/...` with an optional last test
 * `^enum-value` (then optionally `/$feature` of that value), `!json-type` or `$feature`.
 * @module
 */
import type { SchemaInfo, SchemaInfoEnum } from "./schema-info.js";

/** One component after the first. */
export type QueryStep =
  | { readonly kind: "member"; readonly name: string; readonly optional: boolean }
  | { readonly kind: "branch"; readonly name: string }
  | { readonly kind: "enum-value"; readonly name: string }
  | { readonly kind: "json-type"; readonly name: string }
  | { readonly kind: "feature"; readonly name: string };

/** A parsed query string. */
export interface ParsedQuery {
  /** The entry the walk starts at: a command or event (or any entry by its masked name). */
  readonly head: string;
  readonly steps: readonly QueryStep[];
}

export type Lookup = (name: string) => SchemaInfo | undefined;

const TESTS: Readonly<Record<string, QueryStep["kind"]>> = { "^": "enum-value", "!": "json-type", $: "feature" };

/**
 * Parses a query string.
 * @throws TypeError when it is malformed: empty, an empty component, or a test (`^`, `!`, `$`)
 * that is not last (only `^value/$feature` may follow each other).
 */
export function parseQuery(query: string): ParsedQuery {
  if (typeof query !== "string") throw new TypeError(`a schema query is a string, got ${typeof query}`);
  if (query === "") throw new TypeError("malformed schema query: empty");
  const [head = "", ...parts] = query.split("/");
  const steps = parts.map((part): QueryStep => {
    const modifier = part.charAt(0);
    const name = part.slice(1);
    if (part === "" || (name === "" && !/[a-z]/i.test(modifier))) {
      throw new TypeError(`malformed schema query '${query}': empty component`);
    }
    const test = TESTS[modifier];
    if (test !== undefined) return { kind: test, name } as QueryStep;
    if (modifier === "+") return { kind: "branch", name };
    if (modifier === "*") return { kind: "member", name, optional: true };
    // Like libvirt: a name starting with a non-letter is written after one extra character (a space).
    return { kind: "member", name: /[a-z]/i.test(modifier) ? part : name, optional: false };
  });
  if (head === "") throw new TypeError(`malformed schema query '${query}': empty component`);
  steps.forEach((step, i) => {
    if (step.kind === "member" || step.kind === "branch" || i === steps.length - 1) return;
    const next = steps[i + 1];
    const valueFeature = step.kind === "enum-value" && next?.kind === "feature" && i + 1 === steps.length - 1;
    if (!valueFeature) throw new TypeError(`malformed schema query '${query}': a test must be the last component`);
  });
  return { head, steps };
}

// Deeper than any real schema; only a malformed (cyclic) schema gets here.
const MAX_DEPTH = 1000;

/**
 * Walks a parsed query from its head. Returns the entry reached when the query matches
 * (for a final test: the enum, builtin, command, event or object that passed it), else undefined.
 */
export function walkQuery(parsed: ParsedQuery, lookup: Lookup): SchemaInfo | undefined {
  const head = lookup(parsed.head);
  return head === undefined ? undefined : walk(head, parsed.steps, 0, lookup, 0, new Set());
}

// `tried` holds each (entry, step) already walked: the answer from there is the same every time,
// and it was no match, or the walk is still inside it (a cycle of arrays or alternates). Without
// it a malformed schema's cyclic alternates make the search exponential.
function walk(
  entry: SchemaInfo,
  steps: readonly QueryStep[],
  i: number,
  lookup: Lookup,
  depth: number,
  tried: Set<string>,
): SchemaInfo | undefined {
  const step = steps[i];
  if (step === undefined) return entry;
  if (depth > MAX_DEPTH) return undefined;
  const key = `${i}\u0000${entry.name}`;
  if (tried.has(key)) return undefined;
  tried.add(key);
  const into = (name: string | undefined, next: number) => {
    const target = name === undefined ? undefined : lookup(name);
    return target === undefined ? undefined : walk(target, steps, next, lookup, depth + 1, tried);
  };
  switch (entry["meta-type"]) {
    case "array":
      return into(entry["element-type"], i); // arrays are looked through
    case "alternate":
      for (const branch of entry.members) {
        const reached = into(branch.type, i);
        if (reached !== undefined) return reached;
      }
      return undefined;
    case "command":
    case "event":
      if (step.kind === "feature") return hasFeature(entry.features, step.name) ? entry : undefined;
      if (step.kind !== "member" || step.optional) return undefined;
      if (step.name === "arg-type") return into(entry["arg-type"], i + 1);
      if (step.name === "ret-type" && entry["meta-type"] === "command") return into(entry["ret-type"], i + 1);
      return undefined;
    case "object":
      if (step.kind === "feature") return hasFeature(entry.features, step.name) ? entry : undefined;
      if (step.kind === "branch") return into(entry.variants?.find((v) => v.case === step.name)?.type, i + 1);
      if (step.kind !== "member") return undefined;
      {
        const member = entry.members.find((m) => m.name === step.name);
        if (member === undefined || (step.optional && !("default" in member))) return undefined;
        return into(member.type, i + 1);
      }
    case "enum":
      return step.kind === "enum-value" ? testEnumValue(entry, step.name, steps[i + 1]) : undefined;
    case "builtin":
      return step.kind === "json-type" && entry["json-type"] === step.name ? entry : undefined;
  }
}

function testEnumValue(entry: SchemaInfoEnum, value: string, featureStep: QueryStep | undefined): SchemaInfo | undefined {
  if (featureStep === undefined) return entry.values.includes(value) ? entry : undefined;
  const member = entry.members?.find((m) => m.name === value);
  return member !== undefined && hasFeature(member.features, featureStep.name) ? entry : undefined;
}

function hasFeature(features: readonly string[] | undefined, name: string): boolean {
  return features?.includes(name) ?? false;
}
