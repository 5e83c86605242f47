/**
 * The scripted front end (stdin is not a TTY): one command per line, no prompt, no color,
 * one JSON line per reply (the `return` value, or `{"error": {"class", "desc"}}`), events
 * as JSON lines only when asked. Exit status 0 when every command succeeded, else 1.
 * @module
 */
import { createInterface } from "node:readline";
import { EventView, type Outcome, type ShellCore } from "./core.js";
import { formatJson } from "./format.js";

/** Settings of the scripted front end. */
export interface ScriptedOptions {
  readonly input: NodeJS.ReadableStream;
  readonly write: (text: string) => void;
  readonly writeError: (text: string) => void;
  readonly pretty: boolean;
  readonly events: boolean;
}

/** Runs every line of `input`; resolves with the exit code. */
export async function runScripted(core: ShellCore, options: ScriptedOptions): Promise<number> {
  const { write } = options;
  let failed = false;
  let lost: Error | undefined;
  const json = (value: unknown) => write(`${formatJson(value, options.pretty)}\n`);
  const shown = new EventView(options.events);
  const unsubscribe = core.qmp.on("*", (event) => {
    if (shown.shows(event.event)) json(event);
  });
  const controller = new AbortController();
  const rl = createInterface({ input: options.input, terminal: false, crlfDelay: Infinity });
  const unwatch = core.qmp.onStateChange((state, _previous, error) => {
    if (state !== "idle" || (error === undefined && core.quitSent)) return;
    lost = error ?? new Error("connection closed");
    controller.abort(lost);
    rl.close(); // report it now, not when the next line (or the end of input) comes
  });
  try {
    for await (const line of rl) {
      if (lost !== undefined) break;
      let outcome: Outcome;
      try {
        outcome = await core.run(line, controller.signal);
      } catch (error) {
        lost ??= error as Error;
        break;
      }
      if (outcome.kind === "quit") break;
      if (outcome.kind === "error") failed = true;
      if (outcome.kind === "events") shown.apply(outcome);
      const rendered = render(outcome);
      if (rendered !== undefined) write(rendered);
      if (lost !== undefined) break;
    }
    if (lost === undefined && core.parser.inTransaction) {
      json({ error: { class: "SyntaxError", desc: "input ended inside transaction(" } });
      failed = true;
    }
  } finally {
    unsubscribe();
    unwatch();
    rl.close();
  }
  if (lost !== undefined) {
    options.writeError(`qmpkit shell: connection lost: ${lost.message}\n`);
    return 1;
  }
  return failed ? 1 : 0;

  function render(outcome: Outcome): string | undefined {
    switch (outcome.kind) {
      case "return":
        return `${formatJson(outcome.value, options.pretty)}\n`;
      case "error":
        return `${formatJson({ error: { class: outcome.errorClass, desc: outcome.desc } }, options.pretty)}\n`;
      case "event":
        return `${formatJson(outcome.event, options.pretty)}\n`;
      case "text":
        return `${outcome.text}\n`;
      default:
        return undefined;
    }
  }
}
