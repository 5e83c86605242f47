/**
 * Alternates → a union of the branch types.
 * @module
 */
import { StructureKind } from "ts-morph";
import type { AlternateType } from "../ir.js";
import type { FileBuilder } from "./context.js";
import { buildDocs } from "./docs.js";
import { typeText } from "./type-ref.js";

/** Emits `type X = A | B | C[]`. */
export function emitAlternate(type: AlternateType, file: FileBuilder): void {
  const branches = [...new Set(type.branches.map((b) => typeText(b.type, file)))];
  file.add({
    kind: StructureKind.TypeAlias,
    name: file.useType(type.name),
    isExported: true,
    type: branches.length > 0 ? branches.join(" | ") : "never",
    docs: buildDocs({ ...type, notes: file.model.usage.get(type.name) }),
  });
}
