/**
 * Enums → a string-literal union type plus a `readonly` array of its values.
 * @module
 */
import { StructureKind, VariableDeclarationKind } from "ts-morph";
import type { EnumType, FeatureDocs } from "../ir.js";
import type { FileBuilder } from "./context.js";
import { buildDocs } from "./docs.js";
import { docCode, stringLiteral } from "./identifiers.js";

/** A value's feature, with its description when the schema gives one. */
function featureNote(feature: string, docs: FeatureDocs | undefined): string {
  const text = docs?.[feature];
  return text === undefined ? docCode(feature) : `${docCode(feature)} (${text})`;
}

/** Emits `type X = "a" | "b"` and `const XValues = ["a", "b"] as const`. */
export function emitEnum(type: EnumType, file: FileBuilder): void {
  const id = file.useType(type.name);
  const valuesId = file.use(file.model.plan.enumValues.get(type.name) ?? `${id}Values`);
  const literals = type.values.map((v) => stringLiteral(v.name));
  // Value-level features cannot be attached to a literal type, so they are listed here.
  const notes = type.values
    .filter((v) => v.features.length > 0 || v.condition !== undefined || v.doc !== undefined)
    .map((v) => {
      const parts = [
        v.doc,
        v.features.length > 0 ? `features ${v.features.map((f) => featureNote(f, v.featureDocs)).join(", ")}` : undefined,
        v.condition !== undefined ? `only when ${v.condition}` : undefined,
      ].filter((p): p is string => p !== undefined);
      return `Value ${docCode(v.name)}: ${parts.join("; ")}`;
    });
  file.add(
    {
      kind: StructureKind.TypeAlias,
      name: id,
      isExported: true,
      type: literals.length > 0 ? literals.join(" | ") : "never",
      docs: buildDocs({ ...type, notes: [...(file.model.usage.get(type.name) ?? []), ...notes] }),
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: valuesId, initializer: `[${literals.join(", ")}] as const satisfies readonly ${id}[]` }],
      docs: [{ kind: StructureKind.JSDoc, description: `Every value of {@link ${id}}, in schema order.` }],
    },
  );
}
