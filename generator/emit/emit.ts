/**
 * The emitter: IR → the TypeScript files of one binding set, formatted, in memory.
 * @module
 */
import { Project, StructureKind } from "ts-morph";
import type { ObjectType, Schema, Variants } from "../ir.js";
import { emitAliases, emitBuiltinResults, emitEmptyRoots } from "./alias.js";
import { emitAlternate } from "./alternate.js";
import { emitCommandMap } from "./command.js";
import { emitCommandFunctions } from "./command-function.js";
import { FileBuilder, type EmitModel } from "./context.js";
import { emitEnum } from "./enum.js";
import { emitApi, emitEvents } from "./event.js";
import { finishFile } from "./format.js";
import { emitMetadata } from "./metadata.js";
import { planNames, sortedBy, type OutFile } from "./naming.js";
import { emitStruct } from "./object.js";
import type { EmitOptions } from "./options.js";
import { emitUnion } from "./union.js";
import { usageNotes } from "./usage.js";

/** Output files in the order they are listed; `index.ts` re-exports the others. */
const FILES: readonly OutFile[] = ["api", "commands", "functions", "events", "types", "enums", "metadata"];

const isUnion = (t: ObjectType): t is ObjectType & { variants: Variants } => t.variants !== undefined;

/**
 * Generates the binding set.
 * @returns file name (e.g. `types.ts`) → formatted content, in a stable order.
 */
export async function emitBindings(schema: Schema, options: EmitOptions): Promise<Map<string, string>> {
  const plan = planNames(schema, options);
  const model: EmitModel = {
    schema,
    options,
    plan,
    typesByName: new Map(schema.types.map((t) => [t.name, t])),
    usage: usageNotes(schema, plan),
  };
  const files = new Map(FILES.map((f) => [f, new FileBuilder(f, model)]));
  const file = (name: OutFile): FileBuilder => files.get(name) ?? new FileBuilder(name, model);

  emitApi(file("api"));
  emitCommandMap(schema.commands, file("commands"));
  emitCommandFunctions(schema.commands, file("functions"));
  emitEvents(schema.events, file("events"));
  for (const type of sortedBy(schema.types, (t) => model.plan.types.get(t.name) ?? t.name)) {
    if (type.kind === "enum") emitEnum(type, file("enums"));
    else if (type.kind === "alternate") emitAlternate(type, file("types"));
    else if (isUnion(type)) emitUnion(type, file("types"));
    else emitStruct(type, file("types"));
    emitAliases(type, file(type.kind === "enum" ? "enums" : "types"));
  }
  emitBuiltinResults(schema.commands, file("types"));
  emitEmptyRoots(file("types"));
  emitMetadata(schema, file("metadata"));

  const index = new FileBuilder("index", model);
  index.add(...FILES.map((f) => ({ kind: StructureKind.ExportDeclaration as const, moduleSpecifier: `./${f}.js` })));

  const project = new Project({ useInMemoryFileSystem: true });
  const out = new Map<string, string>();
  for (const builder of [...files.values(), index]) {
    const source = project.createSourceFile(`${builder.file}.ts`, {
      statements: [...builder.imports(), ...builder.statements],
    });
    out.set(`${builder.file}.ts`, await finishFile(source.getFullText(), options));
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}
