/**
 * The `qapi-gen` command line: parse flags (yargs), run jobs, print a summary.
 * `runCli` never exits the process and never prints a stack trace, so it is testable.
 * @module
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import yargs from "yargs";
import { checkNames, DEFAULT_OUT, usageProblem, type ParsedArgs } from "./cli-args.js";
import { GeneratorError } from "./errors.js";
import { interfaceReport } from "./diff/check-report.js";
import { runDiff } from "./diff/command.js";
import { runJob, type Job, type JobResult, type QapiInput, type SchemaInput } from "./generate.js";
import { formatMismatches, isQapiError } from "./qapi/index.js";
import { generatorVersion } from "./version.js";
import { joinQemuArgs } from "../runtime/qemu-arg-option.js";

/** Where the CLI writes; the real process streams by default. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Config read when no input flag is given: the binding sets of a project. */
export const CONFIG_FILE = "qapi-gen.config.json";

function parser() {
  return yargs()
    .scriptName("qapi-gen")
    .usage(
      "$0 --schema FILE | --socket PATH | --qemu BINARY [options]\n" +
        "$0 --qapi FILE [--define SYM ...] [options]\n" +
        "$0 --qapi FILE --schema FILE | --socket PATH | --qemu BINARY [options]\n" +
        "$0 diff OLD NEW [--json]   (compare two saved schemas; see qapi-gen diff --help)\n\n" +
        "Generates TypeScript bindings from QEMU's query-qmp-schema (introspection), from QAPI source files " +
        "(--qapi: real type names, integer widths, docs as TSDoc; e.g. qemu-ga's qga-schema.json), or from both " +
        "merged (the binary decides what exists, the source gives names and docs; differences are listed on " +
        `stderr). Without an input flag, runs the jobs in ./${CONFIG_FILE}.`,
    )
    .options({
      schema: { type: "string", describe: 'Saved query-qmp-schema reply (bare array or {"return": [...]})' },
      socket: { type: "string", describe: "QMP socket of a running QEMU" },
      qemu: { type: "string", describe: "QEMU binary to start without a guest, query and quit" },
      qapi: {
        type: "string",
        describe: "QAPI source schema (e.g. qapi/qapi-schema.json); with an introspection input: merge mode",
      },
      define: {
        type: "string",
        array: true,
        default: [] as string[],
        describe:
          "With --qapi alone: a defined config symbol (e.g. CONFIG_SPICE), repeatable; keeps only what its conditions allow",
      },
      "qemu-arg": {
        type: "string",
        array: true,
        default: [] as string[],
        describe: "Extra argument for --qemu, repeatable (values may start with -: --qemu-arg -S)",
      },
      out: { type: "string", describe: `Directory receiving the files of one binding set (default ${DEFAULT_OUT})` },
      check: { type: "boolean", default: false, describe: "Write nothing; exit 1 listing files that would change" },
      "save-schema": { type: "string", describe: "Also save the schema (with the QEMU version) to FILE" },
      "runtime-import": { type: "string", default: "qmpkit", describe: "Module the bindings import runtime types from" },
      "api-name": { type: "string", default: "Qemu", describe: "Prefix of API names: Qemu → QemuApi, QemuCommands" },
      config: { type: "string", describe: `Jobs file used when no input flag is given (default ./${CONFIG_FILE})` },
      names: {
        type: "string",
        describe:
          "Names data (e.g. schemas/qemu-7.2-x86_64.names.json): real QAPI type names and integer widths for an " +
          "introspection input, no QAPI source needed. Default, when its QEMU version matches: X.names.json next to " +
          "--schema X.json (or --save-schema X.json), else the names of the config job writing the same --out",
      },
      "save-names": {
        type: "string",
        describe: "Merge mode: also write the names data (type names and integer widths, no docs) to FILE",
      },
      "max-mismatches": {
        type: "number",
        default: 50,
        describe: "Merge mode: list at most this many source/binary mismatches (0: all)",
      },
    })
    .conflicts("config", ["schema", "socket", "qemu", "qapi"])
    .conflicts("names", "qapi")
    .conflicts("schema", ["socket", "qemu"])
    .conflicts("socket", "qemu")
    .strict()
    .exitProcess(false)
    .version(generatorVersion())
    .help()
    .wrap(100);
}

function inputOf(args: ParsedArgs): SchemaInput | undefined {
  if (args.schema !== undefined) return { kind: "file", path: args.schema };
  if (args.socket !== undefined) return { kind: "socket", path: args.socket };
  if (args.qemu !== undefined) return { kind: "qemu", binary: args.qemu, args: args["qemu-arg"] };
  return undefined;
}

function qapiOf(args: ParsedArgs, input: SchemaInput | undefined): QapiInput | undefined {
  const defines = args.define;
  if (args.qapi === undefined) {
    if (defines.length > 0) throw new GeneratorError("--define needs --qapi");
    return undefined;
  }
  if (input !== undefined && defines.length > 0)
    throw new GeneratorError(
      "--define cannot be used in merge mode (--qapi with --schema, --socket or --qemu): the binary decides what exists",
    );
  return { file: args.qapi, defines: defines.length > 0 ? defines : undefined };
}

/**
 * Jobs from the config file: `{"jobs": [{"schema"?, "qapi"?, "defines"?, "names"?, "out", "apiName"?, "runtimeImport"?}]}`
 * (`schema` and/or `qapi`: both means merge mode; `names`: names data for `schema`),
 * paths relative to the config file.
 */
async function configJobs(args: ParsedArgs): Promise<Job[]> {
  const CONFIG = args.config ?? CONFIG_FILE;
  let text: string;
  try {
    text = await readFile(CONFIG, "utf8");
  } catch {
    if (args.config === undefined)
      throw new GeneratorError(`one of --schema, --socket, --qemu or --qapi is required (or a ./${CONFIG_FILE}); see --help`);
    throw new GeneratorError(`cannot read config file ${JSON.stringify(CONFIG)}`);
  }
  return parseConfig(text, CONFIG, args);
}

/**
 * The names data of the config job that writes `out`, so a live run (`--qemu BINARY --out
 * generated/qemu --check`) gives the same names as the committed bindings. Never an error:
 * without a readable config, or a job with names for `out`, there is none.
 */
async function implicitNames(args: ParsedArgs, out: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(args.config ?? CONFIG_FILE, "utf8");
  } catch {
    return undefined;
  }
  try {
    const jobs = parseConfig(text, args.config ?? CONFIG_FILE, args);
    return jobs.find((j) => resolve(j.out) === resolve(out) && j.names !== undefined)?.names?.file;
  } catch {
    return undefined;
  }
}

/** `schemas/x.names.json` for `schemas/x.json`, when it exists: names data kept next to its schema. */
function namesNextTo(schemaFile: string | undefined): string | undefined {
  if (schemaFile === undefined || !schemaFile.endsWith(".json") || schemaFile.endsWith(".names.json")) return undefined;
  const file = `${schemaFile.slice(0, -".json".length)}.names.json`;
  return existsSync(file) ? file : undefined;
}

function parseConfig(text: string, CONFIG: string, args: ParsedArgs): Job[] {
  const base = dirname(CONFIG);
  const near = (path: string): string => relative(process.cwd(), resolve(base, path)) || ".";
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new GeneratorError(`invalid JSON in ${CONFIG}: ${(error as Error).message.split("\n")[0] ?? ""}`);
  }
  const jobs = (config as { jobs?: unknown } | null)?.jobs;
  if (!Array.isArray(jobs)) throw new GeneratorError(`${CONFIG}: expected {"jobs": [...]}`);
  return jobs.map((raw: unknown, i): Job => {
    const j = (raw ?? {}) as Record<string, unknown>;
    const schema = j["schema"];
    const qapiFile = j["qapi"];
    const defines = j["defines"];
    const names = j["names"];
    const where = `${CONFIG}: jobs[${i}]`;
    if (typeof j["out"] !== "string") throw new GeneratorError(`${where} needs an "out" string`);
    if (typeof schema !== "string" && typeof qapiFile !== "string")
      throw new GeneratorError(`${where} needs a "schema" string, a "qapi" string, or both (merge mode)`);
    if (schema !== undefined && typeof schema !== "string") throw new GeneratorError(`${where}: "schema" must be a string`);
    if (qapiFile !== undefined && typeof qapiFile !== "string") throw new GeneratorError(`${where}: "qapi" must be a string`);
    if (defines !== undefined && !(Array.isArray(defines) && defines.every((d) => typeof d === "string")))
      throw new GeneratorError(`${where}: "defines" must be an array of strings`);
    if (defines !== undefined && (typeof qapiFile !== "string" || typeof schema === "string"))
      throw new GeneratorError(`${where}: "defines" goes with "qapi" alone (in merge mode the binary decides what exists)`);
    if (names !== undefined && (typeof names !== "string" || typeof schema !== "string" || qapiFile !== undefined))
      throw new GeneratorError(
        `${where}: "names" must be a string and goes with "schema" alone (with "qapi" the source names types)`,
      );
    const apiName = typeof j["apiName"] === "string" ? j["apiName"] : args["api-name"];
    const runtimeImport = typeof j["runtimeImport"] === "string" ? j["runtimeImport"] : args["runtime-import"];
    checkNames(apiName, runtimeImport);
    return {
      input: typeof schema === "string" ? { kind: "file", path: near(schema) } : undefined,
      qapi: typeof qapiFile === "string" ? { file: near(qapiFile), defines: defines as string[] | undefined } : undefined,
      names: typeof names === "string" ? { file: near(names) } : undefined,
      out: near(j["out"]),
      check: args.check,
      apiName,
      runtimeImport,
    };
  });
}

function mismatchSummary(job: Job, result: JobResult, limit: number): string {
  const { mismatches } = result;
  if (mismatches === undefined) return "";
  const count = `${mismatches.length} mismatch${mismatches.length === 1 ? "" : "es"}`;
  if (mismatches.length === 0) return `qapi-gen: ${job.out}: merge: source and binary agree (0 mismatches)\n`;
  const shown = limit > 0 ? mismatches.slice(0, limit) : mismatches;
  const lines = formatMismatches(shown)
    .split("\n")
    .map((line) => `  ${line}\n`)
    .join("");
  const more =
    shown.length < mismatches.length ? `  … and ${mismatches.length - shown.length} more (--max-mismatches 0 lists all)\n` : "";
  return `qapi-gen: ${job.out}: merge: ${count} between source and binary (the binary wins):\n${lines}${more}`;
}

function summary(job: Job, result: JobResult): string {
  const { schema, diff } = result;
  const counts = `${schema.commands.length} commands, ${schema.events.length} events, ${schema.types.length} types`;
  const time = `${(result.milliseconds / 1000).toFixed(2)} s`;
  if (job.check) return `${job.out}: up to date (${counts}; checked ${result.files.size} files in ${time})\n`;
  const written = diff.changed.length;
  const removed = diff.stale.length > 0 ? `, ${diff.stale.length} stale removed` : "";
  return `${job.out}: ${counts}; ${written} file${written === 1 ? "" : "s"} written, ${diff.unchanged.length} unchanged${removed} (${time})\n`;
}

/**
 * Runs the CLI.
 * @returns the exit code: 0 success/up to date, 1 error or out of date, 2 usage error.
 */

export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (argv[0] === "diff") return runDiff(argv.slice(1), io);
  let args: ParsedArgs | undefined;
  let output = "";
  let usageError: Error | undefined;
  try {
    args = (await new Promise((resolve) => {
      parser().parse(joinQemuArgs(argv), {}, (error, parsed, text) => {
        usageError = error ?? undefined;
        output = text;
        resolve(parsed as unknown as ParsedArgs);
      });
    })) as ParsedArgs;
  } catch (error) {
    usageError = error as Error;
  }
  if (output !== "" && !usageError) {
    io.stdout(`${output}\n`); // --help or --version
    return 0;
  }
  const problem = usageError?.message ?? (args ? usageProblem(args, argv) : "usage error");
  if (problem !== undefined || !args) {
    io.stderr(`qapi-gen: ${problem?.split("\n")[0] ?? "usage error"} (see --help)\n`);
    return 2;
  }
  try {
    const input = inputOf(args);
    if (args["qemu-arg"].length > 0 && input?.kind !== "qemu") throw new GeneratorError("--qemu-arg needs --qemu");
    const qapi = qapiOf(args, input);
    checkNames(args["api-name"], args["runtime-import"]);
    const flags = {
      out: args.out ?? DEFAULT_OUT,
      check: args.check,
      apiName: args["api-name"],
      runtimeImport: args["runtime-import"],
      saveSchema: args["save-schema"],
      saveNames: args["save-names"],
    };
    let names: Job["names"];
    if (args.names !== undefined) names = { file: args.names };
    else if (input !== undefined && qapi === undefined) {
      const schemaFile = input.kind === "file" ? input.path : args["save-schema"];
      const found = namesNextTo(schemaFile) ?? (await implicitNames(args, flags.out));
      if (found !== undefined) names = { file: found, implicit: true };
    }
    const jobs: Job[] = input || qapi ? [{ input, qapi, names, ...flags }] : await configJobs(args);
    let outdated = false;
    for (const job of jobs) {
      const result = await runJob(job);
      io.stderr(mismatchSummary(job, result, args["max-mismatches"]));
      for (const note of result.notes) io.stderr(`qapi-gen: ${job.out}: ${note}\n`);
      const stale = [...result.diff.changed, ...result.diff.stale];
      if (job.check && stale.length > 0) {
        outdated = true;
        io.stderr(
          `qapi-gen: ${job.out}: ${stale.length} file(s) out of date (run without --check to update):\n${stale.map((f) => `  ${job.out}/${f}\n`).join("")}`,
        );
        if (result.entries !== undefined)
          io.stderr(await interfaceReport(job.out, result.entries, job.input?.kind === "file" ? job.input.path : undefined));
      } else io.stdout(summary(job, result));
    }
    return outdated ? 1 : 0;
  } catch (error) {
    // Like a compiler: `file:line:col: message`, so editors can jump to it.
    if (isQapiError(error)) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    if (error instanceof GeneratorError) {
      io.stderr(`qapi-gen: error: ${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`qapi-gen: internal error: ${message.split("\n")[0] ?? ""} (please report this)\n`);
    return 1;
  }
}
