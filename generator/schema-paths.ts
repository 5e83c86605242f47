/**
 * Query-string paths (libvirt's syntax, see README "Real type names") for the types of a
 * `query-qmp-schema` reply: masked type names differ between builds, the place a type is
 * used does not.
 *
 * The canonical path of a named type is its shortest use, ties broken by comparing the
 * components in code-unit order: `COMMAND/arg-type`, `COMMAND/ret-type`, `EVENT/arg-type`,
 * then `/member` per object member and `/+case` per union branch, arrays looked through.
 * Alternates are looked through too: a type reached only as an alternate's branch shares
 * the alternate's path and is told apart by a `|object`, `|enum` or `|array` suffix (its
 * key), while its members still extend the plain path. The order of entries, members and
 * branches in the reply does not matter.
 * @module
 */
import type { RawEntry } from "./introspection/schema-info.js";

/** Where a named type is first used. */
export interface TypePath {
  /** The query-string path, e.g. `blockdev-add/arg-type/+file`. Paths of its members extend this. */
  readonly path: string;
  /** `path`, or `path|object` (`|enum`, `|array`) for a type reached only as an alternate's branch. */
  readonly key: string;
}

/** A member name as a path component: names not starting with a letter get one leading space. */
export function memberComponent(name: string): string {
  return /^[A-Za-z]/.test(name) ? name : ` ${name}`;
}

/** The named type behind a reference (arrays looked through), and whether an array was crossed. */
export function namedTarget(
  byName: ReadonlyMap<string, RawEntry>,
  type: string,
): { readonly entry: RawEntry; readonly array: boolean } | undefined {
  let entry = byName.get(type);
  let array = false;
  for (let hops = 0; entry?.["meta-type"] === "array" && hops < byName.size; hops++) {
    array = true;
    entry = byName.get(entry["element-type"]);
  }
  const meta = entry?.["meta-type"];
  return entry && (meta === "object" || meta === "enum" || meta === "alternate") ? { entry, array } : undefined;
}

interface Candidate {
  /** Components joined with NUL (sorts component by component), then `\u0001marker`. */
  readonly order: string;
  readonly components: readonly string[];
  readonly marker: string | undefined;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The canonical path of every named type (object, enum, alternate) reachable from a command
 * or event.
 * @returns masked type name → its path; unreachable types are absent.
 */
export function canonicalTypePaths(byName: ReadonlyMap<string, RawEntry>): Map<string, TypePath> {
  const done = new Map<string, TypePath>();
  const offer = (level: Map<string, Candidate>, type: string, components: readonly string[], marker?: string): boolean => {
    const target = namedTarget(byName, type);
    if (target === undefined || done.has(target.entry.name)) return false;
    const mark = marker === undefined ? undefined : target.array ? "array" : marker;
    const order = components.join("\0") + (mark === undefined ? "" : `\u0001${mark}`);
    const seen = level.get(target.entry.name);
    if (seen !== undefined && byCodeUnit(seen.order, order) <= 0) return false;
    level.set(target.entry.name, { order, components, marker: mark });
    return true;
  };

  let level = new Map<string, Candidate>();
  for (const entry of byName.values()) {
    if (entry["meta-type"] === "command") {
      offer(level, entry["arg-type"], [entry.name, "arg-type"]);
      offer(level, entry["ret-type"], [entry.name, "ret-type"]);
    } else if (entry["meta-type"] === "event") offer(level, entry["arg-type"], [entry.name, "arg-type"]);
  }
  while (level.size > 0) {
    // Alternates add no component: their branches belong to the same level.
    const pending = [...level.keys()];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      const entry = byName.get(name);
      const at = level.get(name);
      if (entry?.["meta-type"] !== "alternate" || at === undefined) continue;
      for (const branch of entry.members) {
        const kind = byName.get(branch.type)?.["meta-type"] === "enum" ? "enum" : "object";
        if (offer(level, branch.type, at.components, kind)) {
          const target = namedTarget(byName, branch.type);
          if (target) pending.push(target.entry.name);
        }
      }
    }
    for (const [name, c] of level) {
      const path = c.components.join("/");
      done.set(name, { path, key: c.marker === undefined ? path : `${path}|${c.marker}` });
    }
    const next = new Map<string, Candidate>();
    for (const [name, c] of level) {
      const entry = byName.get(name);
      if (entry?.["meta-type"] !== "object") continue;
      for (const m of entry.members) offer(next, m.type, [...c.components, memberComponent(m.name)]);
      for (const v of entry.variants ?? []) offer(next, v.type, [...c.components, `+${v.case}`]);
    }
    level = next;
  }
  return done;
}
