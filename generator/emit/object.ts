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

/**
 * Properties every object inherits (TypeScript's `Object` interface). When a literal lacks an
 * optional member of that name, TypeScript checks the inherited one against the member's type
 * (`{}` is not assignable to `{ constructor?: number }`: `Function` is not `number`).
 */
const OBJECT_PROTOTYPE_KEYS: ReadonlySet<string> = new Set([
  "constructor",
  "toString",
  "toLocaleString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
]);

/**
 * A member's type. An optional member named like an inherited property also admits that
 * property's type (`number | Object["constructor"]`), which is also what reading it returns
 * when it is absent; otherwise no object without the member would be assignable.
 */
function memberType(m: Member, file: FileBuilder): string {
  const text = typeText(m.type, file);
  return m.optional && OBJECT_PROTOTYPE_KEYS.has(m.name) ? `${text} | Object[${stringLiteral(m.name)}]` : text;
}

/** Property signatures for members, keys always quoted (wire names are never identifiers). */
export function memberProperties(members: readonly Member[], file: FileBuilder): PropertySignatureStructure[] {
  return members.map((m) => {
    const note = precisionNote(m.type);
    return {
      kind: StructureKind.PropertySignature,
      name: stringLiteral(m.name),
      hasQuestionToken: m.optional,
      type: memberType(m, file),
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
