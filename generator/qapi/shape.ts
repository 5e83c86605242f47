/**
 * Shape checks shared by the definition kinds: keys, strings, flags, type references,
 * features and member lists.
 * @module
 */
import { parseCond, type Cond } from "./conditions.js";
import { fail, q } from "./errors.js";
import type { SrcFeature, SrcMember, SrcTypeRef } from "./model.js";
import { checkName, type NameOptions } from "./names.js";
import type { QEntry, QObject, QString, QValue } from "./parser.js";

/**
 * Checks that `obj` has all `required` keys and no keys outside `required` + `optional`.
 * @throws QapiError naming the first unknown or missing key.
 */
export function checkKeys(obj: QObject, what: string, required: readonly string[], optional: readonly string[]): void {
  for (const entry of obj.entries.values()) {
    if (!required.includes(entry.key) && !optional.includes(entry.key)) {
      fail(entry.keyLoc, `${what} has unknown key ${q(entry.key)}`);
    }
  }
  for (const key of required) if (!obj.entries.has(key)) fail(obj.loc, `${what} is missing key ${q(key)}`);
}

/** The value must be a string. */
export function expectString(value: QValue, what: string): QString {
  if (value.kind !== "string") fail(value.loc, `${what} must be a string`);
  return value;
}

/** The value must be an object. */
export function expectObject(value: QValue, what: string): QObject {
  if (value.kind !== "object") fail(value.loc, `${what} must be an object`);
  return value;
}

/** Reads a boolean flag that may only take `only` (e.g. `'gen': false`); absent → `!only`. */
export function flag(obj: QObject, key: string, only: boolean, what: string): boolean {
  const entry = obj.entries.get(key);
  if (entry === undefined) return !only;
  if (entry.value.kind !== "bool" || entry.value.value !== only) {
    fail(entry.value.loc, `flag ${q(key)} of ${what} may only be ${String(only)}`);
  }
  return only;
}

/** The optional `'if'` of an object. */
export function condOf(obj: QObject, what: string, names: NameOptions = {}): Cond | undefined {
  const entry = obj.entries.get("if");
  return entry === undefined ? undefined : parseCond(entry.value, what, names.legacy === true);
}

/**
 * A type reference: `'T'`, or `['T']` when `allowArray`.
 * @throws QapiError when malformed.
 */
export function typeRef(value: QValue, what: string, allowArray: boolean): SrcTypeRef {
  if (value.kind === "string") return { name: value.value, array: false, loc: value.loc };
  if (value.kind === "array" && allowArray) {
    const [only] = value.items;
    if (value.items.length !== 1 || only === undefined || only.kind !== "string") {
      fail(value.loc, `${what}: an array type must contain exactly one type name`);
    }
    return { name: only.value, array: true, loc: value.loc };
  }
  return fail(value.loc, allowArray ? `${what} must be a type name or ['type name']` : `${what} must be a type name`);
}

/** The optional `'features'` list of `obj`. */
export function featuresOf(obj: QObject, what: string, names: NameOptions = {}): SrcFeature[] {
  const entry = obj.entries.get("features");
  if (entry === undefined) return [];
  if (entry.value.kind !== "array") fail(entry.value.loc, `'features' of ${what} must be an array`);
  const seen = new Set<string>();
  return entry.value.items.map((item) => {
    let feature: SrcFeature;
    if (item.kind === "string") {
      feature = { name: item.value, loc: item.loc };
    } else if (item.kind === "object") {
      checkKeys(item, `feature of ${what}`, ["name"], ["if"]);
      const name = expectString(item.entries.get("name")?.value ?? (item as QValue), `'name' of a feature of ${what}`);
      feature = {
        name: name.value,
        cond: condOf(item, `feature ${q(name.value)} of ${what}`, names),
        loc: item.loc,
      };
    } else {
      return fail(item.loc, `each feature of ${what} must be a string or an object`);
    }
    checkName(feature.name, "feature", feature.loc, `feature ${q(feature.name)} of ${what}`, { legacy: names.legacy });
    if (seen.has(feature.name)) fail(feature.loc, `duplicate feature ${q(feature.name)} of ${what}`);
    seen.add(feature.name);
    return feature;
  });
}

/**
 * A MEMBERS object (`{ 'name': TYPE-REF | { 'type', 'if'?, 'features'? }, '*opt': ... }`).
 * @param owner - description of the owner for messages, e.g. "struct 'Foo'".
 */
export function membersOf(value: QValue, owner: string, names: NameOptions): SrcMember[] {
  const obj = expectObject(value, `members of ${owner}`);
  return [...obj.entries.values()].map((entry) => member(entry, owner, names));
}

function member(entry: QEntry, owner: string, names: NameOptions): SrcMember {
  const optional = entry.key.startsWith("*");
  const name = optional ? entry.key.slice(1) : entry.key;
  const what = `member ${q(name)} of ${owner}`;
  checkName(name, "member", entry.keyLoc, what, names);
  const value = entry.value;
  if (value.kind !== "object") {
    return {
      name,
      optional,
      type: typeRef(value, `type of ${what}`, true),
      features: [],
      loc: entry.keyLoc,
    };
  }
  checkKeys(value, what, ["type"], ["if", "features"]);
  const typeValue = value.entries.get("type")?.value ?? value;
  return {
    name,
    optional,
    type: typeRef(typeValue, `type of ${what}`, true),
    cond: condOf(value, what, names),
    features: featuresOf(value, what, names),
    loc: entry.keyLoc,
  };
}
