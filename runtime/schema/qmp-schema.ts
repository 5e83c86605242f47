/**
 * `QmpSchema`: one QEMU's introspected schema, for probing what it supports (libvirt's query
 * strings) and for checking command arguments the way QEMU does before they are sent.
 * @module
 */
import { resolveAnnotations } from "./annotations.js";
import { readSchemaEntries } from "./load.js";
import { parseQuery, walkQuery } from "./query.js";
import type { SchemaInfo, SchemaInfoCommand, SchemaInfoEvent } from "./schema-info.js";
import { validateCommandArguments, type ArgumentIssue, type ValidationTables } from "./validate.js";

/** Options of {@link QmpSchema}: facts from QEMU's QAPI source that introspection does not show. */
export interface QmpSchemaOptions {
  /**
   * The declared QAPI integer type (`int8` ... `uint64`, `size`) of members that introspection
   * shows as `int`, keyed by the member's query string (`migrate-set-parameters/arg-type/downtime-limit`;
   * union branches as `+value`; arrays and alternates looked through). With it, validation
   * gives QEMU's exact texts for unsigned and narrow integers (`expects uint64`, `expects
   * uint8_t`) and checks ranges; without it every integer is checked as `int`.
   * Keys this schema lacks are ignored.
   */
  integerWidths?: Readonly<Record<string, string>> | undefined;
  /**
   * The QAPI names of alternate types, keyed by the query string of a member of that type
   * (`migrate-set-parameters/arg-type/tls-creds` → `"StrOrNull"`). QEMU names the alternate in
   * its "expected: NAME" text; without this the masked name is used. Keys this schema lacks are ignored.
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
   * @throws TypeError when `source` is not a schema, or an option is malformed.
   */
  constructor(source: unknown, options: QmpSchemaOptions = {}) {
    this.entries = Object.freeze(readSchemaEntries(source));
    for (const entry of this.entries) this.#byName.set(entry.name, entry);
    const lookup = (name: string) => this.#byName.get(name);
    const { widths, typeNames } = resolveAnnotations(lookup, options.integerWidths, options.typeNames);
    this.#tables = { lookup, widths, typeNames };
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
