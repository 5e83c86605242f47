/**
 * Names data from a merge-mode IR (`--qapi` + introspection, `--save-names FILE`): which
 * introspection type has which real QAPI name, and which integers have which width.
 * @module
 */
import { INTEGER_BUILTINS, type IntegerBuiltin, type Schema, type TypeRef } from "../ir.js";
import { memberComponent, type TypePath } from "../schema-paths.js";
import type { NamesData } from "./format.js";

const WIDTHS: ReadonlySet<string> = new Set(INTEGER_BUILTINS);

/** The integer width inside a reference (through arrays), unless it is plain `int`. */
export function exactWidth(ref: TypeRef | undefined): IntegerBuiltin | undefined {
  if (ref === undefined) return undefined;
  if (ref.kind === "array") return exactWidth(ref.element);
  return ref.kind === "builtin" && ref.name !== "int" && WIDTHS.has(ref.name) ? (ref.name as IntegerBuiltin) : undefined;
}

/**
 * @param merged - the merged IR; its types keep their masked `schemaName`.
 * @param paths - canonical paths of the introspection's types, by masked name.
 * @param realNames - names the QAPI source defines (implicit argument/data objects are not among them).
 */
export function extractNamesData(
  merged: Schema,
  paths: ReadonlyMap<string, TypePath>,
  realNames: ReadonlySet<string>,
  about: { readonly qemu?: string | undefined; readonly derivedFrom?: string | undefined },
): NamesData {
  const types: Record<string, string> = {};
  const widths: Record<string, IntegerBuiltin> = {};
  for (const t of merged.types) {
    const at = paths.get(t.schemaName);
    if (at === undefined) continue;
    if (realNames.has(t.name)) types[at.key] = t.name;
    if (t.kind === "object") {
      for (const m of t.members) {
        const width = exactWidth(m.type);
        if (width !== undefined) widths[`${at.path}/${memberComponent(m.name)}`] = width;
      }
    } else if (t.kind === "alternate") {
      const width = t.branches.map((b) => exactWidth(b.type)).find((w) => w !== undefined);
      if (width !== undefined) widths[at.path] = width;
    }
  }
  for (const c of merged.commands) {
    const width = exactWidth(c.returns);
    if (width !== undefined) widths[`${c.name}/ret-type`] = width;
  }
  return { ...about, types, widths };
}
