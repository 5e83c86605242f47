/**
 * Checks definition documentation against the definition: documented members and features
 * exist, sections fit the kind, and (with pragma `doc-required`) members are documented.
 * @module
 */
import { fail, q } from "./errors.js";
import type { Pragma, SrcDef, SrcFeature, SrcMember } from "./model.js";
import { describe, type Namespace } from "./namespace.js";

/** Names a definition's doc comment may describe with `@name:`, with their locations. */
export function documentableMembers(
  ns: Namespace,
  def: SrcDef,
  legacy = false,
): readonly { name: string; loc: SrcMember["loc"] }[] {
  switch (def.meta) {
    case "enum":
      return def.values;
    case "struct":
      return ns.members(def);
    case "union":
      return [...ns.unionBase(def), ...def.branches];
    case "alternate":
      return def.branches;
    case "command":
    case "event": {
      // A boxed command's arguments are documented with their type, not with the command
      // (QEMU 5.x on; before 6.0 it went unchecked).
      if (def.data === undefined || (def.boxed && !legacy)) return [];
      if (def.data.kind === "members") return def.data.members;
      const target = ns.lookup(def.data.ref.name);
      if (target?.meta === "struct") return ns.members(target);
      return target?.meta === "union" ? [...ns.unionBase(target), ...target.branches] : [];
    }
  }
}

function allFeatures(ns: Namespace, def: SrcDef): readonly SrcFeature[] {
  const nested: SrcFeature[] = [];
  if (def.meta === "enum") for (const v of def.values) nested.push(...v.features);
  else {
    for (const m of documentableMembers(ns, def)) if ("features" in m) nested.push(...(m as SrcMember).features);
  }
  return [...def.features, ...nested];
}

/**
 * Checks the doc comment of `def`, if it has one.
 * @throws QapiError on a documented name that does not exist, a misplaced section, or
 * (when member documentation is required, see {@link Pragma.memberDocsRequired}) an undocumented member.
 */
export function checkDocs(ns: Namespace, def: SrcDef, pragma: Pragma): void {
  const doc = def.doc;
  if (doc === undefined) return;
  const what = describe(def);
  // Before QEMU 6.0 (old pragma names) feature descriptions went unchecked.
  const legacy = pragma.legacyNames;
  const members = documentableMembers(ns, def, legacy);
  const memberNames = new Set(members.map((m) => m.name));
  for (const [name, text] of doc.args) {
    if (!memberNames.has(name)) fail(text.loc, `documented member '@${name}' does not exist in ${what}`);
  }
  const declared = allFeatures(ns, def);
  const features = new Set(declared.map((f) => f.name));
  for (const [name, text] of doc.features) {
    if (!features.has(name) && !legacy) fail(text.loc, `documented feature '@${name}' does not exist in ${what}`);
  }
  // A documented definition describes each of its own features (its members' included; those
  // of inherited members are documented with the base): QEMU 5.0 on.
  const own = [...def.features, ...ownMembers(def).flatMap((m) => ("features" in m ? (m as SrcMember).features : []))];
  for (const f of legacy ? [] : own) {
    if (!doc.features.has(f.name)) fail(f.loc, `feature ${q(f.name)} of ${what} lacks documentation`);
  }
  for (const section of doc.sections) {
    if ((section.tag === "Returns" || section.tag === "Errors") && def.meta !== "command") {
      fail(section.loc, `'${section.tag}:' section is only valid for commands, not for ${what}`);
    }
  }
  if (!pragma.docRequired || !pragma.memberDocsRequired || pragma.documentationExceptions.has(def.name)) return;
  for (const m of ownMembers(def)) {
    if (!doc.args.has(m.name)) fail(m.loc, `${q(m.name)} of ${what} is not documented`);
  }
}

/** The members a definition's own doc comment must describe when docs are required. */
function ownMembers(def: SrcDef): readonly { name: string; loc: SrcMember["loc"] }[] {
  switch (def.meta) {
    case "enum":
      return def.values;
    case "struct":
      return def.members;
    case "union":
      return def.base.kind === "members" ? def.base.members : [];
    case "alternate":
      return def.branches;
    case "command":
    case "event":
      return def.data?.kind === "members" ? def.data.members : [];
  }
}
