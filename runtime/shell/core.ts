/**
 * Running one input line, whatever the front end: parse, validate against the live schema,
 * send, and describe the outcome. The interactive and scripted front ends only render it.
 * @module
 */
import type { QmpClient } from "../client.js";
import { DisconnectedError, ExecuteError } from "../errors.js";
import type { Palette } from "./format.js";
import { helpIndex, helpTopic } from "./help.js";
import { issueHints } from "./hints.js";
import { LineParser, ShellSyntaxError, type ShellLine } from "./line-parser.js";
import type { QmpSchema } from "../schema/qmp-schema.js";
import type { ArgumentIssue } from "../schema/validate.js";
import { suggest } from "./suggest.js";

/** How the shell talks to its peer. */
export type ShellMode = "qmp" | "qga" | "hmp";

/** Settings of one shell. */
export interface CoreConfig {
  readonly mode: ShellMode;
  /** Check arguments against the schema before sending (and retype bare words by it). */
  readonly validate: boolean;
  /** Milliseconds per command; undefined waits forever (Ctrl-C cancels). */
  readonly timeout: number | undefined;
  /** For help text. */
  readonly palette: Palette;
  /** Width for the command list. */
  readonly width: () => number;
  /**
   * The schema knows every member's integer width (a live QEMU 7.2): an integer it refuses is
   * refused. Otherwise an integer a `uint64` would take is left to QEMU.
   */
  readonly widthsKnown?: boolean | undefined;
}

/** What a line did. */
export type Outcome =
  | { kind: "empty" }
  | { kind: "incomplete" }
  | { kind: "quit" }
  | { kind: "return"; value: unknown; command: string }
  | { kind: "error"; errorClass: string; desc: string; hints: string[] }
  | { kind: "text"; text: string }
  | { kind: "event"; event: Record<string, unknown> }
  | { kind: "events"; on: boolean | undefined; only?: readonly string[] | undefined };

/** Parses and runs lines for one connection. */
export class ShellCore {
  readonly parser: LineParser;
  /** `quit` was sent: the connection ending next is expected, not lost. */
  quitSent = false;

  constructor(
    readonly qmp: QmpClient,
    readonly schema: QmpSchema | undefined,
    private readonly config: CoreConfig,
    /** Command names when there is no schema (qemu-ga's guest-info, HMP's help). */
    readonly commandNames: readonly string[] = [],
  ) {
    this.parser = new LineParser({ schema, coerce: config.validate, hmp: config.mode === "hmp" });
  }

  /** How the shell talks to its peer. */
  get mode(): ShellMode {
    return this.config.mode;
  }

  /** Runs `line`. @throws {@link DisconnectedError} when the connection is gone. */
  async run(line: string, signal: AbortSignal): Promise<Outcome> {
    let parsed: ShellLine;
    try {
      parsed = this.parser.feed(line);
    } catch (error) {
      if (error instanceof ShellSyntaxError) return { kind: "error", errorClass: "SyntaxError", desc: error.message, hints: [] };
      throw error;
    }
    switch (parsed.kind) {
      case "empty":
      case "incomplete":
      case "quit":
        return { kind: parsed.kind };
      case "events": {
        const unknown = parsed.only?.find((name) => this.schema !== undefined && !this.schema.hasEvent(name));
        if (unknown !== undefined) return this.noEvent(unknown);
        return { kind: "events", on: parsed.on, only: parsed.only };
      }
      case "help":
        return this.help(parsed.topic, parsed.args);
      case "wait":
        return this.wait(parsed.event, parsed.timeout, signal);
      case "hmp":
        return this.send("human-monitor-command", { "command-line": parsed.commandLine }, undefined, signal);
      case "command":
      case "message":
        return this.send(parsed.command, parsed.args, parsed.kind === "message" ? parsed.message : undefined, signal);
    }
  }

  private async send(
    command: string,
    args: Record<string, unknown> | undefined,
    message: Record<string, unknown> | undefined,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const schema = this.schema;
    if (this.config.validate && schema !== undefined && this.config.mode !== "hmp") {
      const issues = schema.validateArguments(command, args ?? {});
      const issue = this.config.widthsKnown === true ? issues[0] : issues.find((i) => !mayBeWiderInteger(i, args));
      if (issue !== undefined) {
        const errorClass = schema.hasCommand(command) ? "GenericError" : "CommandNotFound";
        return { kind: "error", errorClass, desc: issue.message, hints: issueHints(schema, command, args, issue) };
      }
    }
    if (command === "quit" && this.config.mode === "qmp") this.quitSent = true;
    const options = { signal, ...(this.config.timeout === undefined ? {} : { timeout: this.config.timeout }) };
    try {
      const value =
        message !== undefined
          ? await this.qmp.executeMessage(message as Parameters<QmpClient["executeMessage"]>[0], options)
          : await this.qmp.execute(command, args, options);
      return { kind: "return", value: value ?? {}, command };
    } catch (error) {
      return this.failure(error, signal);
    }
  }

  private async wait(event: string, timeout: number | undefined, signal: AbortSignal): Promise<Outcome> {
    if (this.schema !== undefined && !this.schema.hasEvent(event)) return this.noEvent(event);
    using listener = this.qmp.listen(event);
    try {
      const received = await listener.wait(undefined, { signal, ...(timeout === undefined ? {} : { timeout }) });
      return { kind: "event", event: received as unknown as Record<string, unknown> };
    } catch (error) {
      return this.failure(error, signal);
    }
  }

  private noEvent(event: string): Outcome {
    const near = suggest(event, this.schema?.events() ?? []);
    return {
      kind: "error",
      errorClass: "GenericError",
      desc: `no event ${event}`,
      hints: near.length > 0 ? [`did you mean: ${near.join(", ")}`] : [],
    };
  }

  private failure(error: unknown, signal: AbortSignal): Outcome {
    if (error instanceof ExecuteError) return { kind: "error", errorClass: error.errorClass, desc: error.desc, hints: [] };
    // After a sent quit the end is expected: later commands simply fail.
    if (error instanceof DisconnectedError && !this.quitSent) throw error;
    if (signal.aborted)
      return { kind: "error", errorClass: "Cancelled", desc: "cancelled (a reply that still comes is ignored)", hints: [] };
    if (error instanceof DOMException && error.name === "TimeoutError")
      return { kind: "error", errorClass: "Timeout", desc: error.message, hints: [] };
    const text = error instanceof Error ? error.message : String(error);
    return { kind: "error", errorClass: error instanceof Error ? error.name : "Error", desc: text, hints: [] };
  }

  private help(topic: string | undefined, args: Record<string, unknown> | undefined): Outcome {
    const { palette } = this.config;
    const schema = this.schema;
    if (schema === undefined) {
      if (topic !== undefined)
        return { kind: "error", errorClass: "GenericError", desc: "no schema: help needs one (--schema FILE)", hints: [] };
      return { kind: "text", text: helpIndex(this.commandNames, this.config.width(), palette) };
    }
    if (topic === undefined)
      return { kind: "text", text: helpIndex(schema.commands(), this.config.width(), palette, schema.events()) };
    const text = helpTopic(schema, topic, args, palette);
    if (text !== undefined) return { kind: "text", text };
    const near = suggest(topic, [...schema.commands(), ...schema.events()]);
    return {
      kind: "error",
      errorClass: "GenericError",
      desc: `no command or event ${topic}`,
      hints: near.length > 0 ? [`did you mean: ${near.join(", ")}`] : [],
    };
  }
}

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Introspection shows every integer as `int`; where the schema's widths may not be QEMU's
 * own (see {@link CoreConfig.widthsKnown}), an integer above int64 but within uint64 is
 * flagged although a `uint64`/`size` member takes it: leave that verdict to QEMU rather than
 * refuse a command that may be valid. What no width accepts is still refused.
 */
function mayBeWiderInteger(issue: ArgumentIssue, args: unknown): boolean {
  if (!issue.message.endsWith("expected: integer")) return false;
  const value = valueAt(args, issue.path);
  const integer =
    typeof value === "bigint" ? value : typeof value === "number" && Number.isInteger(value) ? BigInt(value) : undefined;
  return integer !== undefined && integer > INT64_MAX && integer <= UINT64_MAX;
}

/** The value at a QEMU path such as `options.size` or `bitmaps[1].name`. */
function valueAt(args: unknown, path: string): unknown {
  let node = args;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Which events a front end shows, as `events on|off|NAME ...` last set it. */
export class EventView {
  private only: ReadonlySet<string> | undefined;

  constructor(private on: boolean) {}

  /** Applies an `events` outcome. */
  apply(outcome: { on: boolean | undefined; only?: readonly string[] | undefined }): void {
    if (outcome.on === undefined) return;
    this.on = outcome.on;
    this.only = outcome.only === undefined ? undefined : new Set(outcome.only);
  }

  /** True when an event of this name is shown. */
  shows(name: unknown): boolean {
    return this.on && (this.only === undefined || this.only.has(String(name)));
  }

  /** `events on`, `events off`, or `events on: STOP, RESUME`. */
  describe(): string {
    return !this.on ? "events off" : this.only === undefined ? "events on" : `events on: ${[...this.only].join(", ")}`;
  }
}
