/**
 * What would be valid where an argument went wrong: enum values, a union's branches, the
 * members an object accepts, the type a missing member needs, commands close to a typo.
 * @module
 */
import type { QmpSchema } from "../schema/qmp-schema.js";
import type { ArgumentIssue } from "../schema/validate.js";
import { argType, entryField, membersOf, objectEntry, typeLabel, unionOf, valueWords, type MemberView } from "./schema-walk.js";
import { suggest } from "./suggest.js";

/** Lines explaining `issue` (the first problem QEMU would report) for a person. */
export function issueHints(schema: QmpSchema, command: string, args: unknown, issue: ArgumentIssue): string[] {
  if (!schema.hasCommand(command)) {
    const near = suggest(command, schema.commands());
    return near.length > 0 ? [`did you mean: ${near.join(", ")}`] : ["help lists the commands"];
  }
  const root = argType(schema, command);
  if (root === undefined) return [];
  const path = splitPath(issue.path);
  const parent = walk(schema, root, path.slice(0, -1), args);
  if (/ is unexpected$/.test(issue.message)) {
    if (parent === undefined) return [];
    const members = membersOf(schema, parent.type, parent.value);
    if (members.length === 0)
      return [path.length > 1 ? `'${path.slice(0, -1).join(".")}' takes no members` : `${command} takes no arguments`];
    const last = path[path.length - 1] ?? "";
    const near = suggest(
      last,
      members.map((m) => m.name),
      3,
    );
    return [
      ...(near.length > 0 ? [`did you mean: ${near.join(", ")}`] : []),
      `valid members${path.length > 1 ? ` of '${path.slice(0, -1).join(".")}'` : ""}: ${memberList(members)}`,
      ...branchHint(schema, parent.type, parent.value),
    ];
  }
  const type = issue.type ?? (parent === undefined ? undefined : memberType(schema, parent, path[path.length - 1] ?? ""));
  if (type === undefined) return [];
  const entry = schema.type(type);
  const integer = entry?.["meta-type"] === "builtin" && entry["json-type"] === "int";
  return typeHints(schema, type, issue.path, integer ? integerWidth(schema, command, args, issue.path) : undefined);
}

/**
 * The width the schema gives the integer member at `path` (`uint32`, `uint64`, `int8`, ...;
 * `int` for int64), read off the validator's verdict on probe values: introspection shows
 * only `int`, and the widths are the schema's own knowledge.
 */
function integerWidth(schema: QmpSchema, command: string, args: unknown, path: string): string {
  const verdict = (value: bigint) =>
    schema.validateArguments(command, withValueAt(args, path, value)).find((i) => i.path === path)?.message;
  const unsigned = verdict(2n ** 63n);
  if (unsigned === undefined) return "uint64";
  const narrow = / expects (u?int\d+)_t$/.exec(unsigned) ?? / expects (int\d+)_t$/.exec(verdict(2n ** 62n) ?? "");
  return narrow?.[1] ?? "int";
}

/** A copy of `args` with `value` at the QEMU path `path` (`options.size`, `bitmaps[1].granularity`). */
function withValueAt(args: unknown, path: string, value: bigint): Record<string, unknown> {
  const root: Record<string, unknown> = isRecord(args) ? structuredClone(args) : {};
  const parts = path.match(/[^.[\]]+/g) ?? [];
  let node: Record<string, unknown> = root;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) node[part] = value;
    else {
      if (typeof node[part] !== "object" || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
  });
  return root;
}

/** What fits type `type` at `where`; `integer` names an integer member's width. */
function typeHints(schema: QmpSchema, type: string, where: string, integer?: string): string[] {
  const entry = schema.type(type);
  const values = valueWords(schema, type);
  const label = integer ?? typeLabel(schema, type);
  if (entry?.["meta-type"] === "enum") return [`valid values for '${where}': ${values.join(", ")}`];
  const object = objectEntry(schema, type);
  if (object !== undefined) {
    const members = membersOf(schema, object.name, undefined);
    const union = unionOf(schema, object.name);
    const lines = [`'${where}' expects ${label}${members.length > 0 ? ` with members: ${memberList(members)}` : ""}`];
    if (union !== undefined)
      lines.push(`branches by ${where === "" ? "" : `${where}.`}${union.tag}: ${union.variants.map((v) => v.case).join(", ")}`);
    return lines;
  }
  if (entry?.["meta-type"] === "array") {
    const element = entryField<string>(entry, "element-type") ?? "";
    return [
      `'${where}' expects a JSON array of ${typeLabel(schema, element)}`,
      ...typeHints(schema, element, `${where}[]`).slice(0, 1),
    ];
  }
  return [`'${where}' expects ${label}${values.length > 0 ? ` (${values.join(", ")})` : ""}`];
}

function branchHint(schema: QmpSchema, type: string, value: unknown): string[] {
  const union = unionOf(schema, type);
  if (union === undefined) return [];
  const chosen = isRecord(value) ? value[union.tag] : undefined;
  if (typeof chosen === "string") return [];
  return [`more members depend on '${union.tag}': ${union.variants.map((v) => v.case).join(", ")}`];
}

function memberList(members: readonly MemberView[]): string {
  return members.map((m) => `${m.optional ? "*" : ""}${m.name}`).join(", ");
}

/** `a[0].b.c` → ["a", "b", "c"]: array indices are looked through. */
function splitPath(path: string): string[] {
  return path === "" ? [] : path.split(".").map((part) => part.replace(/\[\d+\]/g, ""));
}

interface Position {
  type: string;
  value: unknown;
}

/** Follows `path` through objects (and arrays' elements), keeping the value typed there. */
function walk(schema: QmpSchema, root: string, path: readonly string[], args: unknown): Position | undefined {
  let position: Position = { type: root, value: args };
  for (const name of path) {
    const type = memberType(schema, position, name);
    if (type === undefined) return undefined;
    const value = isRecord(position.value) ? position.value[name] : undefined;
    position = { type, value: Array.isArray(value) ? value[0] : value };
  }
  return position;
}

function memberType(schema: QmpSchema, position: Position, name: string): string | undefined {
  const found = membersOf(schema, position.type, position.value).find((m) => m.name === name)?.type;
  const entry = found === undefined ? undefined : schema.type(found);
  return entry?.["meta-type"] === "array" ? entryField<string>(entry, "element-type") : found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
