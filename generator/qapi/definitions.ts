/**
 * Per-kind checks of definition expressions (enum, struct, union, alternate, command,
 * event): keys, shapes, flags and names. Produces the source model; references between
 * definitions are checked later in `semantics.ts`.
 * @module
 */
import type { DocComment } from "./doc-comment.js";
import { fail, q } from "./errors.js";
import type { Pragma, SrcBranch, SrcData, SrcDef, SrcEnumValue } from "./model.js";
import { checkName, type NameOptions } from "./names.js";
import type { QObject, QValue } from "./parser.js";
import { isSimpleUnion, simpleUnion } from "./simple-union.js";
import { checkKeys, condOf, expectObject, expectString, featuresOf, flag, membersOf, typeRef } from "./shape.js";

/** The keys that name a definition kind. */
export const DEFINITION_KEYS = ["enum", "struct", "union", "alternate", "command", "event"] as const;

type Meta = (typeof DEFINITION_KEYS)[number];

const COMMON = ["if", "features"];

/**
 * Checks one definition expression and converts it to the source model.
 * @param meta - the definition kind (the key that names it).
 * @throws QapiError on any shape or naming error.
 */
export function checkDefinition(
  expr: QObject,
  meta: Meta,
  pragma: Pragma,
  doc: DocComment | undefined,
  taken: Set<string>,
): SrcDef[] {
  const def = definition(expr, meta, pragma, doc, taken);
  return Array.isArray(def) ? def : [def];
}

function definition(
  expr: QObject,
  meta: Meta,
  pragma: Pragma,
  doc: DocComment | undefined,
  taken: Set<string>,
): SrcDef | SrcDef[] {
  const nameValue = expectString(expr.entries.get(meta)?.value ?? expr, `value of '${meta}'`);
  const name = nameValue.value;
  const what = `${meta} ${q(name)}`;
  const role = meta === "command" ? "command" : meta === "event" ? "event" : "type";
  const legacy = pragma.legacyNames;
  checkName(name, role, nameValue.loc, what, {
    permitUnderscore: pragma.commandNameExceptions.has(name),
    legacy,
  });
  const names: NameOptions = {
    permitUnderscore: pragma.memberNameExceptions.has(name),
    permitUpper: pragma.memberNameExceptions.has(name),
    legacy,
  };
  const base = {
    name,
    loc: expr.loc,
    cond: condOf(expr, what, names),
    features: featuresOf(expr, what, names),
    doc,
  };
  const data = (): QValue => expr.entries.get("data")?.value ?? expr;

  switch (meta) {
    case "enum": {
      checkKeys(expr, what, ["enum", "data"], ["prefix", ...COMMON]);
      const prefix = expr.entries.get("prefix");
      const list = data();
      if (list.kind !== "array") fail(list.loc, `'data' of ${what} must be an array`);
      const values = list.items.map((item) => enumValue(item, what, names));
      return {
        meta,
        ...base,
        values,
        prefix: prefix === undefined ? undefined : expectString(prefix.value, `'prefix' of ${what}`).value,
      };
    }
    case "struct": {
      checkKeys(expr, what, ["struct", "data"], ["base", ...COMMON]);
      const baseRef = expr.entries.get("base");
      return {
        meta,
        ...base,
        base: baseRef === undefined ? undefined : typeRef(baseRef.value, `'base' of ${what}`, false),
        members: membersOf(data(), what, names),
      };
    }
    case "union": {
      if (isSimpleUnion(expr)) return simpleUnion(expr, base, names, taken);
      checkKeys(expr, what, ["union", "base", "discriminator", "data"], COMMON);
      const disc = expectString(expr.entries.get("discriminator")?.value ?? expr, `'discriminator' of ${what}`);
      return {
        meta,
        ...base,
        base: dataOf(expr.entries.get("base")?.value ?? expr, `'base' of ${what}`, what, names),
        discriminator: disc.value,
        discriminatorLoc: disc.loc,
        branches: branchesOf(data(), what, false, names, true),
      };
    }
    case "alternate": {
      checkKeys(expr, what, ["alternate", "data"], COMMON);
      return { meta, ...base, branches: branchesOf(data(), what, true, names) };
    }
    case "command": {
      checkKeys(
        expr,
        what,
        ["command"],
        ["data", "boxed", "returns", "success-response", "gen", "allow-oob", "allow-preconfig", "coroutine", ...COMMON],
      );
      const boxed = flag(expr, "boxed", true, what);
      const allowOob = flag(expr, "allow-oob", true, what);
      const coroutine = flag(expr, "coroutine", true, what);
      if (allowOob && coroutine) fail(expr.loc, `${what} cannot have both 'allow-oob' and 'coroutine'`);
      const returns = expr.entries.get("returns");
      return {
        meta,
        ...base,
        data: commandData(expr, what, boxed, names),
        boxed,
        returns: returns === undefined ? undefined : typeRef(returns.value, `'returns' of ${what}`, true),
        successResponse: flag(expr, "success-response", false, what),
        gen: flag(expr, "gen", false, what),
        allowOob,
        allowPreconfig: flag(expr, "allow-preconfig", true, what),
        coroutine,
      };
    }
    case "event": {
      checkKeys(expr, what, ["event"], ["data", "boxed", ...COMMON]);
      const boxed = flag(expr, "boxed", true, what);
      return {
        meta,
        ...base,
        data: commandData(expr, what, boxed, names),
        boxed,
      };
    }
  }
}

function commandData(expr: QObject, what: string, boxed: boolean, names: NameOptions): SrcData | undefined {
  const entry = expr.entries.get("data");
  if (entry === undefined) {
    if (boxed) fail(expr.loc, `'boxed': true of ${what} requires 'data'`);
    return undefined;
  }
  if (boxed && entry.value.kind !== "string") fail(entry.value.loc, `'data' of ${what} must name a type when 'boxed' is true`);
  return dataOf(entry.value, `'data' of ${what}`, what, names);
}

function dataOf(value: QValue, label: string, owner: string, names: NameOptions): SrcData {
  if (value.kind === "string") return { kind: "ref", ref: typeRef(value, label, false) };
  if (value.kind !== "object") fail(value.loc, `${label} must be an object of members or a type name`);
  return { kind: "members", members: membersOf(value, owner, names) };
}

function enumValue(item: QValue, what: string, names: NameOptions): SrcEnumValue {
  if (item.kind === "string") {
    checkName(item.value, "enum-value", item.loc, `value ${q(item.value)} of ${what}`, names);
    return { name: item.value, features: [], loc: item.loc };
  }
  if (item.kind !== "object") fail(item.loc, `each value of ${what} must be a string or an object`);
  checkKeys(item, `value of ${what}`, ["name"], COMMON);
  const name = expectString(item.entries.get("name")?.value ?? item, `'name' of a value of ${what}`).value;
  const label = `value ${q(name)} of ${what}`;
  checkName(name, "enum-value", item.loc, label, names);
  return {
    name,
    cond: condOf(item, label, names),
    features: featuresOf(item, label, names),
    loc: item.loc,
  };
}

function branchesOf(value: QValue, what: string, alternate: boolean, names: NameOptions, mayBeEmpty = false): SrcBranch[] {
  const obj = expectObject(value, `'data' of ${what}`);
  // A flat union may give no branch at all: every tag value then has an empty branch.
  if (obj.entries.size === 0 && !mayBeEmpty) fail(obj.loc, `${what} has no branches`);
  return [...obj.entries.values()].map((entry) => {
    const label = `branch ${q(entry.key)} of ${what}`;
    if (alternate) checkName(entry.key, "branch", entry.keyLoc, label, { legacy: names.legacy });
    if (entry.value.kind !== "object") {
      return {
        name: entry.key,
        type: typeRef(entry.value, `type of ${label}`, alternate),
        loc: entry.keyLoc,
      };
    }
    checkKeys(entry.value, label, ["type"], ["if"]);
    return {
      name: entry.key,
      type: typeRef(entry.value.entries.get("type")?.value ?? entry.value, `type of ${label}`, alternate),
      cond: condOf(entry.value, label, names),
      loc: entry.keyLoc,
    };
  });
}
