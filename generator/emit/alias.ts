/**
 * Aliases: further root names of a shared type (`export type AQueryXResult = QueryStatusResult;`),
 * declared right after the type, in the same file.
 * @module
 */
import { StructureKind } from "ts-morph";
import type { NameAlias, NamedType, Schema } from "../ir.js";
import type { FileBuilder } from "./context.js";
import { docCode } from "./identifiers.js";

/** The use an alias is named after, as doc text: "the result of `query-x`". */
function useText(alias: NameAlias, schema: Schema): string {
  const name = docCode(alias.usedBy);
  if (alias.role === "data") return `the data of event ${name}`;
  if (alias.role === "arguments") return `the arguments of ${name}`;
  const command = schema.commands.find((c) => c.name === alias.usedBy);
  return `${command?.returns?.kind === "array" ? "the element of the result" : "the result"} of ${name}`;
}

/** Emits `export type Alias = Type;` for every planned alias of `type`. */
export function emitAliases(type: NamedType, file: FileBuilder): void {
  const planned = file.model.plan.aliases.get(type.name) ?? [];
  if (planned.length === 0) return;
  const id = file.useType(type.name);
  for (const { id: aliasId, alias } of planned) {
    file.add({
      kind: StructureKind.TypeAlias,
      name: file.use(aliasId),
      isExported: true,
      type: id,
      docs: [
        {
          kind: StructureKind.JSDoc,
          description: `Same type as {@link ${id}}, named after ${useText(alias, file.model.schema)}.`,
        },
      ],
    });
  }
}
