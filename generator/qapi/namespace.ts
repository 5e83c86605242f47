/**
 * The shared namespace of types, commands and events: redefinitions, type resolution,
 * flattened member lists (base first) with base-cycle detection, and C-name clashes.
 * @module
 */
import { BUILTIN_NAMES, type BuiltinName } from "../ir.js";
import { fail, q, type SourceLocation } from "./errors.js";
import type { SrcDef, SrcMember, SrcSchema, SrcStruct, SrcTypeRef, SrcUnion } from "./model.js";
import { cName } from "./names.js";

/** Every built-in type name. */
export const BUILTINS: ReadonlySet<BuiltinName> = new Set(BUILTIN_NAMES);

/** What a type reference points to. Arrays keep the element's resolution. */
export type Resolved =
  | { readonly kind: "builtin"; readonly name: BuiltinName; readonly array: boolean }
  | { readonly kind: "def"; readonly def: SrcDef; readonly array: boolean };

/** Narrows a string to a built-in name. */
export function isBuiltin(name: string): name is BuiltinName {
  return (BUILTINS as ReadonlySet<string>).has(name);
}

/** Describes a definition for messages: `struct 'Foo'`. */
export function describe(def: SrcDef): string {
  return def.origin ?? `${def.meta} ${q(def.name)}`;
}

function at(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** Name lookup and member flattening over a schema. */
export class Namespace {
  private readonly defs = new Map<string, SrcDef>();
  private readonly flat = new Map<SrcStruct, readonly SrcMember[]>();

  /** @throws QapiError on a redefinition or a clash with a built-in type. */
  constructor(schema: SrcSchema) {
    for (const def of schema.defs) {
      if (isBuiltin(def.name)) fail(def.loc, `${describe(def)} redefines the built-in type ${q(def.name)}`);
      const first = this.defs.get(def.name);
      if (first !== undefined) fail(def.loc, `${describe(def)} is already defined (at ${at(first.loc)})`);
      this.defs.set(def.name, def);
    }
  }

  /** The definition named `name`, if any. */
  lookup(name: string): SrcDef | undefined {
    return this.defs.get(name);
  }

  /**
   * Resolves a type reference; commands and events are not types.
   * @param what - the referring thing, for messages.
   */
  resolve(ref: SrcTypeRef, what: string): Resolved {
    if (isBuiltin(ref.name)) return { kind: "builtin", name: ref.name, array: ref.array };
    const def = this.defs.get(ref.name);
    if (def === undefined) fail(ref.loc, `${what} uses unknown type ${q(ref.name)}`);
    if (def.meta === "command" || def.meta === "event") fail(ref.loc, `${what} uses ${describe(def)}, which is not a type`);
    return { kind: "def", def, array: ref.array };
  }

  /** Resolves a reference that must name a struct (a `base`). */
  struct(ref: SrcTypeRef, what: string): SrcStruct {
    const r = this.resolve(ref, what);
    if (r.kind !== "def" || r.def.meta !== "struct") {
      fail(
        ref.loc,
        `${what} must be a struct type, ${q(ref.name)} is ${r.kind === "def" ? `${r.def.meta === "union" || !/^[aeiou]/.test(r.def.meta) ? "a" : "an"} ${r.def.meta}` : "built-in"}`,
      );
    }
    return r.def;
  }

  /**
   * All members of a struct, base members first.
   * @throws QapiError on a base cycle or unresolvable base.
   */
  members(def: SrcStruct, chain: readonly SrcStruct[] = []): readonly SrcMember[] {
    const done = this.flat.get(def);
    if (done !== undefined) return done;
    if (chain.includes(def)) {
      fail(def.loc, `base of ${describe(def)} forms a cycle: ${[...chain, def].map((d) => d.name).join(" -> ")}`);
    }
    const inherited =
      def.base === undefined ? [] : this.members(this.struct(def.base, `'base' of ${describe(def)}`), [...chain, def]);
    const all = [...inherited, ...def.members];
    this.flat.set(def, all);
    return all;
  }

  /** The common members of a union (inline base, or a base struct's members). */
  unionBase(def: SrcUnion): readonly SrcMember[] {
    return def.base.kind === "members" ? def.base.members : this.members(this.struct(def.base.ref, `'base' of ${describe(def)}`));
  }
}

/**
 * Fails when two names collide after mapping `-` and `.` to `_`.
 * @param items - named, located items in order; later ones are reported.
 * @param owner - for messages, e.g. "struct 'Foo'".
 */
export function checkClashes(
  items: readonly { readonly name: string; readonly loc: SourceLocation }[],
  owner: string,
  noun = "member",
): void {
  const seen = new Map<string, string>();
  for (const item of items) {
    const key = cName(item.name);
    const other = seen.get(key);
    if (other !== undefined) {
      fail(
        item.loc,
        other === item.name
          ? `${noun} ${q(item.name)} of ${owner} is duplicated`
          : `${noun} ${q(item.name)} of ${owner} clashes with ${noun} ${q(other)}`,
      );
    }
    seen.set(key, item.name);
  }
}
