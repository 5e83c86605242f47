/**
 * One shell session: open the transcript and the connection, pick the front end (terminal
 * or script), and clean up. Resolves with the exit code.
 * @module
 */
import { constants } from "node:os";
import { openConnection, type ShellConnection, type ShellTarget } from "./connect.js";
import { ShellCore, type ShellMode } from "./core.js";
import { formatJson, paletteFor } from "./format.js";
import { defaultHistoryPath } from "./history.js";
import { runInteractive } from "./interactive.js";
import { runScripted } from "./scripted.js";
import { Transcript } from "./transcript.js";
import type { ShellIo } from "./cli.js";

/** Everything the command line decided. */
export interface ShellOptions {
  readonly target: ShellTarget;
  readonly mode: ShellMode;
  readonly schemaFile: string | undefined;
  readonly pretty: boolean;
  readonly verbose: boolean;
  readonly log: string | undefined;
  readonly events: boolean;
  /** History file; undefined: the default one (interactive only). */
  readonly history: string | undefined | false;
  readonly timeout: number | undefined;
  readonly validate: boolean;
  /** stdin is a terminal. */
  readonly interactive: boolean;
}

const PROMPTS: Record<ShellMode, string> = { qmp: "(QEMU) ", qga: "(QGA) ", hmp: "(HMP) " };
const CONNECT_TIMEOUT_MS = 10_000;

/** Runs a shell session. */
export async function runShell(options: ShellOptions, io: ShellIo): Promise<number> {
  const fail = (text: string) => io.stderr.write(`qmpkit shell: ${text}\n`);
  let transcript: Transcript | undefined;
  if (options.log !== undefined) {
    try {
      transcript = await Transcript.open(options.log);
    } catch (error) {
      fail(`cannot open log ${options.log}: ${(error as Error).message}`);
      return 1;
    }
  }
  let echo: ((text: string) => void) | undefined;
  const palette = paletteFor(options.interactive && io.stdout.isTTY === true, io.env);
  const hooks = {
    outbound: (message: Record<string, unknown>) => {
      transcript?.message("->", message);
      echo?.(palette.dim(formatJson(message, options.pretty)));
    },
    inbound: (message: Record<string, unknown>) => {
      transcript?.message("<-", message);
    },
  };
  let connection: ShellConnection;
  try {
    connection = await openConnection({
      target: options.target,
      mode: options.mode,
      schemaFile: options.schemaFile,
      hooks,
      // --timeout is per command; connecting (and fetching the schema) has its own limit.
      timeout: CONNECT_TIMEOUT_MS,
    });
  } catch (error) {
    const message = (error as Error).message;
    // A second client waits in QEMU's backlog without a greeting until the first one leaves.
    const busy =
      /timed out/.test(message) && options.target.kind !== "qemu"
        ? " (a QEMU monitor serves one client at a time: is another one connected?)"
        : "";
    fail(`cannot connect: ${message}${busy}`);
    await transcript?.close();
    return 1;
  }
  transcript?.note(`qmpkit shell connected to ${connection.label}`);
  const unwatchSignals = connection.launched === undefined ? () => {} : quitOnSignals(connection, transcript);
  const core = new ShellCore(
    connection.qmp,
    connection.schema,
    {
      mode: options.mode,
      validate: options.validate,
      timeout: options.timeout,
      palette,
      width: () => io.stdout.columns ?? 80,
      widthsKnown: connection.widthsKnown,
    },
    connection.commandNames,
  );
  let code: number;
  try {
    if (options.interactive) {
      let printer: ((text: string) => void) | undefined;
      if (options.verbose) echo = (text) => printer?.(text);
      code = await runInteractive(core, {
        input: io.stdin,
        output: io.stdout,
        prompt: PROMPTS[options.mode],
        palette,
        pretty: options.pretty,
        events: options.events,
        history: options.history === false ? undefined : (options.history ?? defaultHistoryPath()),
        onPrinter: (print) => (printer = print),
      });
    } else {
      if (options.verbose) echo = (text) => io.stderr.write(`${text}\n`);
      code = await runScripted(core, {
        input: io.stdin,
        write: (text) => io.stdout.write(text),
        writeError: (text) => io.stderr.write(text),
        pretty: options.pretty,
        events: options.events,
      });
    }
  } finally {
    unwatchSignals();
    echo = undefined;
    await connection.close().catch(() => {});
    transcript?.note("qmpkit shell closed");
    await transcript?.close();
  }
  return code;
}

/**
 * `--qemu`: a shell ended by SIGTERM or SIGHUP (a closed terminal window) still quits the QEMU
 * it started, rather than leaving it running. Returns the function that stops watching.
 */
function quitOnSignals(connection: ShellConnection, transcript: Transcript | undefined): () => void {
  const signals = ["SIGTERM", "SIGHUP"] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    void connection
      .close()
      .catch(() => {})
      .then(async () => {
        transcript?.note(`qmpkit shell ended by ${signal}`);
        await transcript?.close();
      })
      .finally(() => process.exit(128 + (constants.signals[signal] ?? 0)));
  };
  for (const signal of signals) process.once(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
