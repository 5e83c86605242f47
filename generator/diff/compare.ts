/**
 * `qapi-gen diff`: what changed between two `query-qmp-schema` replies, for a client written
 * against OLD that now talks to NEW. One change per command, event, member, branch, enum
 * value or feature, addressed with query-string paths.
 * @module
 */
import type { RawEntry, RawFeatures } from "../introspection/schema-info.js";
import { memberComponent } from "../schema-paths.js";
import type { EntryMap } from "./load.js";
import { jsonKind, placePairs, shape, type Direction, type Pair } from "./pairs.js";

/** One change (the `--json` form). */
export interface SchemaChange {
  readonly change: "added" | "removed" | "changed";
  /** Query-string path, or the command/event name. */
  readonly path: string;
  /** Whether a client of OLD may fail against NEW. */
  readonly breaking: boolean;
  /**
   * What it is: `command`, `event`, `member`, `member (optional)`, `enum value`, `union
   * branch`, `alternate branch`, `feature NAME`, `type feature NAME`, `allow-oob`, or for
   * `changed`: `OLD -> NEW` (a type, `optional -> mandatory`, a union tag).
   */
  readonly detail: string;
}

// Removing these features takes nothing away from a client.
const HARMLESS_FEATURES: ReadonlySet<string> = new Set(["deprecated", "unstable"]);

class Collector {
  readonly changes: SchemaChange[] = [];

  constructor(
    readonly oldMap: EntryMap,
    readonly newMap: EntryMap,
  ) {}

  push(change: SchemaChange["change"], path: string, breaking: boolean, detail: string): void {
    this.changes.push({ change, path, breaking, detail });
  }

  features(path: string, old: RawFeatures, now: RawFeatures, what: "feature" | "type feature"): void {
    const o = new Set(old ?? []);
    const n = new Set(now ?? []);
    for (const f of o) if (!n.has(f)) this.push("removed", path, !HARMLESS_FEATURES.has(f), `${what} ${f}`);
    for (const f of n) if (!o.has(f)) this.push("added", path, false, `${what} ${f}`);
  }

  /** Two references at the same place: only their shapes are compared here. */
  slot(path: string, oldType: string, newType: string): void {
    const a = shape(this.oldMap, oldType);
    const b = shape(this.newMap, newType);
    if (a !== b) this.push("changed", path, true, `${a} -> ${b}`);
  }

  pair(p: Pair, path: string, dirs: ReadonlySet<Direction>): void {
    this.features(path, p.old.features, p.new.features, "type feature");
    const o = p.old;
    const n = p.new;
    if (o["meta-type"] === "enum" && n["meta-type"] === "enum") return this.enumValues(o, n, path);
    if (o["meta-type"] === "alternate" && n["meta-type"] === "alternate") return this.alternate(o, n, path);
    if (o["meta-type"] === "object" && n["meta-type"] === "object") return this.object(o, n, path, dirs);
  }

  enumValues(o: RawEntry & { "meta-type": "enum" }, n: RawEntry & { "meta-type": "enum" }, path: string): void {
    const now = new Set(n.values);
    const before = new Set(o.values);
    for (const v of o.values) if (!now.has(v)) this.push("removed", `${path}/^${v}`, true, "enum value");
    for (const v of n.values) if (!before.has(v)) this.push("added", `${path}/^${v}`, false, "enum value");
    const newFeatures = new Map((n.members ?? []).map((m) => [m.name, m.features]));
    for (const m of o.members ?? [])
      if (now.has(m.name)) this.features(`${path}/^${m.name}`, m.features, newFeatures.get(m.name), "feature");
    const oldNames = new Set((o.members ?? []).map((m) => m.name));
    for (const m of n.members ?? [])
      if (before.has(m.name) && !oldNames.has(m.name)) this.features(`${path}/^${m.name}`, [], m.features, "feature");
  }

  alternate(o: RawEntry & { "meta-type": "alternate" }, n: RawEntry & { "meta-type": "alternate" }, path: string): void {
    const kinds = (e: typeof o, map: EntryMap): Map<string, string> =>
      new Map(e.members.map((b) => [jsonKind(map, b.type), b.type]));
    const ob = kinds(o, this.oldMap);
    const nb = kinds(n, this.newMap);
    for (const [k, t] of ob) {
      const nt = nb.get(k);
      if (nt === undefined) this.push("removed", `${path}/!${k}`, true, "alternate branch");
      else this.slot(`${path}/!${k}`, t, nt);
    }
    for (const k of nb.keys()) if (!ob.has(k)) this.push("added", `${path}/!${k}`, false, "alternate branch");
  }

  object(
    o: RawEntry & { "meta-type": "object" },
    n: RawEntry & { "meta-type": "object" },
    path: string,
    dirs: ReadonlySet<Direction>,
  ): void {
    const send = dirs.has("send");
    const receive = dirs.has("receive");
    const newMembers = new Map(n.members.map((m) => [m.name, m]));
    const oldNames = new Set(o.members.map((m) => m.name));
    for (const m of o.members) {
      const at = `${path}/${memberComponent(m.name)}`;
      const nm = newMembers.get(m.name);
      if (nm === undefined) {
        this.push("removed", at, true, "default" in m ? "member (optional)" : "member");
        continue;
      }
      const wasOptional = "default" in m;
      const isOptional = "default" in nm;
      if (wasOptional && !isOptional) this.push("changed", at, send, "optional -> mandatory");
      if (!wasOptional && isOptional) this.push("changed", at, receive, "mandatory -> optional");
      this.slot(at, m.type, nm.type);
      this.features(at, m.features, nm.features, "feature");
    }
    for (const m of n.members) {
      if (oldNames.has(m.name)) continue;
      const optional = "default" in m;
      this.push("added", `${path}/${memberComponent(m.name)}`, send && !optional, optional ? "member (optional)" : "member");
    }
    const tag = (e: typeof o): string => (e.tag === undefined ? "struct" : `union on ${e.tag}`);
    if (o.tag !== n.tag) {
      this.push("changed", path, true, `${tag(o)} -> ${tag(n)}`);
      return;
    }
    const newCases = new Set((n.variants ?? []).map((v) => v.case));
    const oldCases = new Set((o.variants ?? []).map((v) => v.case));
    for (const v of o.variants ?? []) if (!newCases.has(v.case)) this.push("removed", `${path}/+${v.case}`, true, "union branch");
    for (const v of n.variants ?? []) if (!oldCases.has(v.case)) this.push("added", `${path}/+${v.case}`, false, "union branch");
    const newVariants = new Map((n.variants ?? []).map((v) => [v.case, v.type]));
    for (const v of o.variants ?? []) {
      const nt = newVariants.get(v.case);
      if (nt !== undefined) this.slot(`${path}/+${v.case}`, v.type, nt);
    }
  }

  roots(): void {
    const { oldMap, newMap } = this;
    for (const o of oldMap.values()) {
      const n = newMap.get(o.name);
      const kind = o["meta-type"];
      if (kind !== "command" && kind !== "event") continue;
      if (n === undefined || n["meta-type"] !== kind) {
        this.push("removed", o.name, true, kind);
        continue;
      }
      this.features(o.name, o.features, n.features, "feature");
      this.slot(`${o.name}/arg-type`, o["arg-type"], n["arg-type"]);
      if (o["meta-type"] === "command" && n["meta-type"] === "command") {
        this.slot(`${o.name}/ret-type`, o["ret-type"], n["ret-type"]);
        const before = o["allow-oob"] === true;
        const after = n["allow-oob"] === true;
        if (before !== after) this.push(after ? "added" : "removed", o.name, before, "allow-oob");
      }
    }
    for (const n of newMap.values()) {
      const kind = n["meta-type"];
      if ((kind === "command" || kind === "event") && oldMap.get(n.name)?.["meta-type"] !== kind)
        this.push("added", n.name, false, kind);
    }
  }
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const SIGN_ORDER: Readonly<Record<SchemaChange["change"], number>> = { removed: 0, changed: 1, added: 2 };

/**
 * Compares two schemas (entries by name, as `loadSchemaEntries` returns them).
 * @returns the changes, sorted by path (component by component), removals first.
 */
export function diffSchemas(oldMap: EntryMap, newMap: EntryMap): SchemaChange[] {
  const c = new Collector(oldMap, newMap);
  c.roots();
  for (const place of placePairs(oldMap, newMap)) c.pair(place.pair, place.path, place.directions);
  const key = (ch: SchemaChange): string => ch.path.split("/").join("\u0000");
  return c.changes
    .map((ch, i) => ({ ch, i }))
    .sort((a, b) => byCodeUnit(key(a.ch), key(b.ch)) || SIGN_ORDER[a.ch.change] - SIGN_ORDER[b.ch.change] || a.i - b.i)
    .map(({ ch }) => ch);
}
