/**
 * Flat unions → a base interface plus a discriminated union with one arm per tag value
 * (values without a branch included).
 * @module
 */
import { StructureKind } from "ts-morph";
import type { ObjectType, Variants } from "../ir.js";
import type { FileBuilder } from "./context.js";
import { buildDocs } from "./docs.js";
import { stringLiteral } from "./identifiers.js";
import { extraPropertiesSignature, memberProperties } from "./object.js";

/** Emits `interface XBase {...}` and `type X = (XBase & { tag: "a" } & XA) | ...`. */
export function emitUnion(type: ObjectType & { variants: Variants }, file: FileBuilder): void {
  const id = file.useType(type.name);
  const baseId = file.use(file.model.plan.unionBases.get(type.name) ?? `${id}Base`);
  const key = stringLiteral(type.variants.discriminator);
  const arms = type.variants.cases.map((c) => {
    const parts = [baseId, `{ ${key}: ${stringLiteral(c.tag)} }`];
    if (c.type !== undefined) parts.push(file.useType(c.type));
    return `(${parts.join(" & ")})`;
  });
  file.add(
    {
      kind: StructureKind.Interface,
      name: baseId,
      isExported: true,
      properties: memberProperties(type.members, file),
      indexSignatures: type.extraProperties ? [extraPropertiesSignature()] : [],
      docs: [{ kind: StructureKind.JSDoc, description: `Members common to every variant of {@link ${id}}.` }],
    },
    {
      kind: StructureKind.TypeAlias,
      name: id,
      isExported: true,
      type: arms.length > 0 ? arms.map((a) => `\n  | ${a}`).join("") : "never",
      docs: buildDocs({ ...type, notes: file.model.usage.get(type.name) }),
    },
  );
}
