/**
 * `help`, `help COMMAND [key=value...]`, `COMMAND?`, `help EVENT`: the argument tree from the
 * live schema — names, types, optional markers (`*`), enum values, union branches,
 * deprecated/unstable features, the return type.
 * @module
 */
import { columns, type Palette } from "./format.js";
import type { QmpSchema } from "../schema/qmp-schema.js";
import { entryField, enumMembers, membersOf, objectEntry, typeLabel, unionOf, type MemberView } from "./schema-walk.js";

const MAX_DEPTH = 4;

/** Help text for the shell's own commands. */
export const BUILTIN_HELP = [
  "COMMAND key=value key.sub=value ...   run a QMP command (values: int, true/false, null, JSON, else text)",
  '{"execute": ...}                      send a raw QMP message',
  "transaction( ACTION args , ... )      a transaction; or one action per line after 'transaction(', ')' ends",
  "help [COMMAND|EVENT] [key=value ...]  list commands, or describe one (key=value picks union branches)",
  "COMMAND?                              same as help COMMAND",
  "events [on|off|EVENT ...]             show events as they arrive (all, none, or only these)",
  "wait EVENT [TIMEOUT]                  wait for the next EVENT (TIMEOUT in ms, or 5s)",
  "quit, exit, Ctrl-D                    leave; Ctrl-C cancels a running command",
];

/** `help` with no topic: the commands in columns, how to reach the events, then the shell's own commands. */
export function helpIndex(commands: readonly string[], width: number, palette: Palette, events: readonly string[] = []): string {
  return [
    palette.bold(`Commands (${commands.length}; Tab completes, help COMMAND describes one):`),
    columns([...commands].sort(), width),
    "",
    ...(events.length > 0
      ? [palette.bold(`Events: ${events.length}; help EVENT describes one, wait EVENT waits for it (Tab completes)`), ""]
      : []),
    palette.bold("Shell:"),
    ...BUILTIN_HELP.map((l) => `  ${l}`),
  ].join("\n");
}

/** Help for a command or an event; undefined when the schema has neither. */
export function helpTopic(schema: QmpSchema, topic: string, given: unknown, palette: Palette): string | undefined {
  const entry = schema.command(topic) ?? schema.event(topic);
  if (entry === undefined) return undefined;
  const isCommand = entry["meta-type"] === "command";
  const lines: string[] = [];
  const features = entry.features ?? [];
  const oob = isCommand && entryField<boolean>(entry, "allow-oob") === true;
  const flags = [...features, ...(oob ? ["allow-oob"] : [])];
  lines.push(`${palette.bold(topic)} (${isCommand ? "command" : "event"})${flags.length > 0 ? ` [${flags.join(", ")}]` : ""}`);
  const args = entryField<string>(entry, "arg-type");
  const argLines = args === undefined ? [] : objectTree(schema, args, given, 1, [args], palette, true);
  lines.push(isCommand ? "arguments:" : "data:");
  lines.push(...(argLines.length > 0 ? argLines : ["  (none)"]));
  if (isCommand) {
    const ret = entryField<string>(entry, "ret-type") ?? "0";
    const retEntry = schema.type(ret);
    const element = retEntry?.["meta-type"] === "array" ? (entryField<string>(retEntry, "element-type") ?? ret) : ret;
    lines.push(`returns: ${typeLabel(schema, ret)}`);
    if (objectEntry(schema, element) !== undefined && typeLabel(schema, element) !== "{}")
      lines.push(...objectTree(schema, element, undefined, 1, [element], palette, false));
  }
  return lines.join("\n");
}

/** Member lines of an object type (and of its union branches). */
function objectTree(
  schema: QmpSchema,
  typeName: string,
  given: unknown,
  depth: number,
  stack: readonly string[],
  palette: Palette,
  top: boolean,
): string[] {
  const pad = "  ".repeat(depth);
  const union = unionOf(schema, typeName);
  const chosen = union !== undefined && isRecord(given) ? given[union.tag] : undefined;
  const lines = membersOf(schema, typeName, given).flatMap((m) => memberLines(schema, m, given, depth, stack, palette));
  if (union === undefined || typeof chosen === "string") return lines;
  const cases = union.variants.map((v) => v.case);
  if (!top || depth > 1) {
    lines.push(`${pad}${palette.dim(`(more members depending on ${union.tag}: ${cases.join(" | ")})`)}`);
    return lines;
  }
  lines.push(`${pad}${palette.dim(`branches on '${union.tag}' (help ... ${union.tag}=VALUE shows one):`)}`);
  for (const variant of union.variants) {
    const branch = membersOf(schema, variant.type, undefined);
    lines.push(`${pad}${palette.bold(`${union.tag}=${variant.case}`)}${branch.length === 0 ? " (no more members)" : ":"}`);
    lines.push(...branch.flatMap((m) => memberLines(schema, m, undefined, depth + 1, stack, palette)));
  }
  return lines;
}

function memberLines(
  schema: QmpSchema,
  member: MemberView,
  given: unknown,
  depth: number,
  stack: readonly string[],
  palette: Palette,
): string[] {
  const pad = "  ".repeat(depth);
  const name = `${member.optional ? "*" : ""}${member.name}`;
  const features = member.features.length > 0 ? ` [${member.features.join(", ")}]` : "";
  const head = `${pad}${palette.key(name)}: ${typeText(schema, member.type)}${features}`;
  const objectType = elementObject(schema, member.type);
  if (objectType === undefined || depth >= MAX_DEPTH) return [head];
  if (stack.includes(objectType)) return [`${head} ${palette.dim("(recursive)")}`];
  const inner = isRecord(given) ? given[member.name] : undefined;
  return [head, ...objectTree(schema, objectType, inner, depth + 1, [...stack, objectType], palette, false)];
}

/** The object whose members a member's value holds: the type itself, an array's element, an alternate's object branch. */
function elementObject(schema: QmpSchema, typeName: string): string | undefined {
  const entry = schema.type(typeName);
  const inner = entry?.["meta-type"] === "array" ? (entryField<string>(entry, "element-type") ?? typeName) : typeName;
  const object = objectEntry(schema, inner);
  return object !== undefined &&
    (entryField<unknown[]>(object, "members") ?? []).length + (unionOf(schema, object.name) ? 1 : 0) > 0
    ? object.name
    : undefined;
}

/** `enum: a | b(deprecated)`, `[str]`, `str | object`, ... */
function typeText(schema: QmpSchema, typeName: string): string {
  const entry = schema.type(typeName);
  if (entry?.["meta-type"] === "enum") {
    const values = enumMembers(schema, typeName).map((v) =>
      v.features.length > 0 ? `${v.name}(${v.features.join(",")})` : v.name,
    );
    return `enum ${values.join(" | ")}`;
  }
  if (entry?.["meta-type"] === "array") {
    const element = entryField<string>(entry, "element-type") ?? "";
    if (schema.type(element)?.["meta-type"] === "enum") return `[${typeText(schema, element)}]`;
  }
  return typeLabel(schema, typeName);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
