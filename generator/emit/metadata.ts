/**
 * Exported runtime metadata: command and event names, oob-capable commands, and features of
 * commands, events, types, members and enum values.
 * @module
 */
import { StructureKind, VariableDeclarationKind, type VariableStatementStructure } from "ts-morph";
import type { Schema } from "../ir.js";
import type { FileBuilder } from "./context.js";
import { stringLiteral } from "./identifiers.js";
import { sortedBy } from "./naming.js";

// `"__proto__": x` in an object literal sets the prototype; a computed key makes a property.
const objectKey = (key: string): string => (key === "__proto__" ? `[${stringLiteral(key)}]` : stringLiteral(key));

const list = (items: readonly string[]): string => `[${items.map(stringLiteral).join(", ")}]`;

function record(entries: readonly (readonly [string, readonly string[]])[]): string {
  const sorted = sortedBy(
    entries.filter(([, f]) => f.length > 0),
    ([k]) => k,
  );
  return `{ ${sorted.map(([k, f]) => `${objectKey(k)}: ${list(f)}`).join(", ")} }`;
}

function constant(name: string, initializer: string, description: string): VariableStatementStructure {
  return {
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name, initializer }],
    docs: [{ kind: StructureKind.JSDoc, description }],
  };
}

/** Emits the metadata constants. */
export function emitMetadata(schema: Schema, file: FileBuilder): void {
  const { plan } = file.model;
  const { fixed } = plan;
  const commands = sortedBy(schema.commands, (c) => c.name);
  const events = sortedBy(schema.events, (e) => e.name);
  const commandKey = `readonly (keyof ${file.use(fixed.commands)})[]`;
  const eventKey = `readonly (keyof ${file.use(fixed.events)})[]`;
  const typeId = (name: string): string => plan.types.get(name) ?? name;
  const members: [string, readonly string[]][] = [];
  const values: [string, readonly string[]][] = [];
  for (const t of schema.types) {
    if (t.kind === "object") for (const m of t.members) members.push([`${typeId(t.name)}.${m.name}`, m.features]);
    if (t.kind === "enum") for (const v of t.values) values.push([`${typeId(t.name)}.${v.name}`, v.features]);
  }
  const features = [
    `commands: ${record(commands.map((c) => [c.name, c.features]))}`,
    `events: ${record(events.map((e) => [e.name, e.features]))}`,
    `types: ${record(schema.types.map((t) => [typeId(t.name), t.features]))}`,
    `members: ${record(members)}`,
    `enumValues: ${record(values)}`,
  ];
  file.add(
    constant(
      fixed.commandNames,
      `${list(commands.map((c) => c.name))} as const satisfies ${commandKey}`,
      "Names of every command, sorted.",
    ),
    constant(
      fixed.eventNames,
      `${list(events.map((e) => e.name))} as const satisfies ${eventKey}`,
      "Names of every event, sorted.",
    ),
    constant(
      fixed.oobCommands,
      `${list(commands.filter((c) => c.allowOob).map((c) => c.name))} as const satisfies ${commandKey}`,
      "Commands that may be sent with `exec-oob`.",
    ),
    constant(
      fixed.features,
      `{ ${features.join(", ")} } as const`,
      "Features by command, event, type, `Type.member` and `Enum.value` (only those that have any).",
    ),
  );
}
