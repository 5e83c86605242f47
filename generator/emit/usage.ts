/**
 * Doc notes saying which command or event uses a type directly ("Arguments of ..."), so
 * derived names like `QueryStatusResult` lead back to their command in the editor.
 * @module
 */
import type { Schema, TypeRef } from "../ir.js";
import { docCode } from "./identifiers.js";
import type { NamePlan } from "./naming.js";
import { sortedBy } from "./naming.js";

function namedIn(ref: TypeRef | undefined): string | undefined {
  if (ref === undefined) return undefined;
  if (ref.kind === "array") return namedIn(ref.element);
  return ref.kind === "named" ? ref.name : undefined;
}

/** IR type name → notes, in command then event order. */
export function usageNotes(schema: Schema, plan: NamePlan): Map<string, string[]> {
  const notes = new Map<string, string[]>();
  const add = (ref: TypeRef | undefined, text: string): void => {
    const name = namedIn(ref);
    if (name === undefined) return;
    const list = notes.get(name) ?? [];
    list.push(text);
    notes.set(name, list);
  };
  for (const c of sortedBy(schema.commands, (c) => c.name)) {
    const fn = plan.functions.get(c.name);
    // Plain code, not {@link}: the function lives in another file and is not imported here.
    const link = fn === undefined ? docCode(c.name) : `${docCode(fn)} (${docCode(c.name)})`;
    add(c.args, `Arguments of ${link}.`);
    add(c.returns, `${c.returns?.kind === "array" ? "Element of the result" : "Result"} of ${link}.`);
  }
  for (const e of sortedBy(schema.events, (e) => e.name)) add(e.data, `Data of event ${docCode(e.name)}.`);
  return notes;
}
