/**
 * The shell's view of schema types for completion, help and error hints: the members of an
 * object given the arguments typed so far (a union's branch is chosen by its discriminator
 * value), the values that fit a type, short type labels. Validation and query strings are
 * the live schema's job; this only walks `schema.type(name)` entries.
 * @module
 */
import type { QmpSchema } from "../schema/qmp-schema.js";
import type { SchemaInfo } from "../schema/schema-info.js";

/** An object member as the shell shows it. */
export interface MemberView {
  readonly name: string;
  /** Masked type name. */
  readonly type: string;
  readonly optional: boolean;
  readonly features: readonly string[];
}

interface WireMember {
  name: string;
  type: string;
  default?: unknown;
  features?: string[];
}

interface WireVariant {
  case: string;
  type: string;
}

function field<T>(entry: SchemaInfo | undefined, key: string): T | undefined {
  return (entry as Readonly<Record<string, unknown>> | undefined)?.[key] as T | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The members of an object entry (base, then the branch selected by `given[tag]`). */
export function membersOf(schema: QmpSchema, typeName: string, given?: unknown, depth = 0): MemberView[] {
  const entry = objectEntry(schema, typeName);
  if (entry === undefined || depth > 8) return [];
  const members = (field<WireMember[]>(entry, "members") ?? []).map((m): MemberView => ({
    name: m.name,
    type: m.type,
    optional: "default" in m,
    features: m.features ?? [],
  }));
  const tag = field<string>(entry, "tag");
  const value = tag !== undefined && isRecord(given) ? given[tag] : undefined;
  if (typeof value === "string") {
    const branch = field<WireVariant[]>(entry, "variants")?.find((v) => v.case === value);
    if (branch !== undefined) members.push(...membersOf(schema, branch.type, given, depth + 1));
  }
  return members;
}

/** The union of `typeName` (its discriminator and branches), when it is one. */
export function unionOf(schema: QmpSchema, typeName: string): { tag: string; variants: WireVariant[] } | undefined {
  const entry = objectEntry(schema, typeName);
  const tag = field<string>(entry, "tag");
  const variants = field<WireVariant[]>(entry, "variants");
  return tag !== undefined && variants !== undefined ? { tag, variants } : undefined;
}

/** The object an entry stands for: itself, or an alternate's object branch. */
export function objectEntry(schema: QmpSchema, typeName: string): SchemaInfo | undefined {
  const entry = schema.type(typeName);
  if (entry?.["meta-type"] === "object") return entry;
  if (entry?.["meta-type"] === "alternate") {
    for (const branch of field<{ type: string }[]>(entry, "members") ?? []) {
      if (schema.type(branch.type)?.["meta-type"] === "object") return schema.type(branch.type);
    }
  }
  return undefined;
}

/** The member reached by `path` from object type `root`, given the arguments typed so far. */
export function memberAt(schema: QmpSchema, root: string, path: readonly string[], given: unknown): MemberView | undefined {
  let typeName = root;
  let args = given;
  let member: MemberView | undefined;
  for (const name of path) {
    member = membersOf(schema, typeName, args).find((m) => m.name === name);
    if (member === undefined) return undefined;
    typeName = member.type;
    args = isRecord(args) ? args[name] : undefined;
  }
  return member;
}

/** The arguments object type of a command (or data type of an event). */
export function argType(schema: QmpSchema, name: string): string | undefined {
  return field<string>(schema.command(name) ?? schema.event(name), "arg-type");
}

/** Words that fit a type as a whole value: enum values, true/false, null. */
export function valueWords(schema: QmpSchema, typeName: string, depth = 0): string[] {
  const entry = schema.type(typeName);
  if (entry === undefined || depth > 4) return [];
  switch (entry["meta-type"]) {
    case "enum":
      return [...(field<string[]>(entry, "values") ?? [])];
    case "builtin": {
      const json = field<string>(entry, "json-type");
      return json === "boolean" ? ["true", "false"] : json === "null" ? ["null"] : [];
    }
    case "alternate":
      return (field<{ type: string }[]>(entry, "members") ?? []).flatMap((m) => valueWords(schema, m.type, depth + 1));
    default:
      return [];
  }
}

/**
 * The JSON types a value of this type may have: a builtin's (`string`, `int`, `number`,
 * `boolean`, `null`, `value`), `string` for an enum, each branch's for an alternate.
 */
export function jsonTypesOf(schema: QmpSchema, typeName: string, depth = 0): Set<string> {
  const entry = schema.type(typeName);
  switch (entry?.["meta-type"]) {
    case "builtin":
      return new Set([field<string>(entry, "json-type") ?? "value"]);
    case "enum":
      return new Set(["string"]);
    case "object":
    case "array":
      return new Set([entry["meta-type"]]);
    case "alternate":
      if (depth > 4) return new Set(["value"]);
      return new Set(
        (field<{ type: string }[]>(entry, "members") ?? []).flatMap((m) => [...jsonTypesOf(schema, m.type, depth + 1)]),
      );
    default:
      return new Set(["value"]);
  }
}

/** A short human label for a masked type: `str`, `int`, `enum`, `object`, `[str]`, `str | object`. */
export function typeLabel(schema: QmpSchema, typeName: string, depth = 0): string {
  const entry = schema.type(typeName);
  if (entry === undefined) return typeName;
  switch (entry["meta-type"]) {
    case "builtin":
      return entry.name;
    case "array":
      return `[${typeLabel(schema, field<string>(entry, "element-type") ?? "?", depth + 1)}]`;
    case "alternate":
      if (depth > 2) return "alternate";
      return (field<{ type: string }[]>(entry, "members") ?? []).map((m) => typeLabel(schema, m.type, depth + 1)).join(" | ");
    case "object":
      return entry.name === "0" && (field<unknown[]>(entry, "members") ?? []).length === 0 ? "{}" : "object";
    default:
      return entry["meta-type"];
  }
}

/** Enum value names with their features (`deprecated`, `unstable`), for help. */
export function enumMembers(schema: QmpSchema, typeName: string): { name: string; features: string[] }[] {
  const entry = schema.type(typeName);
  if (entry?.["meta-type"] !== "enum") return [];
  const members = field<{ name: string; features?: string[] }[]>(entry, "members");
  if (members !== undefined) return members.map((m) => ({ name: m.name, features: m.features ?? [] }));
  return (field<string[]>(entry, "values") ?? []).map((name) => ({ name, features: [] }));
}

/** The field of an entry, for the few places that need a raw one (`ret-type`, `allow-oob`, alternates' members). */
export function entryField<T>(entry: SchemaInfo | undefined, key: string): T | undefined {
  return field<T>(entry, key);
}
