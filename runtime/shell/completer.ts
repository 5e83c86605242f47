/**
 * Tab completion from the live schema: command and event names, argument names at any depth
 * (members of the union branch chosen by a discriminator typed earlier on the line), and the
 * values that fit after `key=` (enum values, true/false, null).
 * @module
 */
import { transactionDataType, transactionTokens } from "./line-parser.js";
import type { QmpSchema } from "../schema/qmp-schema.js";
import { argType, entryField, memberAt, membersOf, objectEntry, unionOf, valueWords } from "./schema-walk.js";
import { parseValue, tokenize, type Token } from "./values.js";

/** readline's completer result: candidates, and the text before the cursor they replace. */
export type Completion = [string[], string];

/** The shell's own words, completed like commands. */
export const BUILTINS = ["help", "events", "wait", "quit", "exit", "transaction("] as const;

/** What the completer knows. */
export interface CompleterContext {
  readonly schema: QmpSchema | undefined;
  /** Command names when there is no schema (qemu-ga's `guest-info`), or HMP's phrases from `help` and `help info`. */
  readonly commandNames?: readonly string[] | undefined;
  /** Event names when there is no schema. */
  readonly eventNames?: readonly string[] | undefined;
  /** HMP mode: `commandNames` are HMP command phrases (`stop`, `info block`). */
  readonly hmp?: boolean | undefined;
  /** The line is inside a multi-line `transaction(` (one action per line). */
  readonly inTransaction?: boolean | undefined;
}

/** Completes `line` (the text before the cursor). */
export function complete(ctx: CompleterContext, line: string): Completion {
  const { tokens, open } = tokenize(line);
  const atWordEnd = line.length > 0 && !/\s$/.test(line);
  const done = atWordEnd ? tokens.slice(0, -1) : tokens;
  const fragment = atWordEnd ? (tokens[tokens.length - 1] as Token).text : "";
  if (open && !fragment.includes("=")) return [[], fragment];
  if (ctx.hmp) return completeHmp(ctx, done, fragment);
  if (ctx.inTransaction) return completeAction(ctx, transactionTokens(done), fragment);
  if (done.length === 0) return words(fragment, [...commandNames(ctx), ...BUILTINS]);
  const head = (done[0] as Token).text;
  if (head === "events") return words(fragment, [...(done.length === 1 ? ["on", "off"] : []), ...eventNames(ctx)]);
  if (head === "wait" && done.length === 1) return words(fragment, eventNames(ctx));
  if (head === "help" && done.length === 1) return words(fragment, [...commandNames(ctx), ...eventNames(ctx)]);
  if (head.startsWith("transaction(")) return completeAction(ctx, transactionTokens(done).slice(1), fragment);
  const command = head.endsWith("?") ? head.slice(0, -1) : head === "help" ? (done[1]?.text ?? "") : head;
  const schema = ctx.schema;
  const root = schema === undefined ? undefined : argType(schema, command);
  if (schema === undefined || root === undefined) return [[], fragment];
  const given = head === "help" ? done.slice(2) : done.slice(1);
  return completeArgument(schema, root, given, fragment);
}

/** HMP: `commandNames` are phrases (`stop`, `info block`): complete the word at this position. */
function completeHmp(ctx: CompleterContext, done: Token[], fragment: string): Completion {
  const typed = done.map((t) => t.text);
  const head = typed[0];
  if (head === "events") return words(fragment, [...(typed.length === 1 ? ["on", "off"] : []), ...eventNames(ctx)]);
  if (head === "wait" && typed.length === 1) return words(fragment, eventNames(ctx));
  const phrases = [...(ctx.commandNames ?? []), ...(typed.length === 0 ? ["quit", "exit", "events", "wait"] : [])];
  const next = phrases
    .map((phrase) => phrase.split(" "))
    .filter((parts) => parts.length > typed.length && typed.every((word, i) => parts[i] === word))
    .map((parts) => parts[typed.length] as string);
  return words(fragment, next);
}

/** Inside `transaction(`: the action name, then its `data` members; `,` and `)` separate. */
function completeAction(ctx: CompleterContext, done: Token[], fragment: string): Completion {
  const separator = done.map((t) => t.text).lastIndexOf(",");
  const action = done.slice(separator + 1);
  const schema = ctx.schema;
  if (action.length === 0) return words(fragment, [...actionNames(schema), ")"]);
  const root = transactionDataType(schema, (action[0] as Token).text);
  if (schema === undefined || root === undefined) return [[], fragment];
  return completeArgument(schema, root, action.slice(1), fragment);
}

function actionNames(schema: QmpSchema | undefined): string[] {
  if (schema === undefined) return [];
  const root = argType(schema, "transaction");
  const actions = root === undefined ? undefined : memberAt(schema, root, ["actions"], undefined);
  const element = actions === undefined ? undefined : entryField<string>(schema.type(actions.type), "element-type");
  const union = element === undefined ? undefined : unionOf(schema, element);
  return union?.variants.map((v) => v.case) ?? [];
}

/** `key.sub` names (with `=` or `.` appended) or, after `key=`, the values that fit. */
export function completeArgument(schema: QmpSchema, root: string, given: readonly Token[], fragment: string): Completion {
  const args = looseArgs(given);
  const eq = fragment.indexOf("=");
  if (eq >= 0) {
    const path = fragment.slice(0, eq).split(".");
    const member = memberAt(schema, root, path, args);
    const value = fragment.slice(eq + 1);
    return member === undefined ? [[], value] : words(value, valueWords(schema, member.type));
  }
  const dot = fragment.lastIndexOf(".");
  const parentPath = dot < 0 ? [] : fragment.slice(0, dot).split(".");
  const prefix = fragment.slice(dot + 1);
  const parent = parentPath.length === 0 ? { type: root } : memberAt(schema, root, parentPath, args);
  if (parent === undefined) return [[], prefix];
  const taken = new Set(given.map((t) => t.text.split("=")[0]));
  const members = membersOf(schema, parent.type, dig(args, parentPath)).filter(
    (m) => m.name.startsWith(prefix) && !taken.has([...parentPath, m.name].join(".")),
  );
  const candidates = members.map((m) => m.name + suffix(schema, m.type));
  return [candidates.sort(), prefix];
}

/** `.` for an object (members follow), `=` for a value, nothing when both fit (e.g. `str | object`). */
function suffix(schema: QmpSchema, type: string): string {
  const entry = schema.type(type);
  if (entry?.["meta-type"] === "object") return ".";
  if (entry?.["meta-type"] === "alternate" && objectEntry(schema, type) !== undefined) return "";
  return "=";
}

/** Arguments typed so far, skipping words that do not parse (yet). */
function looseArgs(tokens: readonly Token[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const token of tokens) {
    const eq = token.text.indexOf("=");
    if (eq <= 0) continue;
    const path = token.text.slice(0, eq).split(".");
    let node = root;
    for (const part of path.slice(0, -1)) {
      const child = node[part];
      if (typeof child !== "object" || child === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = parseValue(token.text.slice(eq + 1)).value;
  }
  return root;
}

function dig(args: unknown, path: readonly string[]): unknown {
  let node = args;
  for (const part of path) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

/** Candidates starting with `fragment`; a single one gets a trailing space. */
function words(fragment: string, all: readonly string[]): Completion {
  const hits = [...new Set(all.filter((w) => w.startsWith(fragment)))].sort();
  if (hits.length === 1 && !hits[0]?.endsWith("(")) return [[`${hits[0]} `], fragment];
  return [hits, fragment];
}

function commandNames(ctx: CompleterContext): string[] {
  return ctx.schema?.commands() ?? [...(ctx.commandNames ?? [])];
}

function eventNames(ctx: CompleterContext): string[] {
  return ctx.schema?.events() ?? [...(ctx.eventNames ?? [])];
}
