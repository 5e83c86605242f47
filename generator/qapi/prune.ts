/**
 * Applies `--define`: evaluates every condition against a set of symbols and keeps only
 * what holds (definitions, members, enum values, branches, features). Kept items lose
 * their conditions. References left dangling by the pruning are reported.
 * @module
 */
import { evalCond, type Cond } from "./conditions.js";
import { fail, q } from "./errors.js";
import type { SrcData, SrcDef, SrcFeature, SrcMember, SrcSchema, SrcTypeRef } from "./model.js";
import { describe, isBuiltin } from "./namespace.js";

function keep<T extends { readonly cond?: Cond | undefined }>(items: readonly T[], defines: ReadonlySet<string>): T[] {
  return items.filter((i) => evalCond(i.cond, defines)).map((i) => ({ ...i, cond: undefined }));
}

function features(items: readonly SrcFeature[], defines: ReadonlySet<string>): SrcFeature[] {
  return keep(items, defines);
}

function members(items: readonly SrcMember[], defines: ReadonlySet<string>): SrcMember[] {
  return keep(items, defines).map((m) => ({ ...m, features: features(m.features, defines) }));
}

function data<D extends SrcData | undefined>(d: D, defines: ReadonlySet<string>): D {
  return (d?.kind === "members" ? { kind: "members", members: members(d.members, defines) } : d) as D;
}

function pruneDef(def: SrcDef, defines: ReadonlySet<string>): SrcDef {
  const common = { cond: undefined, features: features(def.features, defines) };
  switch (def.meta) {
    case "enum":
      return {
        ...def,
        ...common,
        values: keep(def.values, defines).map((v) => ({ ...v, features: features(v.features, defines) })),
      };
    case "struct":
      return { ...def, ...common, members: members(def.members, defines) };
    case "union":
      return { ...def, ...common, base: data(def.base, defines), branches: keep(def.branches, defines) };
    case "alternate":
      return { ...def, ...common, branches: keep(def.branches, defines) };
    case "command":
    case "event":
      return { ...def, ...common, data: data(def.data, defines) };
  }
}

function refsOf(def: SrcDef): { ref: SrcTypeRef; what: string }[] {
  const what = describe(def);
  const ms = (list: readonly SrcMember[]) => list.map((m) => ({ ref: m.type, what: `member ${q(m.name)} of ${what}` }));
  const dataRefs = (d: SrcData | undefined) =>
    d === undefined ? [] : d.kind === "members" ? ms(d.members) : [{ ref: d.ref, what }];
  switch (def.meta) {
    case "enum":
      return [];
    case "struct":
      return [...(def.base === undefined ? [] : [{ ref: def.base, what }]), ...ms(def.members)];
    case "union":
    case "alternate":
      return [
        ...(def.meta === "union" ? dataRefs(def.base) : []),
        ...def.branches.map((b) => ({ ref: b.type, what: `branch ${q(b.name)} of ${what}` })),
      ];
    case "command":
      return [...dataRefs(def.data), ...(def.returns === undefined ? [] : [{ ref: def.returns, what: `'returns' of ${what}` }])];
    case "event":
      return dataRefs(def.data);
  }
}

/**
 * Keeps what holds under `defines`.
 * @throws QapiError when a kept item refers to a type whose condition does not hold.
 */
export function pruneSchema(schema: SrcSchema, defines: ReadonlySet<string>): SrcSchema {
  const defs = schema.defs.filter((d) => evalCond(d.cond, defines)).map((d) => pruneDef(d, defines));
  const names = new Set(defs.map((d) => d.name));
  for (const def of defs) {
    for (const { ref, what } of refsOf(def)) {
      if (!isBuiltin(ref.name) && !names.has(ref.name)) {
        fail(ref.loc, `${what} uses type ${q(ref.name)}, which does not exist with the given defines`);
      }
    }
    if (def.meta === "union" && def.base.kind === "members" && !def.base.members.some((m) => m.name === def.discriminator)) {
      fail(
        def.discriminatorLoc,
        `discriminator ${q(def.discriminator)} of ${describe(def)} does not exist with the given defines`,
      );
    }
  }
  return { ...schema, defs };
}
