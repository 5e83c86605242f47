/**
 * Structs → interfaces with quoted wire keys; optional members get `?`.
 * @module
 */
import { StructureKind, type IndexSignatureDeclarationStructure, type PropertySignatureStructure } from "ts-morph";
import type { Member, ObjectType } from "../ir.js";
import type { FileBuilder } from "./context.js";
import { buildDocs } from "./docs.js";
import { stringLiteral } from "./identifiers.js";
import { precisionNote, typeText } from "./type-ref.js";

/** Property signatures for members, keys always quoted (wire names are never identifiers). */
export function memberProperties(members: readonly Member[], file: FileBuilder): PropertySignatureStructure[] {
  return members.map((m) => {
    const note = precisionNote(m.type);
    return {
      kind: StructureKind.PropertySignature,
      name: stringLiteral(m.name),
      hasQuestionToken: m.optional,
      type: typeText(m.type, file),
      docs: buildDocs({ ...m, notes: note ? [note] : [] }),
    };
  });
}

/** The index signature for objects that accept undeclared properties (`device_add`). */
export function extraPropertiesSignature(): IndexSignatureDeclarationStructure {
  return {
    kind: StructureKind.IndexSignature,
    keyName: "property",
    keyType: "string",
    returnType: "unknown",
    docs: [{ kind: StructureKind.JSDoc, description: "Properties the schema does not list (e.g. device properties)." }],
  };
}

/** Emits a struct (an object without variants) as an interface. */
export function emitStruct(type: ObjectType, file: FileBuilder): void {
  file.add({
    kind: StructureKind.Interface,
    name: file.useType(type.name),
    isExported: true,
    properties: memberProperties(type.members, file),
    indexSignatures: type.extraProperties ? [extraPropertiesSignature()] : [],
    docs: buildDocs({ ...type, notes: file.model.usage.get(type.name) }),
  });
}
