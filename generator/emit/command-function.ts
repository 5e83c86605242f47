/**
 * Commands → thin camelCase wrapper functions that only forward to `qmp.execute`.
 * @module
 */
import {
  StructureKind,
  type FunctionDeclarationStructure,
  type OptionalKind,
  type ParameterDeclarationStructure,
} from "ts-morph";
import type { Command } from "../ir.js";
import { argsOptional, returnsText } from "./command.js";
import type { FileBuilder } from "./context.js";
import { buildDocs } from "./docs.js";
import { docCode, stringLiteral } from "./identifiers.js";
import { sortedBy } from "./naming.js";
import { typeText } from "./type-ref.js";

/** Emits the in-band options type and one wrapper per command. */
export function emitCommandFunctions(commands: readonly Command[], file: FileBuilder): void {
  const { fixed } = file.model.plan;
  file.add({
    kind: StructureKind.TypeAlias,
    name: file.use(fixed.inBandOptions),
    isExported: true,
    type: `Omit<${file.runtime("ExecuteOptions")}, "oob"> & { oob?: false | undefined }`,
    docs: [{ kind: StructureKind.JSDoc, description: "Execution options for commands that cannot run out-of-band." }],
  });
  for (const c of sortedBy(commands, (c) => c.name)) file.add(commandFunction(c, file));
}

function commandFunction(command: Command, file: FileBuilder): FunctionDeclarationStructure {
  const { plan } = file.model;
  const name = file.use(plan.functions.get(command.name) ?? "command");
  const params: OptionalKind<ParameterDeclarationStructure>[] = [{ name: "qmp", type: file.runtime("QmpExecutor") }];
  if (command.args !== undefined) {
    const optional = argsOptional(command.args, file.model);
    params.push({ name: "args", type: typeText(command.args, file), hasQuestionToken: optional });
  }
  const options = command.allowOob ? file.runtime("ExecuteOptions") : file.use(plan.fixed.inBandOptions);
  params.push({ name: "options", type: options, hasQuestionToken: true });
  const noReply = !command.successResponse;
  const returns = command.returns === undefined || noReply ? "void" : returnsText(command, file);
  // No reply on success: the runtime must not wait for one (an error reply is dropped).
  const forward = noReply ? "{ ...options, noReply: true }" : "options";
  const call = `qmp.execute(${stringLiteral(command.name)}, ${command.args === undefined ? "undefined" : "args"}, ${forward})`;
  const docs = buildDocs({
    ...command,
    notes: [
      `Executes ${docCode(command.name)}${command.allowOob ? "; may run out-of-band (`{ oob: true }`)" : ""}.`,
      ...(noReply ? ["The server sends no reply on success: resolves once the command is written (`noReply`)."] : []),
    ],
  });
  return {
    kind: StructureKind.Function,
    name,
    isExported: true,
    parameters: params,
    returnType: `Promise<${returns}>`,
    // Empty returns: QEMU answers `{}`; a `Promise<void>` wrapper resolves with undefined.
    statements: [
      command.returns === undefined && !noReply
        ? `return ${call}.then(() => undefined);`
        : `return ${call} as Promise<${returns}>;`,
    ],
    docs,
  };
}
