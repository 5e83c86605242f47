/**
 * One input line → what the shell should do: a QMP command (qmp-shell's `key=value` form,
 * raw JSON, or `transaction( ... )` over one or several lines), or a shell builtin.
 * @module
 */
import { argType, entryField, jsonTypesOf, memberAt } from "./schema-walk.js";
import type { QmpSchema } from "../schema/qmp-schema.js";
import { parseStructured, parseValue, tokenize, type Token } from "./values.js";

/** A line the shell cannot read; nothing was sent. */
export class ShellSyntaxError extends Error {
  override readonly name = "ShellSyntaxError";
}

/** What a line asks for. */
export type ShellLine =
  | { kind: "empty" }
  /** Inside a multi-line `transaction(`: more lines follow (prompt `TRANS> `). */
  | { kind: "incomplete" }
  | { kind: "command"; command: string; args: Record<string, unknown> | undefined }
  /** A raw JSON message (`{"execute": ...}`), sent as typed (keeps `id`, `exec-oob`). */
  | { kind: "message"; command: string; args: Record<string, unknown> | undefined; message: Record<string, unknown> }
  | { kind: "hmp"; commandLine: string }
  | { kind: "help"; topic: string | undefined; args: Record<string, unknown> | undefined }
  /** `events` (show the setting), `events on|off`, `events NAME ...` (only those). */
  | { kind: "events"; on: boolean | undefined; only?: readonly string[] }
  | { kind: "wait"; event: string; timeout: number | undefined }
  | { kind: "quit" };

/** Parser settings. */
export interface LineParserOptions {
  /** Used to retype bare words by the member's type (`id=1` for a `str` member stays `"1"`). */
  readonly schema?: QmpSchema | undefined;
  /** Retype by schema (default true); false reads values exactly as qmp-shell does. */
  readonly coerce?: boolean | undefined;
  /** Lines are human monitor commands. */
  readonly hmp?: boolean | undefined;
}

interface KeyValue {
  path: string[];
  raw: string;
  value: unknown;
  bare: boolean;
}

/** Reads lines; keeps the state of an open multi-line `transaction(`. */
export class LineParser {
  private actions: { type: string; data: Record<string, unknown> }[] | undefined;

  constructor(private readonly options: LineParserOptions = {}) {}

  /** True while a `transaction(` is open. */
  get inTransaction(): boolean {
    return this.actions !== undefined;
  }

  /** Drops an open transaction (Ctrl-C). */
  reset(): void {
    this.actions = undefined;
  }

  /** Parses one line. @throws {@link ShellSyntaxError} (an open transaction is dropped). */
  feed(line: string): ShellLine {
    try {
      return this.parse(line);
    } catch (error) {
      this.actions = undefined;
      throw error;
    }
  }

  private parse(line: string): ShellLine {
    const trimmed = line.trim();
    const comment = trimmed.startsWith("#");
    if (this.actions !== undefined)
      return comment ? { kind: "incomplete" } : this.transactionLine(transactionTokens(tokenize(trimmed).tokens));
    if (trimmed === "" || comment) return { kind: "empty" };
    const { tokens, open } = tokenize(trimmed);
    const head = (tokens[0] as Token).text;
    if (open) throw new ShellSyntaxError("unterminated quote or bracket");
    const builtin = this.builtin(head, tokens);
    if (builtin !== undefined) return builtin;
    if (this.options.hmp) return { kind: "hmp", commandLine: trimmed };
    if (head.startsWith("{")) return rawMessage(trimmed);
    if (head.startsWith("transaction(")) {
      this.actions = [];
      return this.transactionLine(transactionTokens(tokens).slice(1));
    }
    if (head.endsWith("?") && head.length > 1)
      return { kind: "help", topic: head.slice(0, -1), args: this.args(head.slice(0, -1), tokens.slice(1)) };
    if (!/^[A-Za-z_][\w.+-]*$/.test(head)) throw new ShellSyntaxError(`not a command name: ${head}`);
    return { kind: "command", command: head, args: this.args(head, tokens.slice(1)) };
  }

  private builtin(head: string, tokens: Token[]): ShellLine | undefined {
    const rest = tokens.slice(1).map((t) => t.text);
    switch (head) {
      case "quit":
      case "exit":
        return rest.length === 0 ? { kind: "quit" } : undefined;
      case "?":
        return { kind: "help", topic: undefined, args: undefined };
      case "help":
        if (this.options.hmp) return undefined; // HMP has its own help
        return { kind: "help", topic: rest[0], args: rest[0] === undefined ? undefined : this.args(rest[0], tokens.slice(2)) };
      case "events": {
        if (rest.length === 0) return { kind: "events", on: undefined };
        if (rest.length === 1 && (rest[0] === "on" || rest[0] === "off")) return { kind: "events", on: rest[0] === "on" };
        if (rest.some((word) => word === "on" || word === "off" || !/^[A-Za-z_][\w-]*$/.test(word)))
          throw new ShellSyntaxError("usage: events [on|off|EVENT ...]");
        return { kind: "events", on: true, only: rest };
      }
      case "wait": {
        const [event, timeout, ...extra] = rest;
        const time = timeout === undefined ? undefined : /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(timeout);
        if (event === undefined || extra.length > 0 || time === null)
          throw new ShellSyntaxError("usage: wait EVENT [TIMEOUT] (milliseconds, or with a unit: 500ms, 5s)");
        const ms = time === undefined ? undefined : Math.round(Number(time[1]) * (time[2] === "s" ? 1000 : 1));
        return { kind: "wait", event, timeout: ms };
      }
      default:
        return undefined;
    }
  }

  /** `action args... [, action args...] [)]` inside a transaction. */
  private transactionLine(tokens: Token[]): ShellLine {
    const actions = this.actions as { type: string; data: Record<string, unknown> }[];
    let group: Token[] = [];
    const flush = () => {
      if (group.length === 0) return;
      const type = (group[0] as Token).text;
      actions.push({ type, data: this.argsFrom(transactionDataType(this.options.schema, type), group.slice(1)) ?? {} });
      group = [];
    };
    for (let i = 0; i < tokens.length; i++) {
      const text = (tokens[i] as Token).text;
      if (text === ")") {
        if (i !== tokens.length - 1) throw new ShellSyntaxError("unexpected text after ')'");
        flush();
        this.actions = undefined;
        return { kind: "command", command: "transaction", args: { actions } };
      }
      if (text === ",") flush();
      else group.push(tokens[i] as Token);
    }
    flush();
    return { kind: "incomplete" };
  }

  private args(command: string, tokens: Token[]): Record<string, unknown> | undefined {
    const schema = this.options.schema;
    return this.argsFrom(schema === undefined ? undefined : argType(schema, command), tokens);
  }

  /** `key=value` words → an arguments object (undefined when there are none). */
  private argsFrom(rootType: string | undefined, tokens: Token[]): Record<string, unknown> | undefined {
    if (tokens.length === 0) return undefined;
    const pairs = tokens.map((token) => keyValue(token.text));
    const first = build(pairs);
    const schema = this.options.schema;
    if (schema === undefined || rootType === undefined || this.options.coerce === false) return first;
    // Second pass: with the whole object known (discriminators included), retype bare words.
    for (const pair of pairs) {
      if (!pair.bare) continue;
      const member = memberAt(schema, rootType, pair.path, first);
      pair.value = member === undefined ? pair.value : retype(jsonTypesOf(schema, member.type), pair.raw, pair.value);
    }
    return build(pairs);
  }
}

/**
 * A transaction's words with its punctuation on its own, however it was spaced:
 * `transaction(abort,` and `name=b)` read as `transaction(` `abort` `,` and `name=b` `)`.
 * Quoted and bracketed text keeps its commas and parentheses.
 */
export function transactionTokens(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  const push = (text: string, start: number) => {
    if (text !== "") out.push({ text, start, end: start + text.length });
  };
  for (const token of tokens) {
    let { text, start } = token;
    if (text.startsWith("transaction(")) {
      push("transaction(", start);
      text = text.slice("transaction(".length);
      start += "transaction(".length;
    }
    while (text.startsWith(",") && text !== ",") {
      push(",", start);
      text = text.slice(1);
      start++;
    }
    const tail: string[] = [];
    for (;;) {
      const last = text[text.length - 1];
      const unbalanced = last === ")" && text.split(")").length > text.split("(").length;
      if (text.length <= 1 || !(last === "," || unbalanced)) break;
      tail.unshift(last);
      text = text.slice(0, -1);
    }
    push(text, start);
    tail.forEach((mark, i) => push(mark, start + text.length + i));
  }
  return out;
}

function keyValue(word: string): KeyValue {
  const eq = word.indexOf("=");
  if (eq < 0) throw new ShellSyntaxError(`arguments must be key=value, got: ${word}`);
  const key = word.slice(0, eq);
  const path = key.split(".");
  if (path.some((part) => part === "")) throw new ShellSyntaxError(`bad argument name: ${JSON.stringify(key)}`);
  const raw = word.slice(eq + 1);
  const { value, bare } = parseValue(raw);
  return { path, raw, value, bare };
}

/** Dotted keys build nested objects; a key used twice, or as both leaf and parent, is an error. */
function build(pairs: readonly KeyValue[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const leaves = new Set<string>();
  for (const { path, value } of pairs) {
    let node = root;
    for (let i = 0; i < path.length - 1; i++) {
      const part = path[i] as string;
      const prefix = path.slice(0, i + 1).join(".");
      if (leaves.has(prefix)) throw new ShellSyntaxError(`cannot use '${prefix}' as both leaf and non-leaf key`);
      const child = node[part];
      if (child === undefined) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    const key = path.join(".");
    const last = path[path.length - 1] as string;
    if (leaves.has(key)) throw new ShellSyntaxError(`'${key}' is given twice`);
    if (node[last] !== undefined) throw new ShellSyntaxError(`cannot use '${key}' as both leaf and non-leaf key`);
    leaves.add(key);
    node[last] = value;
  }
  return root;
}

/**
 * A bare word the member cannot take as read but can as text stays text (`id=1` for a `str`,
 * an enum or `StrOrNull` member); a decimal for a `number` member becomes one.
 */
function retype(accepted: ReadonlySet<string>, raw: string, value: unknown): unknown {
  if (accepted.has("value")) return value;
  const kind =
    typeof value === "number" || typeof value === "bigint"
      ? "int"
      : typeof value === "boolean"
        ? "boolean"
        : value === null
          ? "null"
          : "string";
  const fits = accepted.has(kind) || (kind === "int" && accepted.has("number"));
  if (!fits && accepted.has("string")) return raw;
  if (kind === "string" && accepted.has("number") && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return Number(raw);
  return value;
}

function rawMessage(text: string): ShellLine {
  const parsed = parseStructured(text);
  const message = parsed?.value;
  if (typeof message !== "object" || message === null || Array.isArray(message)) throw new ShellSyntaxError("not a JSON object");
  const record = message as Record<string, unknown>;
  const command = record["execute"] ?? record["exec-oob"];
  if (typeof command !== "string") throw new ShellSyntaxError('a raw message needs "execute" or "exec-oob"');
  const args = record["arguments"];
  if (args !== undefined && (typeof args !== "object" || args === null || Array.isArray(args)))
    throw new ShellSyntaxError('"arguments" must be an object');
  return { kind: "message", command, args: args as Record<string, unknown> | undefined, message: record };
}

/** The type of `data` in a transaction action of type `action`. */
export function transactionDataType(schema: QmpSchema | undefined, action: string): string | undefined {
  if (schema === undefined) return undefined;
  const root = argType(schema, "transaction");
  const actions = root === undefined ? undefined : memberAt(schema, root, ["actions"], undefined);
  const element = actions === undefined ? undefined : entryField<string>(schema.type(actions.type), "element-type");
  return element === undefined ? undefined : memberAt(schema, element, ["data"], { type: action })?.type;
}
