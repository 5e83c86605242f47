/**
 * Commands → the `<Api>Commands` map type: wire name → `{ args; returns }`.
 * @module
 */
import { StructureKind } from "ts-morph";
import type { Command, TypeRef } from "../ir.js";
import type { EmitModel, FileBuilder } from "./context.js";
import { buildDocs } from "./docs.js";
import { stringLiteral } from "./identifiers.js";
import { sortedBy } from "./naming.js";
import { typeText } from "./type-ref.js";

/** `true` when a value of the type may be omitted entirely: a struct with no required member. */
export function argsOptional(ref: TypeRef, model: EmitModel): boolean {
  if (ref.kind !== "named") return false;
  const type = model.typesByName.get(ref.name);
  return type?.kind === "object" && type.variants === undefined && type.members.every((m) => m.optional);
}

/** The `args` type of a command: `undefined` when it takes none, `| undefined` when all are optional. */
export function argsText(command: Command, file: FileBuilder): string {
  if (command.args === undefined) return "undefined";
  const text = typeText(command.args, file);
  return argsOptional(command.args, file.model) ? `${text} | undefined` : text;
}

/**
 * The `returns` type: `Record<string, never>` for commands that return `{}` (what the
 * runtime resolves with), `undefined` for commands without a success reply
 * (`success-response: false`), which resolve once the command is written.
 */
export function returnsText(command: Command, file: FileBuilder): string {
  if (!command.successResponse) return "undefined";
  return command.returns === undefined ? "Record<string, never>" : typeText(command.returns, file);
}

/** Emits `interface <Api>Commands { "name": { args: A; returns: R } }`. */
export function emitCommandMap(commands: readonly Command[], file: FileBuilder): void {
  const { fixed } = file.model.plan;
  file.add({
    kind: StructureKind.Interface,
    name: file.use(fixed.commands),
    isExported: true,
    docs: [
      {
        kind: StructureKind.JSDoc,
        // A leading newline makes ts-morph write a block comment.
        description:
          "\nEvery command: wire name → `{ args, returns }`.\n\n`args: undefined` when it takes none;\n" +
          "`returns: Record<string, never>` when it returns `{}`, `undefined` when it sends no reply.",
      },
    ],
    properties: sortedBy(commands, (c) => c.name).map((c) => ({
      kind: StructureKind.PropertySignature,
      name: stringLiteral(c.name),
      type: `{ args: ${argsText(c, file)}; returns: ${returnsText(c, file)} }`,
      docs: buildDocs(c),
    })),
  });
}
