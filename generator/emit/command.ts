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
 * The `returns` type: `undefined` for commands that return `{}`, and for commands without
 * a success reply (`success-response: false`), which resolve once the command is written.
 */
export function returnsText(command: Command, file: FileBuilder): string {
  return command.returns === undefined || !command.successResponse ? "undefined" : typeText(command.returns, file);
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
        description: "Every command: wire name → `{ args, returns }` (`args: undefined` when it takes none).",
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
