/**
 * Semantic checks on structurally valid SchemaInfo entries: unique names, references that
 * resolve to the right kind of entry, consistent unions, no cycles that would make an
 * infinite type.
 * @module
 */
import type { RawEntry, RawObject } from "./schema-info.js";
import { describeEntry, SchemaValidationError } from "./validate.js";

/** Entries by name, with their position in the input for messages. */
export interface EntryTable {
  readonly byName: ReadonlyMap<string, RawEntry>;
  readonly indexOf: ReadonlyMap<string, number>;
}

/**
 * Indexes entries by name and checks their references.
 * @throws SchemaValidationError listing every problem found.
 */
export function checkSemantics(entries: readonly RawEntry[]): EntryTable {
  const problems: string[] = [];
  const byName = new Map<string, RawEntry>();
  const indexOf = new Map<string, number>();
  entries.forEach((entry, index) => {
    const first = indexOf.get(entry.name);
    if (first !== undefined) {
      problems.push(`${describeEntry(index, entry)}: duplicate name, first defined by entry ${first}`);
      return;
    }
    byName.set(entry.name, entry);
    indexOf.set(entry.name, index);
  });

  entries.forEach((entry, index) => {
    if (byName.get(entry.name) !== entry) return;
    const report = (msg: string): void => {
      problems.push(`${describeEntry(index, entry)}: ${msg}`);
    };
    const resolve: Resolve = (field, ref, want) => {
      const target = byName.get(ref);
      if (!target) report(`${field} refers to unknown type ${JSON.stringify(ref)}`);
      else if (want === "type" ? !isType(target) : target["meta-type"] !== want)
        report(`${field} refers to ${JSON.stringify(ref)}, ${article(target["meta-type"])}, but must be ${article(want)}`);
      return target;
    };
    switch (entry["meta-type"]) {
      case "array":
        resolve('"element-type"', entry["element-type"], "type");
        break;
      case "alternate":
        entry.members.forEach((m, i) => resolve(`"members"[${i}].type`, m.type, "type"));
        break;
      case "command":
        resolve('"arg-type"', entry["arg-type"], "object");
        resolve('"ret-type"', entry["ret-type"], "type");
        break;
      case "event":
        resolve('"arg-type"', entry["arg-type"], "object");
        break;
      case "enum":
        checkUnique(entry.values, "enum value", report);
        break;
      case "object":
        checkObject(entry, byName, report, resolve);
        break;
      case "builtin":
        break;
    }
  });
  if (problems.length === 0) problems.push(...findCycles(entries, byName, indexOf));
  if (problems.length > 0) throw new SchemaValidationError(problems);
  return { byName, indexOf };
}

/** What a reference must name: a particular kind of entry, or any type (not a command or event). */
type Wanted = RawEntry["meta-type"] | "type";

/** Resolver of one entry's references; reports and returns `undefined` for unknown names. */
type Resolve = (field: string, ref: string, want: Wanted) => RawEntry | undefined;

function isType(entry: RawEntry): boolean {
  return entry["meta-type"] !== "command" && entry["meta-type"] !== "event";
}

function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? "an" : "a"} ${word}`;
}

function checkUnique(names: readonly string[], what: string, report: (msg: string) => void): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) report(`duplicate ${what} ${JSON.stringify(n)}`);
    seen.add(n);
  }
}

function checkObject(
  entry: RawObject,
  byName: ReadonlyMap<string, RawEntry>,
  report: (msg: string) => void,
  resolve: Resolve,
): void {
  checkUnique(
    entry.members.map((m) => m.name),
    "member",
    report,
  );
  entry.members.forEach((m, i) => resolve(`"members"[${i}].type`, m.type, "type"));
  if (entry.tag === undefined || entry.variants === undefined) return;
  const tag = entry.members.find((m) => m.name === entry.tag);
  if (!tag) {
    report(`"tag" ${JSON.stringify(entry.tag)} is not a member`);
    return;
  }
  const tagType = byName.get(tag.type);
  if (!tagType) return;
  if (tagType["meta-type"] !== "enum") {
    report(`"tag" member ${JSON.stringify(entry.tag)} must have an enum type, not a ${tagType["meta-type"]}`);
    return;
  }
  if ("default" in tag) report(`"tag" member ${JSON.stringify(entry.tag)} must not be optional`);
  checkUnique(
    entry.variants.map((v) => v.case),
    "variant case",
    report,
  );
  entry.variants.forEach((v, i) => {
    if (!tagType.values.includes(v.case))
      report(`"variants"[${i}].case ${JSON.stringify(v.case)} is not a value of the tag's enum`);
    resolve(`"variants"[${i}].type`, v.type, "object");
  });
}

// Edges that inline a type into another without an object member in between. A cycle made
// only of these would be an infinite type (members may recurse: ImageInfo.backing-image).
function inlineEdges(entry: RawEntry): string[] {
  switch (entry["meta-type"]) {
    case "array":
      return [entry["element-type"]];
    case "alternate":
      return entry.members.map((m) => m.type);
    case "object":
      return (entry.variants ?? []).map((v) => v.type);
    default:
      return [];
  }
}

function findCycles(
  entries: readonly RawEntry[],
  byName: ReadonlyMap<string, RawEntry>,
  indexOf: ReadonlyMap<string, number>,
): string[] {
  const state = new Map<string, "active" | "done">();
  const problems: string[] = [];
  const visit = (name: string, path: string[]): void => {
    const s = state.get(name);
    if (s === "done") return;
    if (s === "active") {
      const cycle = [...path.slice(path.indexOf(name)), name].map((n) => JSON.stringify(n)).join(" -> ");
      const entry = byName.get(name);
      problems.push(`${describeEntry(indexOf.get(name) ?? -1, entry)}: type cycle ${cycle}`);
      return;
    }
    state.set(name, "active");
    const entry = byName.get(name);
    if (entry) for (const next of inlineEdges(entry)) visit(next, [...path, name]);
    state.set(name, "done");
  };
  for (const e of entries) visit(e.name, []);
  return problems;
}
