/**
 * Simple unions (QEMU before 6.2): `{ 'union': 'U', 'data': { 'a': 'T', ... } }` without
 * base or discriminator. On the wire each value is `{ "type": "a", "data": <T> }`, which is
 * what QEMU 6.2 rewrote them into explicitly: a flat union over an implicit enum `UKind`
 * (the branch names) whose branches wrap the value in a struct with one member `data`.
 * This module builds that same desugared form, so everything downstream sees flat unions.
 * @module
 */
import type { Cond } from "./conditions.js";
import type { DocComment } from "./doc-comment.js";
import { fail, q, type SourceLocation } from "./errors.js";
import type { SrcBranch, SrcDef, SrcEnum, SrcFeature, SrcStruct, SrcTypeRef, SrcUnion } from "./model.js";
import { checkName, type NameOptions } from "./names.js";
import type { QObject } from "./parser.js";
import { checkKeys, condOf, expectObject, typeRef } from "./shape.js";

/** What the simple union shares with any definition (already checked by the caller). */
export interface SimpleUnionBase {
  readonly name: string;
  readonly loc: SourceLocation;
  readonly cond?: Cond | undefined;
  readonly features: readonly SrcFeature[];
  readonly doc?: DocComment | undefined;
}

/** `int` → `Int`, `QKeyCode` → `QKeyCode`, `['str']` → `StrList`: QEMU 6.2's wrapper naming. */
function wrapperStem(ref: SrcTypeRef): string {
  const stem = ref.name.charAt(0).toUpperCase() + ref.name.slice(1);
  return ref.array ? `${stem}List` : stem;
}

/**
 * Checks a simple union and returns its desugared definitions: the union itself, its
 * implicit `<Name>Kind` enum and one `<Type>Wrapper` struct per distinct branch type.
 * @param taken - names already defined or generated, extended with the new names.
 */
export function simpleUnion(expr: QObject, def: SimpleUnionBase, names: NameOptions, taken: Set<string>): SrcDef[] {
  const what = `union ${q(def.name)}`;
  checkKeys(expr, what, ["union", "data"], ["if", "features"]);
  const data = expectObject(expr.entries.get("data")?.value ?? expr, `'data' of ${what}`);
  if (data.entries.size === 0) fail(data.loc, `${what} has no branches`);
  const kindName = `${def.name}Kind`;
  const wrappers = new Map<string, SrcStruct>();
  const values: SrcEnum["values"][number][] = [];
  const branches: SrcBranch[] = [];
  for (const entry of data.entries.values()) {
    const label = `branch ${q(entry.key)} of ${what}`;
    checkName(entry.key, "branch", entry.keyLoc, label, names);
    const longhand = entry.value.kind === "object" ? entry.value : undefined;
    if (longhand !== undefined) checkKeys(longhand, label, ["type"], ["if"]);
    const type = typeRef(longhand?.entries.get("type")?.value ?? entry.value, `type of ${label}`, true);
    const cond = longhand === undefined ? undefined : condOf(longhand, label, names);
    const key = `${type.array ? "[" : ""}${type.name}`;
    let wrapper = wrappers.get(key);
    if (wrapper === undefined) {
      let name = `${wrapperStem(type)}Wrapper`;
      for (let n = 2; taken.has(name); n++) name = `${wrapperStem(type)}Wrapper${n}`;
      taken.add(name);
      wrapper = {
        meta: "struct",
        name,
        loc: entry.keyLoc,
        cond: def.cond,
        features: [],
        implicit: true,
        origin: `the wrapper ${q(name)} of ${label}`,
        members: [{ name: "data", optional: false, type, features: [], loc: entry.keyLoc }],
      };
      wrappers.set(key, wrapper);
    }
    values.push({ name: entry.key, cond, features: [], loc: entry.keyLoc });
    branches.push({ name: entry.key, type: { name: wrapper.name, array: false, loc: type.loc }, cond, loc: entry.keyLoc });
  }
  const kind: SrcEnum = {
    meta: "enum",
    name: kindName,
    loc: def.loc,
    cond: def.cond,
    features: [],
    values,
    implicit: true,
    origin: `the implicit enum ${q(kindName)} of ${what}`,
  };
  const union: SrcUnion = {
    meta: "union",
    ...def,
    base: {
      kind: "members",
      members: [
        { name: "type", optional: false, type: { name: kindName, array: false, loc: def.loc }, features: [], loc: def.loc },
      ],
    },
    discriminator: "type",
    discriminatorLoc: def.loc,
    branches,
  };
  return [kind, ...wrappers.values(), union];
}

/** Whether a union expression is a simple union (no `base`, no `discriminator`). */
export function isSimpleUnion(expr: QObject): boolean {
  return !expr.entries.has("discriminator") && !expr.entries.has("base");
}
