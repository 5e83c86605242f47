/**
 * Readable names for introspection's masked types ("0", "12", "[12]").
 *
 * Names come from where a type is used: `<Command>Arguments`, `<Command>Result`,
 * `<Event>Data` for the roots, then `<Parent><Member>`, `<Union><Case>` and
 * `<Alternate><Kind>` for nested types. Roots are visited in sorted command/event order and
 * nested types breadth-first, so each type is named after its shortest, first use; adding an
 * unrelated command does not rename existing types. A type used by several roots also gets
 * the other root names as aliases ({@link deriveRootAliases}), so adding a command that
 * reuses a type keeps the old root name available even when the new use names the type.
 * @module
 */
import type { NameAlias } from "../ir.js";
import { pascalCase, uniqueName } from "../names.js";
import type { EntryTable } from "./semantics.js";
import type { RawEntry, RawObject } from "./schema-info.js";

/** `true` for the empty object (`"0"` in QEMU): no arguments, or an empty return. */
export function isEmptyObject(entry: RawEntry | undefined): boolean {
  return entry?.["meta-type"] === "object" && entry.members.length === 0 && entry.variants === undefined;
}

/** Entries that become named TypeScript types. */
export function isNamedKind(entry: RawEntry): boolean {
  const meta = entry["meta-type"];
  return meta === "object" || meta === "enum" || meta === "alternate";
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Which part of a command or event a root type is. */
export type RootRole = NameAlias["role"];

/** A command's arguments or result, or an event's data: where root names come from. */
export interface RootUse {
  /** Schema name of the type used (may be an array). */
  readonly type: string;
  /** The name this use proposes: `<Command>Arguments`, `<Command>Result`, `<Event>Data`. */
  readonly proposal: string;
  /** Wire name of the command or event. */
  readonly usedBy: string;
  readonly role: RootRole;
}

/** Every non-empty root use, commands then events, each in sorted order. */
export function rootUses(table: EntryTable): RootUse[] {
  const entries = [...table.byName.values()];
  const sorted = (kind: string): RawEntry[] =>
    entries.filter((e) => e["meta-type"] === kind).sort((a, b) => byCodeUnit(a.name, b.name));
  const uses: RootUse[] = [];
  const add = (type: string, proposal: string, usedBy: string, role: RootRole): void => {
    if (!isEmptyObject(table.byName.get(type))) uses.push({ type, proposal, usedBy, role });
  };
  for (const c of sorted("command")) {
    if (c["meta-type"] !== "command") continue;
    const base = pascalCase(c.name) || "Command";
    add(c["arg-type"], `${base}Arguments`, c.name, "arguments");
    add(c["ret-type"], `${base}Result`, c.name, "result");
  }
  for (const e of sorted("event")) {
    if (e["meta-type"] === "event") add(e["arg-type"], `${pascalCase(e.name) || "Event"}Data`, e.name, "data");
  }
  return uses;
}

/** The named-kind entry a type stands for: itself, or an array's (innermost) element. */
function namedTarget(table: EntryTable, type: string): RawEntry | undefined {
  let entry = table.byName.get(type);
  const seen = new Set<string>();
  while (entry?.["meta-type"] === "array" && !seen.has(entry.name)) {
    seen.add(entry.name);
    entry = table.byName.get(entry["element-type"]);
  }
  return entry && isNamedKind(entry) ? entry : undefined;
}

/**
 * Derives a unique readable name for every named-kind type reachable from a command or event.
 * @param reserved names that must not be used (taken in place).
 * @returns schema name → readable name; unreachable types are absent.
 */
export function deriveNames(table: EntryTable, reserved: Iterable<string> = []): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set(reserved);
  const queue: { type: string; proposal: string }[] = [];

  // Arrays have no name of their own: their element takes the name proposed for the array.
  const enqueue = (type: string, proposal: string): void => {
    const entry = namedTarget(table, type);
    if (entry && !names.has(entry.name)) queue.push({ type: entry.name, proposal });
  };
  for (const use of rootUses(table)) enqueue(use.type, use.proposal);

  for (let i = 0; i < queue.length; i++) {
    const item = queue[i];
    if (!item || names.has(item.type)) continue;
    const name = uniqueName(item.proposal, taken);
    names.set(item.type, name);
    const entry = table.byName.get(item.type);
    if (entry?.["meta-type"] === "object") enqueueObjectChildren(entry, name, table, enqueue);
    if (entry?.["meta-type"] === "alternate") {
      for (const m of entry.members) enqueue(m.type, `${name}${kindWord(table.byName.get(m.type), table)}`);
    }
  }
  return names;
}

/** A further root name of a type that is named after another use. */
export interface RootAlias {
  readonly name: string;
  readonly usedBy: string;
  readonly role: RootRole;
}

/**
 * The root names a shared type does not get: every root use whose proposal differs from the
 * type's name, so `<Command>Result` exists as long as the command does, whichever use names
 * the type. Chosen after all names, in root order; a proposal already taken (by any name or an
 * earlier alias) is skipped, so aliases never rename anything.
 * @param names the result of {@link deriveNames} for the same table and `reserved`.
 * @returns schema name → aliases in root order; types without aliases are absent.
 */
export function deriveRootAliases(
  table: EntryTable,
  names: ReadonlyMap<string, string>,
  reserved: Iterable<string> = [],
): Map<string, RootAlias[]> {
  const taken = new Set([...reserved, ...names.values()]);
  const aliases = new Map<string, RootAlias[]>();
  for (const use of rootUses(table)) {
    const target = namedTarget(table, use.type);
    if (target === undefined || !names.has(target.name) || taken.has(use.proposal)) continue;
    taken.add(use.proposal);
    const list = aliases.get(target.name) ?? [];
    list.push({ name: use.proposal, usedBy: use.usedBy, role: use.role });
    aliases.set(target.name, list);
  }
  return aliases;
}

function enqueueObjectChildren(
  entry: RawObject,
  name: string,
  table: EntryTable,
  enqueue: (type: string, proposal: string) => void,
): void {
  for (const m of entry.members) enqueue(m.type, `${name}${pascalCase(m.name) || "Member"}`);
  // An empty branch adds nothing: it becomes a case without a type, so it needs no name.
  for (const v of entry.variants ?? [])
    if (!isEmptyObject(table.byName.get(v.type))) enqueue(v.type, `${name}${pascalCase(v.case) || "Case"}`);
}

// Alternate branches have no names in introspection; name them by what they are.
function kindWord(entry: RawEntry | undefined, table: EntryTable): string {
  if (entry?.["meta-type"] === "array") return `${kindWord(table.byName.get(entry["element-type"]), table)}List`;
  switch (entry?.["meta-type"]) {
    case "enum":
      return "Enum";
    case "alternate":
      return "Alternate";
    default:
      return "Object";
  }
}
