/**
 * The `qmpkit` command line (yargs): subcommand `shell`. `runCli` never exits the process
 * and prints no stack traces, so it is testable; exit codes: 0 ok, 1 failure, 2 usage.
 * @module
 */
import yargs from "yargs";
import { runShell, type ShellOptions } from "./main.js";
import type { ShellTarget } from "./connect.js";
import { joinQemuArgs } from "../qemu-arg-option.js";

/** Where the CLI reads and writes; the real process streams by default. */
export interface ShellIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

const processIo: ShellIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };

interface ShellArgs {
  _: (string | number)[];
  socket?: string;
  tcp?: string;
  qemu?: string;
  "qemu-arg": string[];
  qga: boolean;
  schema?: string;
  hmp: boolean;
  pretty: boolean;
  verbose: boolean;
  log?: string;
  events?: boolean;
  history?: string | false;
  timeout?: string;
  validate: boolean;
}

function parser() {
  return (
    yargs()
      // `--qemu-arg -S /run/vm.qmp`: an array option takes one value, the socket stays positional.
      .parserConfiguration({ "greedy-arrays": false })
      .scriptName("qmpkit")
      .usage("$0 <command> [options]")
      .command(
        "shell [socket]",
        "Interactive QMP shell that knows the live schema (completion, help, validation); scripted when stdin is not a TTY",
        (y) =>
          y
            .usage(
              "$0 shell SOCKET | --tcp HOST:PORT | --qemu [BINARY] [--qemu-arg ARG ...] [options]\n" +
                "$0 shell --qga SOCKET [--schema FILE] [options]\n" +
                "$0 shell --hmp SOCKET [options]\n\n" +
                "Type qmp-shell's syntax (COMMAND key=value key.sub=value ..., raw JSON, transaction( ... )); Tab completes " +
                "from the live schema, help COMMAND describes one. Without a TTY on stdin: one command per line, one JSON " +
                "line per reply, exit 0 only if every command succeeded.",
            )
            .positional("socket", {
              type: "string",
              describe: "QMP unix socket (QEMU started with -qmp unix:PATH,server=on,wait=off)",
            })
            .options({
              tcp: { type: "string", describe: "Connect to a TCP monitor at HOST:PORT" },
              qemu: {
                type: "string",
                describe: "Start this QEMU binary with no guest (default qemu-system-x86_64); quit it on exit",
              },
              "qemu-arg": {
                type: "string",
                array: true,
                default: [] as string[],
                describe: "Extra argument for --qemu, repeatable (values may start with -: --qemu-arg -S)",
              },
              qga: {
                type: "boolean",
                default: false,
                describe: "The socket is a qemu-ga guest agent: no greeting, resync first",
              },
              schema: {
                type: "string",
                describe: "Saved query-qmp-schema reply to use instead of introspection (qemu-ga has none)",
              },
              hmp: { type: "boolean", default: false, describe: "Human monitor commands, sent with human-monitor-command" },
              pretty: { alias: "p", type: "boolean", default: false, describe: "Pretty-print JSON replies" },
              verbose: { alias: "v", type: "boolean", default: false, describe: "Echo every QMP message sent" },
              log: { type: "string", describe: "Append a timestamped transcript of everything sent and received to FILE" },
              events: {
                type: "boolean",
                describe: "Print events as they arrive (default: on in a terminal, off in scripts); --no-events turns them off",
              },
              history: {
                type: "string",
                describe: "History file (default ~/.qmpkit_history); --no-history saves none (Up still recalls this session)",
              },
              timeout: { type: "string", describe: "Milliseconds to wait for each reply (default: no limit; Ctrl-C cancels)" },
              validate: {
                type: "boolean",
                default: true,
                describe: "Check arguments against the schema before sending (--no-validate sends as typed)",
              },
            })
            .conflicts("tcp", ["socket", "qemu"])
            .conflicts("qemu", "socket"),
      )
      .demandCommand(1, "a command is required: qmpkit shell --help")
      .strict()
      .exitProcess(false)
      .help()
      .alias("help", "h")
      .version(false)
      .wrap(110)
  );
}

/** `HOST:PORT` (IPv6 hosts in brackets: `[::1]:4444`). */
function parseHostPort(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port < 1 || port > 65535) return undefined;
  return { host: (match[1] ?? match[2]) as string, port };
}

/** Turns parsed flags into shell options, or a usage problem. */
function shellOptions(args: ShellArgs, io: ShellIo): ShellOptions | string {
  let target: ShellTarget;
  if (args.tcp !== undefined) {
    const address = parseHostPort(args.tcp);
    if (address === undefined) return `--tcp expects HOST:PORT, got ${JSON.stringify(args.tcp)}`;
    target = { kind: "tcp", ...address };
  } else if (args.qemu !== undefined) {
    target = { kind: "qemu", binary: args.qemu === "" ? "qemu-system-x86_64" : args.qemu, args: args["qemu-arg"] };
  } else if (args.socket !== undefined && args.socket !== "") {
    target = { kind: "socket", path: args.socket };
  } else {
    return "where to connect is missing: a SOCKET, --tcp HOST:PORT or --qemu";
  }
  if (args["qemu-arg"].length > 0 && target.kind !== "qemu") return "--qemu-arg needs --qemu";
  if (args.qga && args.hmp) return "--qga and --hmp cannot be combined";
  if (args.qga && target.kind === "qemu") return "--qga needs the agent's SOCKET, not --qemu";
  // Read here, not by yargs: a number option turns `--timeout soon` into NaN.
  const timeout = args.timeout === undefined ? undefined : Number(args.timeout);
  if (timeout !== undefined && !(/^\s*\d+\s*$/.test(args.timeout ?? "") && timeout > 0))
    return `--timeout expects a positive number of milliseconds, got ${JSON.stringify(args.timeout)}`;
  if (args.history === "") return "--history needs a FILE";
  const interactive = io.stdin.isTTY === true;
  return {
    target,
    mode: args.qga ? "qga" : args.hmp ? "hmp" : "qmp",
    schemaFile: args.schema,
    pretty: args.pretty,
    verbose: args.verbose,
    log: args.log,
    events: args.events ?? interactive,
    history: args.history,
    timeout,
    validate: args.validate,
    interactive,
  };
}

/** Runs `qmpkit ARGS`; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: ShellIo = processIo): Promise<number> {
  let parsed: ShellArgs | undefined;
  let output = "";
  let usageError: Error | undefined;
  try {
    parsed = await new Promise<ShellArgs>((resolve) => {
      parser().parse(joinQemuArgs(argv), {}, (error, result, text) => {
        usageError = error ?? undefined;
        output = text;
        resolve(result as unknown as ShellArgs);
      });
    });
  } catch (error) {
    usageError = error as Error;
  }
  if (output !== "" && usageError === undefined) {
    io.stdout.write(`${output}\n`); // --help
    return 0;
  }
  if (usageError !== undefined || parsed === undefined) {
    io.stderr.write(`qmpkit: ${usageError?.message.split("\n")[0] ?? "usage error"} (see --help)\n`);
    return 2;
  }
  const options = shellOptions(parsed, io);
  if (typeof options === "string") {
    io.stderr.write(`qmpkit shell: ${options} (see qmpkit shell --help)\n`);
    return 2;
  }
  return runShell(options, io);
}
