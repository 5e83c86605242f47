/**
 * Applies names data to an introspection IR: real QAPI names for the types the data knows
 * (found through their canonical paths, never their masked names), integer widths, and
 * `<Command>Arguments` / `<Command>Result` / `<Event>Data` aliases for every root use whose
 * type now has another name.
 * @module
 */
import type { IntegerBuiltin, NameAlias, NamedType, Schema, TypeRef } from "../ir.js";
import { pascalCase, uniqueName } from "../names.js";
import { memberComponent, type TypePath } from "../schema-paths.js";
import type { NamesData } from "./format.js";

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

/**
 * @param schema - an introspection IR (types carry their masked `schemaName`).
 * @param paths - canonical paths of the same schema's types, by masked name.
 */
export function applyNamesData(schema: Schema, paths: ReadonlyMap<string, TypePath>, data: NamesData): AppliedNames {
  const used = new Set<string>();
  const taken = new Set<string>();
  const rename = new Map<string, string>();
  for (const t of schema.types) {
    const key = paths.get(t.schemaName)?.key;
    const real = key === undefined ? undefined : data.types[key];
    if (key === undefined || real === undefined) continue;
    used.add(key);
    rename.set(t.name, uniqueName(real, taken));
  }
  for (const t of schema.types) if (!rename.has(t.name)) rename.set(t.name, uniqueName(t.name, taken));

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
      returns: optRef(c.returns === undefined ? undefined : widen(c.returns, data.widths[`${c.name}/ret-type`])),
    })),
    events: schema.events.map((e) => ({ ...e, data: optRef(e.data) })),
    types: schema.types.map((t): NamedType => {
      const path = paths.get(t.schemaName)?.path;
      const width = (member?: string): IntegerBuiltin | undefined =>
        path === undefined ? undefined : data.widths[member === undefined ? path : `${path}/${memberComponent(member)}`];
      const base = { name: rename.get(t.name) ?? t.name, aliases: undefined };
      switch (t.kind) {
        case "enum":
          return { ...t, ...base };
        case "alternate":
          return { ...t, ...base, branches: t.branches.map((b) => ({ ...b, type: ref(widen(b.type, width())) })) };
        case "object":
          return {
            ...t,
            ...base,
            members: t.members.map((m) => ({ ...m, type: ref(widen(m.type, width(m.name))) })),
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
  const unresolved = Object.keys(data.types).filter((k) => !used.has(k));
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
