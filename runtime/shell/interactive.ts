/**
 * The terminal front end: node:readline with schema completion, events printed above the
 * prompt (the partly typed line is redrawn), Ctrl-C cancelling the running command, history.
 * @module
 */
import { clearScreenDown, createInterface, cursorTo, moveCursor, type Interface } from "node:readline";
import { Transform } from "node:stream";
import { complete } from "./completer.js";
import { EventView, type Outcome, type ShellCore } from "./core.js";
import { formatError, formatEvent, formatJson, type Palette } from "./format.js";
import { HISTORY_SIZE, loadHistory, saveHistory } from "./history.js";

/** Settings of the terminal front end. */
export interface InteractiveOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream & { columns?: number };
  readonly prompt: string;
  readonly palette: Palette;
  readonly pretty: boolean;
  readonly events: boolean;
  /** History file, or undefined for none. */
  readonly history: string | undefined;
  /** Receives a function that prints above the prompt (for --verbose echo). */
  readonly onPrinter?: ((print: (text: string) => void) => void) | undefined;
}

/** Runs until Ctrl-D, `quit`/`exit`, or a lost connection; resolves with the exit code. */
export function runInteractive(core: ShellCore, options: InteractiveOptions): Promise<number> {
  const { output, palette } = options;
  const input = tabSeparated(options.input);
  const rl = createInterface({
    input: input.stream,
    output,
    terminal: true,
    prompt: options.prompt,
    history: options.history === undefined ? [] : loadHistory(options.history),
    // Without a file (--no-history) Up still recalls this session's lines; nothing is saved.
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string) =>
      complete(
        {
          schema: core.schema,
          commandNames: core.commandNames,
          hmp: core.mode === "hmp",
          inTransaction: core.parser.inTransaction,
        },
        line,
      ),
  });
  const shown = new EventView(options.events);
  let busy: AbortController | undefined;
  let closing = false;
  const queue: string[] = [];
  let historyError = false;

  const print = (text: string) => printAbove(rl, output, text, busy === undefined && !closing);
  options.onPrinter?.(print);

  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      closing = true;
      unsubscribeEvents();
      unsubscribeState();
      busy?.abort();
      rl.close();
      input.dispose();
      resolve(code);
    };
    const unsubscribeEvents = core.qmp.on("*", (event) => {
      if (shown.shows(event.event)) print(formatEvent(event as unknown as Record<string, unknown>, options.pretty, palette));
    });
    const unsubscribeState = core.qmp.onStateChange((state, _previous, error) => {
      if (state !== "idle" || closing) return;
      if (error === undefined && core.quitSent) {
        output.write(`${palette.dim("QEMU quit; leaving")}\n`);
        return finish(0);
      }
      output.write(`\n${palette.error(`connection lost${error ? `: ${error.message}` : ""}`)}\n`);
      finish(1);
    });

    const render = (outcome: Outcome): string | undefined => {
      switch (outcome.kind) {
        case "return":
          if (core.mode === "hmp" && typeof outcome.value === "string") return outcome.value.replace(/\r?\n$/, "");
          return formatJson(outcome.value, options.pretty, palette);
        case "error":
          return [formatError(outcome.errorClass, outcome.desc, palette), ...outcome.hints.map((h) => `  ${h}`)].join("\n");
        case "text":
          return outcome.text;
        case "event":
          // When shown, `wait`'s event was already printed as it arrived.
          return shown.shows(outcome.event["event"]) ? undefined : formatEvent(outcome.event, options.pretty, palette);
        case "events":
          shown.apply(outcome);
          return shown.describe();
        default:
          return undefined;
      }
    };

    const next = async () => {
      while (!done && busy === undefined && queue.length > 0) {
        const line = queue.shift() as string;
        const controller = new AbortController();
        busy = controller;
        let outcome: Outcome;
        try {
          outcome = await core.run(line, controller.signal);
        } catch (error) {
          // The connection ended while the command ran; the state callback reports it.
          busy = undefined;
          if (!done) {
            output.write(`${palette.error(`connection lost: ${(error as Error).message}`)}\n`);
            finish(1);
          }
          return;
        } finally {
          busy = undefined;
        }
        if (done) return;
        if (outcome.kind === "quit") return finish(0);
        const text = render(outcome);
        if (text !== undefined) output.write(`${text}\n`);
      }
      if (!done && busy === undefined) {
        rl.setPrompt(core.parser.inTransaction ? "TRANS> " : options.prompt);
        rl.prompt();
      }
    };

    rl.on("line", (line) => {
      queue.push(line);
      void next();
    });
    rl.on("history", (history: string[]) => {
      if (options.history === undefined || historyError) return;
      const error = saveHistory(options.history, history);
      if (error !== undefined) {
        historyError = true;
        print(palette.dim(`history not saved: ${error.message}`));
      }
    });
    rl.on("SIGINT", () => {
      if (busy !== undefined) {
        busy.abort();
        return;
      }
      if (core.parser.inTransaction) {
        core.parser.reset();
        output.write(`^C\n${palette.dim("transaction dropped")}\n`);
        rl.setPrompt(options.prompt);
      } else if (rl.line !== "") {
        abandonLine(rl, output);
      } else {
        output.write(`^C\n${palette.dim("(Ctrl-D, quit or exit leaves)")}\n`);
      }
      rl.prompt();
    });
    rl.on("close", () => {
      if (!done) output.write("\n");
      finish(0);
    });
    rl.prompt();
  });
}

/**
 * Prints `text` on its own lines above the prompt and redraws the prompt with the partly
 * typed line and cursor where they were.
 */
function printAbove(rl: Interface, output: NodeJS.WritableStream, text: string, promptShown: boolean): void {
  if (!promptShown) {
    output.write(`${text}\n`);
    return;
  }
  // One write for the whole redraw: the terminal never shows the text without the prompt under it.
  const corkable = output as NodeJS.WritableStream & { cork?: () => void; uncork?: () => void };
  corkable.cork?.();
  try {
    redrawAbove(rl, output, text);
  } finally {
    corkable.uncork?.();
  }
}

function redrawAbove(rl: Interface, output: NodeJS.WritableStream, text: string): void {
  const rows = rl.getCursorPos().rows;
  moveCursor(output, 0, -rows);
  cursorTo(output, 0);
  clearScreenDown(output);
  // readline's redraw first moves up by the row it believes the cursor is on (not always
  // updated while typing at the end of a wrapped line): leave that many blank rows for it.
  const believed = (rl as unknown as { prevRows?: unknown }).prevRows;
  const up = typeof believed === "number" ? believed : rows;
  output.write(`${text}\n${"\n".repeat(up)}`);
  rl.prompt(true);
}

/**
 * Ctrl-C on a typed line, as shells do: the line stays on screen marked `^C`, a fresh prompt
 * follows. readline's own `clearLine()` (end of line, newline, state reset) keeps its idea of
 * the cursor right for lines that wrap; Ctrl-E + Ctrl-U are the fallback.
 */
function abandonLine(rl: Interface, output: NodeJS.WritableStream): void {
  rl.write(null, { ctrl: true, name: "e" });
  output.write("^C");
  const clearLine = (rl as unknown as { clearLine?: () => void }).clearLine;
  if (typeof clearLine === "function") clearLine.call(rl);
  else {
    output.write("\n");
    rl.write(null, { ctrl: true, name: "u" });
  }
}

type TtyInput = NodeJS.ReadableStream & {
  setRawMode?: ((mode: boolean) => unknown) | undefined;
  isRaw?: boolean | undefined;
  isTTY?: boolean | undefined;
};

/**
 * node:readline completes only on a Tab that ends a chunk of input; a Tab in the middle of a
 * chunk (keys typed faster than the shell reads them, `send-keys "query-st" Tab Tab`) is
 * inserted as text. Passing the terminal's bytes on with a chunk boundary after every Tab
 * makes every Tab complete. The stand-in forwards raw mode to the real terminal.
 */
function tabSeparated(input: TtyInput): { stream: TtyInput; dispose: () => void } {
  if (typeof input.setRawMode !== "function") return { stream: input, dispose: () => {} };
  const splitter = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      let start = 0;
      for (let tab = bytes.indexOf(9); tab >= 0; tab = bytes.indexOf(9, start)) {
        this.push(bytes.subarray(start, tab + 1));
        start = tab + 1;
      }
      if (start < bytes.length) this.push(bytes.subarray(start));
      callback();
    },
  });
  const stream = Object.assign(splitter, {
    isTTY: true,
    get isRaw() {
      return input.isRaw;
    },
    setRawMode: (mode: boolean) => input.setRawMode?.(mode),
  });
  input.pipe(splitter);
  return {
    stream,
    dispose: () => {
      input.unpipe(splitter);
      input.pause();
      splitter.destroy();
    },
  };
}
