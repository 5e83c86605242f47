/**
 * Semantic checks over the whole schema: type resolution, bases, member clashes, union
 * discriminators and branches, alternate distinguishability, command data/returns rules.
 * @module
 */
import { fail, q } from "./errors.js";
import { checkDocs } from "./doc-checks.js";
import type { SrcAlternate, SrcCommand, SrcData, SrcDef, SrcEvent, SrcMember, SrcSchema, SrcUnion } from "./model.js";
import { Namespace, checkClashes, describe, type Resolved } from "./namespace.js";
import { cName } from "./names.js";

/**
 * Checks the schema as a whole and returns its namespace.
 * @throws QapiError on the first semantic error.
 */
export function checkSchema(schema: SrcSchema): Namespace {
  const ns = new Namespace(schema);
  for (const def of schema.defs) checkDef(ns, def, schema);
  for (const def of schema.defs) checkDocs(ns, def, schema.pragma);
  return ns;
}

function checkMembers(ns: Namespace, members: readonly SrcMember[], owner: string): void {
  for (const m of members) ns.resolve(m.type, `member ${q(m.name)} of ${owner}`);
}

function checkDef(ns: Namespace, def: SrcDef, schema: SrcSchema): void {
  const what = describe(def);
  if (def.meta !== "command" && def.meta !== "event" && !schema.pragma.legacyNames) {
    // Types are not deprecated on their own: their uses are (QEMU 6.0 on; before, the
    // feature name had no special meaning).
    const deprecated = def.features.find((f) => f.name === "deprecated");
    if (deprecated !== undefined) fail(deprecated.loc, `feature 'deprecated' of ${what} is not supported for types`);
  }
  switch (def.meta) {
    case "enum":
      checkClashes(def.values, what, "value");
      return;
    case "struct":
      checkMembers(ns, def.members, what);
      checkClashes(ns.members(def), what);
      return;
    case "union":
      checkUnion(ns, def);
      return;
    case "alternate":
      checkAlternate(ns, def);
      return;
    case "command":
      checkData(ns, def);
      checkConditionalArguments(ns, def);
      checkReturns(ns, def, schema.pragma.commandReturnsExceptions.has(def.name));
      return;
    case "event":
      checkData(ns, def);
      return;
  }
}

function checkUnion(ns: Namespace, def: SrcUnion): void {
  const what = describe(def);
  if (def.base.kind === "members") checkMembers(ns, def.base.members, what);
  const base = ns.unionBase(def);
  checkClashes(base, what);
  const disc = base.find((m) => m.name === def.discriminator);
  const label = `discriminator ${q(def.discriminator)} of ${what}`;
  if (disc === undefined) fail(def.discriminatorLoc, `${label} is not a member of its base`);
  if (disc.optional) fail(def.discriminatorLoc, `${label} must not be an optional member`);
  if (disc.cond !== undefined) fail(def.discriminatorLoc, `${label} must not be a conditional member`);
  const tag = ns.resolve(disc.type, `member ${q(disc.name)} of ${what}`);
  if (tag.kind !== "def" || tag.def.meta !== "enum" || tag.array) fail(def.discriminatorLoc, `${label} must be of an enum type`);
  const values = new Set(tag.def.values.map((v) => v.name));
  for (const branch of def.branches) {
    const bwhat = `branch ${q(branch.name)} of ${what}`;
    if (!values.has(branch.name)) fail(branch.loc, `${bwhat} is not a value of enum ${q(tag.def.name)}`);
    const r = ns.resolve(branch.type, bwhat);
    if (r.kind !== "def" || (r.def.meta !== "struct" && r.def.meta !== "union")) {
      fail(branch.type.loc, `${bwhat} must be an object type, ${q(branch.type.name)} is ${kindOf(r)}`);
    }
    const members = objectMembers(ns, r.def, new Set());
    const common = new Map(base.map((m) => [cName(m.name), m.name]));
    for (const m of members) {
      const other = common.get(cName(m.name));
      if (other !== undefined) {
        fail(branch.loc, `member ${q(m.name)} of ${bwhat} (from ${q(r.def.name)}) clashes with base member ${q(other)}`);
      }
    }
  }
}

/** Every member an object can have on the wire: a union's base and all its branches' members. */
function objectMembers(ns: Namespace, def: SrcDef, seen: Set<SrcDef>): readonly SrcMember[] {
  if (seen.has(def)) return [];
  seen.add(def);
  if (def.meta === "struct") return ns.members(def);
  if (def.meta !== "union") return [];
  const nested = def.branches.flatMap((b) => {
    const target = ns.lookup(b.type.name);
    return target === undefined || b.type.array ? [] : objectMembers(ns, target, seen);
  });
  return [...ns.unionBase(def), ...nested];
}

/** QEMU ≥ 10.1: a command's conditional arguments need `'boxed': true` (no released tree lacks it). */
function checkConditionalArguments(ns: Namespace, def: SrcCommand): void {
  if (def.boxed || def.data === undefined) return;
  const target = def.data.kind === "ref" ? ns.lookup(def.data.ref.name) : undefined;
  const members = def.data.kind === "members" ? def.data.members : target?.meta === "struct" ? ns.members(target) : [];
  const conditional = members.find((m) => m.cond !== undefined);
  if (conditional !== undefined) {
    fail(def.loc, `conditional arguments of ${describe(def)} (${q(conditional.name)}) require 'boxed': true`);
  }
}

/** JSON kinds an alternate branch occupies (including the ones it makes ambiguous). */
function jsonKinds(r: Resolved): string[] | undefined {
  if (r.array) return ["array"];
  if (r.kind === "builtin") {
    switch (r.name) {
      case "any":
        return undefined;
      case "str":
        // A string branch also takes numbers and booleans in keyval (command line) input.
        return ["string", "number", "boolean"];
      case "QType":
        return ["string"];
      case "bool":
        return ["boolean"];
      case "null":
        return ["null"];
      default:
        return ["number"];
    }
  }
  switch (r.def.meta) {
    case "enum": {
      const kinds = ["string"];
      if (r.def.values.some((v) => v.name === "on" || v.name === "off")) kinds.push("boolean");
      if (r.def.values.some((v) => /^[-+0-9.]/.test(v.name))) kinds.push("number");
      return kinds;
    }
    case "struct":
    case "union":
      return ["object"];
    default:
      return undefined;
  }
}

function checkAlternate(ns: Namespace, def: SrcAlternate): void {
  const what = describe(def);
  checkClashes(def.branches, what, "branch");
  const seen = new Map<string, string>();
  for (const branch of def.branches) {
    const bwhat = `branch ${q(branch.name)} of ${what}`;
    const r = ns.resolve(branch.type, bwhat);
    const kinds = jsonKinds(r);
    if (kinds === undefined) fail(branch.type.loc, `${bwhat} cannot use ${kindOf(r)} ${q(branch.type.name)}`);
    for (const kind of kinds) {
      const other = seen.get(kind);
      if (other !== undefined)
        fail(branch.loc, `${bwhat} can't be distinguished from branch ${q(other)} (both accept a JSON ${kind})`);
    }
    for (const kind of kinds) seen.set(kind, branch.name);
  }
}

function kindOf(r: Resolved): string {
  if (r.array) return "an array";
  return r.kind === "builtin"
    ? "built-in type"
    : `${r.def.meta === "alternate" || r.def.meta === "enum" ? "an" : "a"} ${r.def.meta}`;
}

function checkData(ns: Namespace, def: SrcCommand | SrcEvent): void {
  const what = describe(def);
  const data: SrcData | undefined = def.data;
  if (data === undefined) return;
  if (data.kind === "members") {
    checkMembers(ns, data.members, what);
    checkClashes(data.members, what);
    return;
  }
  const r = ns.resolve(data.ref, `'data' of ${what}`);
  if (r.kind !== "def" || (r.def.meta !== "struct" && r.def.meta !== "union")) {
    fail(data.ref.loc, `'data' of ${what} must be an object type, ${q(data.ref.name)} is ${kindOf(r)}`);
  }
  if (r.def.meta === "union" && !def.boxed) fail(data.ref.loc, `'data' of ${what} is a union, which requires 'boxed': true`);
}

function checkReturns(ns: Namespace, def: SrcCommand, excepted: boolean): void {
  if (def.returns === undefined) return;
  const what = `'returns' of ${describe(def)}`;
  const r = ns.resolve(def.returns, what);
  if (excepted) return;
  if (r.kind !== "def" || (r.def.meta !== "struct" && r.def.meta !== "union")) {
    fail(
      def.returns.loc,
      `${what} must be an object type or an array of one, not ${q(def.returns.name)} (unless listed in pragma 'command-returns-exceptions')`,
    );
  }
}
