/**
 * Pairs of types, one from each schema, found at the same place: masked names differ between
 * builds, so types are matched through their uses (command arguments and results, event
 * data, then members by name, union branches by case, alternate branches by JSON kind).
 * @module
 */
import type { RawEntry } from "../introspection/schema-info.js";
import { memberComponent } from "../schema-paths.js";
import type { EntryMap } from "./load.js";

/** Which way values travel at a place: sent by the client, or received by it. */
export type Direction = "send" | "receive";

/** Two named types (object, enum, alternate) at the same place. */
export interface Pair {
  readonly old: RawEntry;
  readonly new: RawEntry;
}

/** A matched child of a pair: the component it adds to the path (none for alternate branches). */
export interface ChildPair {
  readonly pair: Pair;
  readonly component: string | undefined;
}

/** The JSON kind of a type for alternates and `!kind` components: libvirt's names plus object, array. */
export function jsonKind(map: EntryMap, type: string): string {
  const e = map.get(type);
  switch (e?.["meta-type"]) {
    case "builtin":
      return e["json-type"];
    case "enum":
      return "string";
    case "array":
      return "array";
    case "object":
      return "object";
    default:
      return "value";
  }
}

const BUILTIN_NAMES: Readonly<Record<string, string>> = {
  string: "str",
  int: "int",
  number: "number",
  boolean: "bool",
  null: "null",
  value: "any",
  object: "any",
  array: "any",
};

/** What a type looks like without its masked name: `int`, `str`, `enum`, `object`, `[object]`, ... */
export function shape(map: EntryMap, type: string, depth = 0): string {
  const e = map.get(type);
  if (e === undefined) return "?";
  switch (e["meta-type"]) {
    case "builtin":
      return BUILTIN_NAMES[e["json-type"]] ?? "any";
    case "array":
      return depth > 16 ? "[?]" : `[${shape(map, e["element-type"], depth + 1)}]`;
    default:
      return e["meta-type"];
  }
}

/** The named entry behind a reference (arrays looked through). */
function named(map: EntryMap, type: string): RawEntry | undefined {
  let e = map.get(type);
  for (let hops = 0; e?.["meta-type"] === "array" && hops < 64; hops++) e = map.get(e["element-type"]);
  const meta = e?.["meta-type"];
  return meta === "object" || meta === "enum" || meta === "alternate" ? e : undefined;
}

/** The pair two references of the same shape lead to, if they are named types. */
export function pairOf(oldMap: EntryMap, newMap: EntryMap, oldType: string, newType: string): Pair | undefined {
  if (shape(oldMap, oldType) !== shape(newMap, newType)) return undefined;
  const o = named(oldMap, oldType);
  const n = named(newMap, newType);
  return o && n ? { old: o, new: n } : undefined;
}

/** Identity of a pair. */
export const pairKey = (p: Pair): string => `${p.old.name}\u0000${p.new.name}`;

/** The matched children of a pair whose contents are compared further. */
export function childPairs(oldMap: EntryMap, newMap: EntryMap, p: Pair): ChildPair[] {
  const out: ChildPair[] = [];
  const add = (o: string, n: string, component: string | undefined): void => {
    const pair = pairOf(oldMap, newMap, o, n);
    if (pair) out.push({ pair, component });
  };
  if (p.old["meta-type"] === "object" && p.new["meta-type"] === "object") {
    const newMembers = new Map(p.new.members.map((m) => [m.name, m]));
    for (const m of p.old.members) {
      const nm = newMembers.get(m.name);
      if (nm) add(m.type, nm.type, memberComponent(m.name));
    }
    if (p.old.tag !== undefined && p.old.tag === p.new.tag) {
      const newCases = new Map((p.new.variants ?? []).map((v) => [v.case, v.type]));
      for (const v of p.old.variants ?? []) {
        const nt = newCases.get(v.case);
        if (nt !== undefined) add(v.type, nt, `+${v.case}`);
      }
    }
  } else if (p.old["meta-type"] === "alternate" && p.new["meta-type"] === "alternate") {
    const newBranches = new Map(p.new.members.map((b) => [jsonKind(newMap, b.type), b.type]));
    for (const b of p.old.members) {
      const nt = newBranches.get(jsonKind(oldMap, b.type));
      if (nt !== undefined) add(b.type, nt, undefined);
    }
  }
  return out;
}

/** A command's or event's root pairs with their path prefixes and direction. */
export interface RootPair {
  readonly pair: Pair;
  readonly components: readonly string[];
  readonly direction: Direction;
}

/** Every root pair: arguments (send), results and event data (receive). */
export function rootPairs(oldMap: EntryMap, newMap: EntryMap): RootPair[] {
  const out: RootPair[] = [];
  for (const o of oldMap.values()) {
    const n = newMap.get(o.name);
    if (o["meta-type"] === "command" && n?.["meta-type"] === "command") {
      const args = pairOf(oldMap, newMap, o["arg-type"], n["arg-type"]);
      if (args) out.push({ pair: args, components: [o.name, "arg-type"], direction: "send" });
      const ret = pairOf(oldMap, newMap, o["ret-type"], n["ret-type"]);
      if (ret) out.push({ pair: ret, components: [o.name, "ret-type"], direction: "receive" });
    } else if (o["meta-type"] === "event" && n?.["meta-type"] === "event") {
      const data = pairOf(oldMap, newMap, o["arg-type"], n["arg-type"]);
      if (data) out.push({ pair: data, components: [o.name, "arg-type"], direction: "receive" });
    }
  }
  return out;
}

/** Where each pair is first reached (shortest path, then code-unit order) and which ways its values travel. */
export interface PairPlace {
  readonly pair: Pair;
  readonly path: string;
  readonly directions: ReadonlySet<Direction>;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Every reachable pair at its canonical path, in path order, with its directions. */
export function placePairs(oldMap: EntryMap, newMap: EntryMap): PairPlace[] {
  const roots = rootPairs(oldMap, newMap);
  const children = new Map<string, ChildPair[]>();
  const childrenOf = (p: Pair): ChildPair[] => {
    const key = pairKey(p);
    let list = children.get(key);
    if (list === undefined) children.set(key, (list = childPairs(oldMap, newMap, p)));
    return list;
  };
  // Directions: everything reachable from a root carries the root's direction.
  const directions = new Map<string, Set<Direction>>();
  for (const dir of ["send", "receive"] as const) {
    const stack = roots.filter((r) => r.direction === dir).map((r) => r.pair);
    for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
      const set = directions.get(pairKey(p)) ?? new Set<Direction>();
      if (set.has(dir)) continue;
      set.add(dir);
      directions.set(pairKey(p), set);
      for (const c of childrenOf(p)) stack.push(c.pair);
    }
  }
  // Paths: level by level; alternate branches stay on their alternate's level.
  const done = new Map<string, { pair: Pair; components: readonly string[] }>();
  const order: string[] = [];
  let level = new Map<string, { pair: Pair; components: readonly string[]; sort: string }>();
  const offer = (into: typeof level, pair: Pair, components: readonly string[], branch: boolean): boolean => {
    const key = pairKey(pair);
    if (done.has(key)) return false;
    const sort = components.join("\u0000") + (branch ? "\u0001" : "");
    const seen = into.get(key);
    if (seen && byCodeUnit(seen.sort, sort) <= 0) return false;
    into.set(key, { pair, components, sort });
    return true;
  };
  for (const r of roots) offer(level, r.pair, r.components, false);
  while (level.size > 0) {
    const pending = [...level.values()];
    for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
      if (item.pair.old["meta-type"] !== "alternate") continue;
      for (const c of childrenOf(item.pair)) {
        if (offer(level, c.pair, item.components, true)) pending.push(level.get(pairKey(c.pair)) ?? item);
      }
    }
    const sorted = [...level.entries()].sort(([, a], [, b]) => byCodeUnit(a.sort, b.sort));
    for (const [key, item] of sorted) {
      done.set(key, item);
      order.push(key);
    }
    const next: typeof level = new Map();
    for (const [, item] of sorted) {
      for (const c of childrenOf(item.pair))
        if (c.component !== undefined) offer(next, c.pair, [...item.components, c.component], false);
    }
    level = next;
  }
  return order.map((key) => {
    const item = done.get(key) as { pair: Pair; components: readonly string[] };
    return { pair: item.pair, path: item.components.join("/"), directions: directions.get(key) ?? new Set() };
  });
}
