/**
 * Applies names data to an introspection IR: real QAPI names for the types the data knows
 * (found by following their paths, never by their masked names), integer widths, and
 * `<Command>Arguments` / `<Command>Result` / `<Event>Data` aliases for every root use whose
 * type now has another name.
 * @module
 */
import type { RawEntry } from "../introspection/schema-info.js";
import type { IntegerBuiltin, NameAlias, NamedType, Schema, TypeRef } from "../ir.js";
import { pascalCase, uniqueName } from "../names.js";
import { namedTarget } from "../schema-paths.js";
import type { NamesData } from "./format.js";
import { refAt, resolveTypeKey } from "./resolve.js";

/** Result of {@link applyNamesData}. */
export interface AppliedNames {
  readonly schema: Schema;
  /** Type keys of the data that matched no type of this schema (another QEMU build). */
  readonly unresolved: readonly string[];
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `int` (through arrays) replaced by `width`; anything else unchanged. */
function widen(ref: TypeRef, width: IntegerBuiltin | undefined): TypeRef {
  if (width === undefined) return ref;
  if (ref.kind === "array") return { kind: "array", element: widen(ref.element, width) };
  return ref.kind === "builtin" && ref.name === "int" ? { kind: "builtin", name: width } : ref;
}

/** The named type a root reference stands for (arrays looked through). */
function rootTarget(ref: TypeRef | undefined): string | undefined {
  if (ref === undefined) return undefined;
  return ref.kind === "array" ? rootTarget(ref.element) : ref.kind === "named" ? ref.name : undefined;
}

/** Every root use, commands then events, each sorted: the order aliases are chosen in. */
function rootUses(schema: Schema): { type: string; proposal: string; usedBy: string; role: NameAlias["role"] }[] {
  const uses: { type: string; proposal: string; usedBy: string; role: NameAlias["role"] }[] = [];
  const add = (ref: TypeRef | undefined, proposal: string, usedBy: string, role: NameAlias["role"]): void => {
    const type = rootTarget(ref);
    if (type !== undefined) uses.push({ type, proposal, usedBy, role });
  };
  for (const c of [...schema.commands].sort((a, b) => byCodeUnit(a.name, b.name))) {
    const base = pascalCase(c.name) || "Command";
    add(c.args, `${base}Arguments`, c.name, "arguments");
    add(c.returns, `${base}Result`, c.name, "result");
  }
  for (const e of [...schema.events].sort((a, b) => byCodeUnit(a.name, b.name)))
    add(e.data, `${pascalCase(e.name) || "Event"}Data`, e.name, "data");
  return uses;
}

// Shortest paths first, then code-unit order: a canonical key wins over a longer one.
const byDepth = (a: string, b: string): number => a.split("/").length - b.split("/").length || byCodeUnit(a, b);

/** Where the widths of names data land in this schema, by masked name. */
interface WidthTargets {
  readonly members: Map<string, Map<string, IntegerBuiltin>>;
  readonly alternates: Map<string, IntegerBuiltin>;
  readonly results: Map<string, IntegerBuiltin>;
}

function widthTargets(byName: ReadonlyMap<string, RawEntry>, widths: NamesData["widths"]): WidthTargets {
  const targets: WidthTargets = { members: new Map(), alternates: new Map(), results: new Map() };
  for (const [path, width] of Object.entries(widths)) {
    const components = path.split("/");
    if (components.length === 2 && components[1] === "ret-type") {
      targets.results.set(components[0] ?? "", width);
      continue;
    }
    const member = components.pop() ?? "";
    const ownerRef = refAt(byName, components);
    let owner = ownerRef === undefined ? undefined : namedTarget(byName, ownerRef)?.entry;
    if (owner?.["meta-type"] === "alternate")
      owner = owner.members.map((b) => namedTarget(byName, b.type)).find((t) => t?.entry["meta-type"] === "object")?.entry;
    if (owner?.["meta-type"] !== "object") continue;
    const name = member.startsWith(" ") ? member.slice(1) : member;
    const m = owner.members.find((x) => x.name === name);
    if (m === undefined) continue;
    const list = targets.members.get(owner.name) ?? new Map<string, IntegerBuiltin>();
    list.set(name, width);
    targets.members.set(owner.name, list);
    // The path of an alternate is that of its first use: the width is its integer branch's.
    const alternate = namedTarget(byName, m.type)?.entry;
    if (alternate?.["meta-type"] === "alternate") targets.alternates.set(alternate.name, width);
  }
  return targets;
}

/**
 * @param schema - an introspection IR (types carry their masked `schemaName`).
 * @param byName - the same schema's raw entries by masked name.
 */
export function applyNamesData(schema: Schema, byName: ReadonlyMap<string, RawEntry>, data: NamesData): AppliedNames {
  const realByMask = new Map<string, string>();
  const unresolved: string[] = [];
  for (const key of Object.keys(data.types).sort(byDepth)) {
    const masked = resolveTypeKey(byName, key);
    const real = data.types[key];
    if (masked === undefined || real === undefined) unresolved.push(key);
    else if (!realByMask.has(masked)) realByMask.set(masked, real);
  }
  const taken = new Set<string>();
  const rename = new Map<string, string>();
  for (const t of schema.types) {
    const real = realByMask.get(t.schemaName);
    if (real !== undefined) rename.set(t.name, uniqueName(real, taken));
  }
  for (const t of schema.types) if (!rename.has(t.name)) rename.set(t.name, uniqueName(t.name, taken));
  const widths = widthTargets(byName, data.widths);

  const ref = (r: TypeRef): TypeRef =>
    r.kind === "named"
      ? { kind: "named", name: rename.get(r.name) ?? r.name }
      : r.kind === "array"
        ? { kind: "array", element: ref(r.element) }
        : r;
  const optRef = (r: TypeRef | undefined): TypeRef | undefined => (r === undefined ? undefined : ref(r));

  const renamed: Schema = {
    ...schema,
    commands: schema.commands.map((c) => ({
      ...c,
      args: optRef(c.args),
      returns: optRef(c.returns === undefined ? undefined : widen(c.returns, widths.results.get(c.name))),
    })),
    events: schema.events.map((e) => ({ ...e, data: optRef(e.data) })),
    types: schema.types.map((t): NamedType => {
      const memberWidths = widths.members.get(t.schemaName);
      const base = { name: rename.get(t.name) ?? t.name, aliases: undefined };
      switch (t.kind) {
        case "enum":
          return { ...t, ...base };
        case "alternate":
          return {
            ...t,
            ...base,
            branches: t.branches.map((b) => ({ ...b, type: ref(widen(b.type, widths.alternates.get(t.schemaName))) })),
          };
        case "object":
          return {
            ...t,
            ...base,
            members: t.members.map((m) => ({ ...m, type: ref(widen(m.type, memberWidths?.get(m.name))) })),
            variants:
              t.variants === undefined
                ? undefined
                : {
                    ...t.variants,
                    cases: t.variants.cases.map((c) => ({ ...c, type: c.type === undefined ? undefined : rename.get(c.type) })),
                  },
          };
      }
    }),
  };
  return { schema: withRootAliases(renamed), unresolved };
}

/**
 * Sets every type's aliases to the root names (`<Command>Arguments`, ...) it is used under
 * but not named after; a name already taken is skipped, so aliases never rename anything.
 */
export function withRootAliases(schema: Schema): Schema {
  const taken = new Set(schema.types.map((t) => t.name));
  const aliases = new Map<string, NameAlias[]>();
  for (const use of rootUses(schema)) {
    if (taken.has(use.proposal)) continue;
    taken.add(use.proposal);
    const list = aliases.get(use.type) ?? [];
    list.push({ name: use.proposal, usedBy: use.usedBy, role: use.role });
    aliases.set(use.type, list);
  }
  return { ...schema, types: schema.types.map((t) => ({ ...t, aliases: aliases.get(t.name) })) };
}
