/**
 * `qapi-gen diff OLD NEW [--json]`: exit 0 when nothing is breaking, 1 when something is,
 * 2 for bad input or usage.
 * @module
 */
import yargs from "yargs";
import { GeneratorError } from "../errors.js";
import { generatorVersion } from "../version.js";
import { diffSchemas } from "./compare.js";
import { changeLine, changeSummary } from "./format.js";
import { loadSchemaEntries } from "./load.js";

/** Where the subcommand writes. */
export interface DiffIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

interface DiffArgs {
  _: (string | number)[];
  json: boolean;
}

function parser() {
  return yargs()
    .scriptName("qapi-gen diff")
    .usage(
      "$0 OLD NEW [--json]\n\n" +
        'Compares two saved query-qmp-schema replies (bare array or {"return": [...]}, as --save-schema writes them) ' +
        "structurally and prints one change per line, addressed with query-string paths. Exit status: 0 nothing " +
        "breaking for a client of OLD, 1 something breaking, 2 bad input.",
    )
    .options({
      json: { type: "boolean", default: false, describe: "Print a JSON array of {change, path, breaking, detail}" },
    })
    .strictOptions()
    .exitProcess(false)
    .version(generatorVersion())
    .help()
    .wrap(100);
}

/**
 * Runs `qapi-gen diff` with the arguments after `diff`.
 * @returns the exit status.
 */
export async function runDiff(argv: readonly string[], io: DiffIo): Promise<number> {
  let args: DiffArgs | undefined;
  let output = "";
  let usageError: Error | undefined;
  try {
    args = await new Promise<DiffArgs>((resolve) => {
      parser().parse([...argv], {}, (error, parsed, text) => {
        usageError = error ?? undefined;
        output = text;
        resolve(parsed as unknown as DiffArgs);
      });
    });
  } catch (error) {
    usageError = error as Error;
  }
  if (output !== "" && !usageError) {
    io.stdout(`${output}\n`);
    return 0;
  }
  const files = (args?._ ?? []).map(String);
  const problem =
    usageError?.message.split("\n")[0] ??
    (files.length !== 2 ? `expected two schema files, OLD and NEW, got ${files.length}` : undefined);
  if (problem !== undefined || args === undefined) {
    io.stderr(`qapi-gen diff: ${problem ?? "usage error"} (see qapi-gen diff --help)\n`);
    return 2;
  }
  try {
    const [oldFile, newFile] = files as [string, string];
    const oldMap = await loadSchemaEntries(oldFile);
    const newMap = await loadSchemaEntries(newFile);
    const changes = diffSchemas(oldMap, newMap);
    if (args.json) io.stdout(`${JSON.stringify(changes, null, 2)}\n`);
    else {
      io.stdout(changes.map((c) => `${changeLine(c)}\n`).join(""));
      io.stderr(`qapi-gen diff: ${changeSummary(changes)}\n`);
    }
    return changes.some((c) => c.breaking) ? 1 : 0;
  } catch (error) {
    if (error instanceof GeneratorError) {
      io.stderr(`qapi-gen diff: error: ${error.message}\n`);
      return 2;
    }
    io.stderr(
      `qapi-gen diff: internal error: ${error instanceof Error ? error.message.split("\n")[0] : String(error)} (please report this)\n`,
    );
    return 2;
  }
}
