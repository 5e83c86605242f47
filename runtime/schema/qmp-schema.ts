/**
 * `QmpSchema`: one QEMU's introspected schema, for probing what it supports (libvirt's query
 * strings) and for checking command arguments the way QEMU does before they are sent.
 * @module
 */
import { resolveAnnotations } from "./annotations.js";
import { committedSchemaFacts } from "./committed.js";
import { readSchemaEntries } from "./load.js";
import { parseQuery, walkQuery } from "./query.js";
import type { SchemaInfo, SchemaInfoCommand, SchemaInfoEvent } from "./schema-info.js";
import { validateCommandArguments, type ArgumentIssue, type ValidationTables } from "./validate.js";

/**
 * Options of {@link QmpSchema}: facts from QEMU's QAPI source that introspection does not show.
 *
 * By default (a field left out or undefined) qmpkit uses the facts it ships: QEMU's declared
 * integer widths and QAPI type names as of 7.2 (`schemas/qemu-7.2-x86_64.names.json` and
 * `schemas/qsd-7.2.names.json`, derived from QEMU 7.2's QAPI source), so validation gives
 * QEMU's exact texts with no options. Keys a schema lacks are ignored, so another QEMU version
 * gets them wherever the same member still exists. Pass `{ integerWidths: {}, typeNames: {} }`
 * to use none, or your own names data (`qapi-gen --qapi ... --save-names FILE`) for another
 * version: `{ integerWidths: data.widths, typeNames: data.types }`.
 */
export interface QmpSchemaOptions {
  /**
   * The declared QAPI integer type (`int8` ... `uint64`, `size`) of members that introspection
   * shows as `int`, keyed by the member's query string (`migrate-set-parameters/arg-type/downtime-limit`;
   * union branches as `+value`; arrays and alternates looked through; a key reaching an alternate
   * sets the width of its integer branch wherever that alternate is used). With it, validation
   * gives QEMU's exact texts for unsigned and narrow integers (`expects uint64`, `expects
   * uint8_t`) and checks ranges; with `{}` every integer is checked as `int`.
   * Keys this schema lacks are ignored. Default: qmpkit's QEMU 7.2 facts.
   */
  integerWidths?: Readonly<Record<string, string>> | undefined;
  /**
   * QAPI type names, keyed by the query string of a place the type is used: a member
   * (`migrate-set-parameters/arg-type/tls-creds` → `"StrOrNull"`), `COMMAND/ret-type`, or an
   * alternate's branch (`PATH|object`, `|enum`, `|array`). QEMU names an alternate in its
   * "expected: NAME" text; without its name the masked name is used. Keys this schema lacks
   * are ignored. Default: qmpkit's QEMU 7.2 facts.
   */
  typeNames?: Readonly<Record<string, string>> | undefined;
}

/**
 * A QEMU's `query-qmp-schema`: look up commands, events and types, probe support with
 * libvirt-style query strings, and validate arguments with QEMU's own error texts.
 *
 * @example
 * ```ts
 * const schema = await qmp.introspect();
 * if (schema.has("blockdev-add/arg-type/+file/aio/^io_uring")) { ... }
 * const issues = schema.validateArguments("blockdev-add", { driver: "file" });
 * // [{ path: "filename", message: "Parameter 'filename' is missing", type: "str" }]
 * ```
 */
export class QmpSchema {
  /** Every entry, in the order QEMU listed them (entries of unknown meta-types left out). */
  readonly entries: readonly SchemaInfo[];
  readonly #byName = new Map<string, SchemaInfo>();
  readonly #tables: ValidationTables;

  /**
   * @param source - the reply of `query-qmp-schema`: the bare array or `{ "return": [...] }`.
   * @param options - integer widths and type names; each field left out takes qmpkit's QEMU 7.2
   *   facts (read from the package once, on first need), see {@link QmpSchemaOptions}.
   * @throws TypeError when `source` is not a schema, or an option is malformed; Error when the
   *   default facts are needed and missing from the package (a broken install).
   */
  constructor(source: unknown, options: QmpSchemaOptions = {}) {
    checkOptions(options);
    this.entries = Object.freeze(readSchemaEntries(source));
    for (const entry of this.entries) this.#byName.set(entry.name, entry);
    const lookup = (name: string) => this.#byName.get(name);
    const integerWidths = options.integerWidths ?? committedSchemaFacts().integerWidths;
    const typeNames = options.typeNames ?? committedSchemaFacts().typeNames;
    this.#tables = { lookup, ...resolveAnnotations(this.entries, lookup, integerWidths, typeNames) };
  }

  /**
   * True when a libvirt query string matches, e.g. `blockdev-add/arg-type/+file/aio/^io_uring`:
   * members (`name`, or `*name` for an optional one), union branches (`+value`), arrays looked
   * through, alternates tried branch by branch, and a last test `^enum-value` (optionally
   * followed by `/$feature` of that value), `!json-type` or `$feature`.
   * @throws TypeError for a malformed query (empty, an empty component, a test not last).
   */
  has(query: string): boolean {
    return this.get(query) !== undefined;
  }

  /**
   * The entry a query string reaches (see {@link QmpSchema.has}), or undefined when it does
   * not match. After a final test: the enum, builtin, command, event or object that passed it.
   * @throws TypeError for a malformed query.
   */
  get(query: string): SchemaInfo | undefined {
    return walkQuery(parseQuery(query), this.#tables.lookup);
  }

  /** Any entry by its name: a command, an event, or a type by its masked name (`"42"`, `"[int]"`, `"str"`). */
  type(name: string): SchemaInfo | undefined {
    return this.#byName.get(name);
  }

  /** The command entry of that name. */
  command(name: string): SchemaInfoCommand | undefined {
    const entry = this.#byName.get(name);
    return entry?.["meta-type"] === "command" ? entry : undefined;
  }

  /** The event entry of that name. */
  event(name: string): SchemaInfoEvent | undefined {
    const entry = this.#byName.get(name);
    return entry?.["meta-type"] === "event" ? entry : undefined;
  }

  /** True when this QEMU has the command. */
  hasCommand(name: string): boolean {
    return this.command(name) !== undefined;
  }

  /** True when this QEMU has the event. */
  hasEvent(name: string): boolean {
    return this.event(name) !== undefined;
  }

  /** The names of all commands, sorted. */
  commands(): string[] {
    return this.namesOf("command");
  }

  /** The names of all events, sorted. */
  events(): string[] {
    return this.namesOf("event");
  }

  /**
   * Checks a command's arguments as QEMU's input visitor would, without sending anything.
   * Returns `[]` when QEMU would accept them (it may still refuse them for other reasons),
   * else the issues in the order QEMU meets them: the first is the one QEMU reports, with
   * QEMU's own text. An unknown command gives one issue with QEMU's CommandNotFound text.
   * @param args - the arguments as they would be passed to `execute()`; undefined for none.
   * @throws what `args`' own `toJSON()` or getters throw; a RangeError for arguments nested
   *   (hundreds of levels) deeper than this stack can walk. Deeper than QEMU's parser accepts
   *   (1,023 levels) is an issue: `JSON nesting depth limit exceeded`.
   */
  validateArguments(command: string, args?: unknown): ArgumentIssue[] {
    return validateCommandArguments(this.#tables, command, args);
  }

  private namesOf(metaType: "command" | "event"): string[] {
    return this.entries
      .filter((e) => e["meta-type"] === metaType)
      .map((e) => e.name)
      .sort();
  }
}

// Maps of strings or left out: anything else would be read as an empty or odd map and silently ignored.
function checkOptions(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError("QmpSchema options must be an object: { integerWidths?, typeNames? }");
  }
  for (const field of ["integerWidths", "typeNames"] as const) {
    const value = (options as Record<string, unknown>)[field];
    if (value !== undefined && value !== null && (typeof value !== "object" || Array.isArray(value))) {
      throw new TypeError(`QmpSchema option ${field} must be a map of query strings to names, got ${typeof value}`);
    }
  }
}
