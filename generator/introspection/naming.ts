/**
 * Readable names for introspection's masked types ("0", "12", "[12]").
 *
 * Names come from where a type is used: `<Command>Arguments`, `<Command>Result`,
 * `<Event>Data` for the roots, then `<Parent><Member>`, `<Union><Case>` and
 * `<Alternate><Kind>` for nested types. Roots are visited in sorted command/event order and
 * nested types breadth-first, so each type is named after its shortest, first use; adding an
 * unrelated command does not rename existing types.
 * @module
 */
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
    let entry = table.byName.get(type);
    const seen = new Set<string>();
    while (entry?.["meta-type"] === "array" && !seen.has(entry.name)) {
      seen.add(entry.name);
      entry = table.byName.get(entry["element-type"]);
    }
    if (entry && isNamedKind(entry) && !names.has(entry.name)) queue.push({ type: entry.name, proposal });
  };

  const entries = [...table.byName.values()];
  const commands = entries.filter((e) => e["meta-type"] === "command").sort((a, b) => byCodeUnit(a.name, b.name));
  const events = entries.filter((e) => e["meta-type"] === "event").sort((a, b) => byCodeUnit(a.name, b.name));
  for (const c of commands) {
    if (c["meta-type"] !== "command") continue;
    const base = pascalCase(c.name) || "Command";
    if (!isEmptyObject(table.byName.get(c["arg-type"]))) enqueue(c["arg-type"], `${base}Arguments`);
    if (!isEmptyObject(table.byName.get(c["ret-type"]))) enqueue(c["ret-type"], `${base}Result`);
  }
  for (const e of events) {
    if (e["meta-type"] !== "event") continue;
    if (!isEmptyObject(table.byName.get(e["arg-type"]))) enqueue(e["arg-type"], `${pascalCase(e.name) || "Event"}Data`);
  }

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
