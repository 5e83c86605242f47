/**
 * Maps validated SchemaInfo entries to the IR, replacing masked names with derived ones.
 * @module
 */
import type {
  AlternateType,
  BuiltinName,
  Command,
  EnumType,
  Event,
  Member,
  NamedType,
  ObjectType,
  QemuVersion,
  Schema,
  TypeRef,
  VariantCase,
} from "../ir.js";
import { deriveNames, deriveRootAliases, isEmptyObject, type RootAlias } from "./naming.js";
import type { RawBuiltin, RawEntry, RawObject } from "./schema-info.js";
import type { EntryTable } from "./semantics.js";

// Introspection names built-ins after their JSON type; the entry name is not trusted.
const BUILTIN_BY_JSON_TYPE: Readonly<Record<RawBuiltin["json-type"], BuiltinName>> = {
  string: "str",
  number: "number",
  int: "int",
  boolean: "bool",
  null: "null",
  value: "any",
  object: "any",
  array: "any",
};

/** Commands whose arguments take properties the schema does not list. */
const EXTRA_PROPERTY_COMMANDS: ReadonlySet<string> = new Set(["device_add"]);

const features = (f: readonly string[] | undefined): string[] => [...(f ?? [])];

/** Builds the IR for a checked entry table. */
export function introspectionToIr(table: EntryTable, qemuVersion?: QemuVersion): Schema {
  const names = deriveNames(table);
  const aliases = deriveRootAliases(table, names);
  const ref = (schemaName: string): TypeRef => {
    const entry = table.byName.get(schemaName);
    if (entry?.["meta-type"] === "builtin") return { kind: "builtin", name: BUILTIN_BY_JSON_TYPE[entry["json-type"]] };
    if (entry?.["meta-type"] === "array") return { kind: "array", element: ref(entry["element-type"]) };
    const name = names.get(schemaName);
    // Unreachable by construction: every referenced named type was named by deriveNames.
    if (name === undefined) throw new Error(`internal: no name for type ${JSON.stringify(schemaName)}`);
    return { kind: "named", name };
  };
  const optionalRef = (schemaName: string): TypeRef | undefined =>
    isEmptyObject(table.byName.get(schemaName)) ? undefined : ref(schemaName);

  const extraArgs = new Set<string>();
  const commands: Command[] = [];
  const events: Event[] = [];
  for (const entry of table.byName.values()) {
    if (entry["meta-type"] === "command") {
      const args = optionalRef(entry["arg-type"]);
      if (EXTRA_PROPERTY_COMMANDS.has(entry.name)) extraArgs.add(entry["arg-type"]);
      commands.push({
        kind: "command",
        name: entry.name,
        args,
        boxed: false,
        returns: optionalRef(entry["ret-type"]),
        allowOob: entry["allow-oob"] === true,
        successResponse: true,
        features: features(entry.features),
      });
    } else if (entry["meta-type"] === "event") {
      events.push({
        kind: "event",
        name: entry.name,
        data: optionalRef(entry["arg-type"]),
        boxed: false,
        features: features(entry.features),
      });
    }
  }

  const types: NamedType[] = [];
  for (const [schemaName, name] of names) {
    const entry = table.byName.get(schemaName);
    if (!entry) continue;
    types.push(
      toNamedType(entry, name, { ref, table, extra: extraArgs.has(schemaName), names, aliases: aliases.get(schemaName) }),
    );
  }
  return { types, commands, events, qemuVersion };
}

interface Ctx {
  readonly ref: (schemaName: string) => TypeRef;
  readonly table: EntryTable;
  readonly extra: boolean;
  readonly names: ReadonlyMap<string, string>;
  readonly aliases: readonly RootAlias[] | undefined;
}

function toNamedType(entry: RawEntry, name: string, ctx: Ctx): NamedType {
  const aliases = ctx.aliases?.map((a) => ({ ...a }));
  const base = { name, schemaName: entry.name, features: features(entry.features), ...(aliases ? { aliases } : {}) };
  switch (entry["meta-type"]) {
    case "enum": {
      const valueFeatures = new Map((entry.members ?? []).map((m) => [m.name, features(m.features)]));
      const result: EnumType = {
        ...base,
        kind: "enum",
        values: entry.values.map((v) => ({ name: v, features: valueFeatures.get(v) ?? [] })),
      };
      return result;
    }
    case "alternate": {
      const result: AlternateType = {
        ...base,
        kind: "alternate",
        branches: entry.members.map((m) => ({ type: ctx.ref(m.type) })),
      };
      return result;
    }
    case "object":
      return toObject(entry, base, ctx);
    default:
      throw new Error(`internal: ${entry["meta-type"]} ${JSON.stringify(entry.name)} is not a named type`);
  }
}

function toObject(
  entry: RawObject,
  base: Pick<ObjectType, "name" | "schemaName" | "features" | "aliases">,
  ctx: Ctx,
): ObjectType {
  const members: Member[] = entry.members.map((m) => ({
    name: m.name,
    type: ctx.ref(m.type),
    optional: "default" in m,
    features: features(m.features),
  }));
  let variants: ObjectType["variants"];
  if (entry.tag !== undefined && entry.variants !== undefined) {
    const tagMember = entry.members.find((m) => m.name === entry.tag);
    const tagEnum = tagMember && ctx.table.byName.get(tagMember.type);
    const byCase = new Map(entry.variants.map((v) => [v.case, v.type]));
    // Every enum value gets a case; values without a branch (or with the empty object) add nothing.
    const values = tagEnum?.["meta-type"] === "enum" ? tagEnum.values : entry.variants.map((v) => v.case);
    const cases: VariantCase[] = values.map((tag) => {
      const type = byCase.get(tag);
      const named = type === undefined || isEmptyObject(ctx.table.byName.get(type)) ? undefined : ctx.names.get(type);
      return { tag, type: named };
    });
    variants = { discriminator: entry.tag, cases };
  }
  return { ...base, kind: "object", members, variants, extraProperties: ctx.extra ? true : undefined };
}
