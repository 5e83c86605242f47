/**
 * Aliases: further root names of a shared type (`export type AQueryXResult = QueryStatusResult;`),
 * declared right after the type, in the same file; and the `<Command>Result` of commands
 * returning a built-in type (`export type RingbufReadResult = string;`) and the root names of
 * empty uses (`export type StopResult = Record<string, never>;`).
 * @module
 */
import { StructureKind } from "ts-morph";
import type { Command, NameAlias, NamedType, Schema } from "../ir.js";
import type { FileBuilder } from "./context.js";
import { docCode } from "./identifiers.js";
import { builtinResult, sortedBy } from "./naming.js";
import { precisionNote, typeText } from "./type-ref.js";

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

/**
 * Emits `export type <Command>Result = string;` for every command whose result (or its
 * element) is a built-in type, so every command with a result has its `<Command>Result`.
 */
export function emitBuiltinResults(commands: readonly Command[], file: FileBuilder): void {
  for (const command of sortedBy(commands, (c) => c.name)) {
    const id = file.model.plan.builtinResults.get(command.name);
    const ref = builtinResult(command);
    if (id === undefined || ref === undefined) continue;
    const what = command.returns?.kind === "array" ? "The element of the result" : "The result";
    const note = precisionNote(ref);
    file.add({
      kind: StructureKind.TypeAlias,
      name: file.use(id),
      isExported: true,
      type: typeText(ref, file),
      docs: [
        {
          kind: StructureKind.JSDoc,
          description:
            note === undefined ? `${what} of ${docCode(command.name)}.` : `${what} of ${docCode(command.name)}.\n\n${note}`,
        },
      ],
    });
  }
}

/** Emits `export type StopResult = Record<string, never>;` for every planned empty root name. */
export function emitEmptyRoots(file: FileBuilder): void {
  for (const { id, usedBy, role } of file.model.plan.emptyRoots) {
    const what =
      role === "arguments"
        ? `${docCode(usedBy)} takes no arguments`
        : role === "result"
          ? `${docCode(usedBy)} returns an empty object`
          : `event ${docCode(usedBy)} carries no data`;
    file.add({
      kind: StructureKind.TypeAlias,
      name: file.use(id),
      isExported: true,
      type: "Record<string, never>",
      docs: [{ kind: StructureKind.JSDoc, description: `Empty: ${what}.` }],
    });
  }
}
