/**
 * Every identifier the bindings export, chosen once up front: safe, unique across all output
 * files (index.ts re-exports them all), and owned by exactly one file.
 * @module
 */
import type { Command, NameAlias, NamedType, Schema, TypeRef } from "../ir.js";
import { camelCase, pascalCase } from "../names.js";
import { safeIdentifier } from "./identifiers.js";
import type { EmitOptions } from "./options.js";

/** The generated files of one binding set, without `.ts`. */
export type OutFile = "types" | "enums" | "commands" | "functions" | "events" | "api" | "metadata" | "index";

/** Runtime type names the bindings import; no generated declaration may take them. */
export const RUNTIME_NAMES = ["QmpExecutor", "ExecuteOptions", "QmpEvent", "QmpEventOf"] as const;

/** A runtime type the bindings import. */
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** Fixed API-level names, after prefixing and deduplication. */
export interface FixedNames {
  readonly api: string;
  readonly commands: string;
  readonly events: string;
  readonly event: string;
  readonly unknownEvent: string;
  readonly inBandOptions: string;
  readonly commandNames: string;
  readonly eventNames: string;
  readonly oobCommands: string;
  readonly features: string;
}

/** All identifiers of one binding set. */
export interface NamePlan {
  readonly fixed: FixedNames;
  /** IR type name → identifier. */
  readonly types: ReadonlyMap<string, string>;
  /** IR union name → identifier of its base interface. */
  readonly unionBases: ReadonlyMap<string, string>;
  /** IR enum name → identifier of its values array. */
  readonly enumValues: ReadonlyMap<string, string>;
  /** IR type name → identifiers of its aliases, each with the alias it comes from. */
  readonly aliases: ReadonlyMap<string, readonly PlannedAlias[]>;
  /** Command wire name → wrapper function identifier. */
  readonly functions: ReadonlyMap<string, string>;
  /**
   * Command wire name → identifier of its `<Command>Result` alias when the result is a
   * built-in type (`RingbufReadResult = string`): named types get theirs as aliases.
   */
  readonly builtinResults: ReadonlyMap<string, string>;
  /**
   * Root names of empty uses (no arguments, an empty result, an event without data), as
   * `Record<string, never>` aliases, so every command and event has all its root names.
   */
  readonly emptyRoots: readonly PlannedEmptyRoot[];
  /** Identifier → the file declaring it. */
  readonly owner: ReadonlyMap<string, OutFile>;
}

/** A root name of an empty use: `<Command>Arguments`, `<Command>Result` or `<Event>Data`. */
export interface PlannedEmptyRoot {
  readonly id: string;
  readonly usedBy: string;
  readonly role: NameAlias["role"];
}

/** An alias of a type, with its identifier. */
export interface PlannedAlias {
  readonly id: string;
  readonly alias: NameAlias;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sorts by a string key in code-unit order (locale-independent, so output is stable). */
export function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => byCodeUnit(key(a), key(b)));
}

/** Assigns every identifier. Earlier claims win, so fixed names keep their plain form. */
export function planNames(schema: Schema, options: EmitOptions): NamePlan {
  const taken = new Set<string>(RUNTIME_NAMES);
  const owner = new Map<string, OutFile>();
  const claim = (file: OutFile, proposal: string, fallback: string): string => {
    const base = safeIdentifier(proposal, fallback);
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
    taken.add(id);
    owner.set(id, file);
    return id;
  };
  const p = options.apiName;
  const fixed: FixedNames = {
    api: claim("api", `${p}Api`, "Api"),
    commands: claim("commands", `${p}Commands`, "Commands"),
    events: claim("events", `${p}Events`, "Events"),
    event: claim("events", `${p}Event`, "Event"),
    unknownEvent: claim("events", `${p}UnknownEvent`, "UnknownEvent"),
    inBandOptions: claim("functions", "InBandExecuteOptions", "InBandExecuteOptions"),
    commandNames: claim("metadata", "commandNames", "commandNames"),
    eventNames: claim("metadata", "eventNames", "eventNames"),
    oobCommands: claim("metadata", "oobCommands", "oobCommands"),
    features: claim("metadata", "features", "features"),
  };
  const sortedTypes = sortedBy(schema.types, (t) => t.name);
  const types = new Map<string, string>();
  for (const t of sortedTypes) types.set(t.name, claim(fileOf(t), t.name, "Type"));
  const unionBases = new Map<string, string>();
  const enumValues = new Map<string, string>();
  for (const t of sortedTypes) {
    const id = types.get(t.name) ?? "Type";
    if (t.kind === "object" && t.variants) unionBases.set(t.name, claim("types", `${id}Base`, "Base"));
    if (t.kind === "enum") enumValues.set(t.name, claim("enums", `${id}Values`, "Values"));
  }
  const functions = new Map<string, string>();
  for (const c of sortedBy(schema.commands, (c) => c.name))
    functions.set(c.name, claim("functions", camelCase(c.name), "command"));
  // Last, and only when free: an alias never takes a name from (or renames) anything else.
  const aliases = new Map<string, PlannedAlias[]>();
  for (const t of sortedTypes) {
    const planned: PlannedAlias[] = [];
    for (const alias of t.aliases ?? []) {
      const id = safeIdentifier(alias.name, "Type");
      if (taken.has(id)) continue;
      planned.push({ id: claim(fileOf(t), id, "Type"), alias });
    }
    if (planned.length > 0) aliases.set(t.name, planned);
  }
  const builtinResults = new Map<string, string>();
  for (const c of sortedBy(schema.commands, (c) => c.name)) {
    const id = safeIdentifier(`${pascalCase(c.name) || "Command"}Result`, "Type");
    if (builtinResult(c) !== undefined && !taken.has(id)) builtinResults.set(c.name, claim("types", id, "Type"));
  }
  const emptyRoots: PlannedEmptyRoot[] = [];
  const emptyRoot = (usedBy: string, role: NameAlias["role"], proposal: string): void => {
    const id = safeIdentifier(proposal, "Type");
    if (!taken.has(id)) emptyRoots.push({ id: claim("types", id, "Type"), usedBy, role });
  };
  for (const c of sortedBy(schema.commands, (c) => c.name)) {
    if (c.args === undefined) emptyRoot(c.name, "arguments", `${pascalCase(c.name) || "Command"}Arguments`);
    if (c.returns === undefined) emptyRoot(c.name, "result", `${pascalCase(c.name) || "Command"}Result`);
  }
  for (const e of sortedBy(schema.events, (e) => e.name))
    if (e.data === undefined) emptyRoot(e.name, "data", `${pascalCase(e.name) || "Event"}Data`);
  return { fixed, types, unionBases, enumValues, aliases, functions, builtinResults, emptyRoots, owner };
}

/** A command's result (for arrays: the element) when it is a built-in type. */
export function builtinResult(command: Command): Extract<TypeRef, { kind: "builtin" }> | undefined {
  let ref = command.returns;
  while (ref?.kind === "array") ref = ref.element;
  return ref?.kind === "builtin" ? ref : undefined;
}

function fileOf(type: NamedType): OutFile {
  return type.kind === "enum" ? "enums" : "types";
}
