/**
 * Follows the paths of names data in a (possibly different) build's schema: a type keeps its
 * real name as long as the place it was first used at still exists, even when another
 * command now reaches it first.
 * @module
 */
import type { RawEntry } from "../introspection/schema-info.js";
import { namedTarget } from "../schema-paths.js";

type Entries = ReadonlyMap<string, RawEntry>;

/** The object branch of an alternate (members are looked up there), or the entry itself. */
function throughAlternate(byName: Entries, entry: RawEntry): RawEntry {
  if (entry["meta-type"] !== "alternate") return entry;
  for (const b of entry.members) {
    const target = namedTarget(byName, b.type);
    if (target?.entry["meta-type"] === "object" && !target.array) return target.entry;
  }
  return entry;
}

/** The type a component leads to from `entry`: `+case` a union branch, otherwise a member. */
function step(byName: Entries, entry: RawEntry, component: string): string | undefined {
  const owner = throughAlternate(byName, entry);
  if (owner["meta-type"] !== "object") return undefined;
  if (component.startsWith("+")) return owner.variants?.find((v) => v.case === component.slice(1))?.type;
  const name = component.startsWith(" ") ? component.slice(1) : component;
  return owner.members.find((m) => m.name === name)?.type;
}

/** The type reference at `COMMAND/arg-type|ret-type/...` or `EVENT/arg-type/...`. */
export function refAt(byName: Entries, components: readonly string[]): string | undefined {
  const [root, role, ...rest] = components;
  const entry = root === undefined ? undefined : byName.get(root);
  let ref: string | undefined;
  if (entry?.["meta-type"] === "command" && (role === "arg-type" || role === "ret-type")) ref = entry[role];
  else if (entry?.["meta-type"] === "event" && role === "arg-type") ref = entry["arg-type"];
  for (const component of rest) {
    const at = ref === undefined ? undefined : namedTarget(byName, ref);
    ref = at === undefined ? undefined : step(byName, at.entry, component);
  }
  return ref;
}

/**
 * The named type a type key (`PATH` or `PATH|object`, `|enum`, `|array`) stands for.
 * @returns its masked name, or `undefined` when the path does not exist in this schema.
 */
export function resolveTypeKey(byName: Entries, key: string): string | undefined {
  const bar = key.lastIndexOf("|");
  const marker = bar < 0 ? undefined : key.slice(bar + 1);
  const ref = refAt(byName, (bar < 0 ? key : key.slice(0, bar)).split("/"));
  const at = ref === undefined ? undefined : namedTarget(byName, ref);
  if (at === undefined || marker === undefined) return at?.entry.name;
  if (at.entry["meta-type"] !== "alternate") return undefined;
  for (const b of at.entry.members) {
    const branch = namedTarget(byName, b.type);
    const kind = branch?.array ? "array" : branch?.entry["meta-type"];
    if (branch !== undefined && kind === marker) return branch.entry.name;
  }
  return undefined;
}
