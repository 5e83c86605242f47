/**
 * Checks on parsed `qapi-gen` arguments that yargs does not make: options given twice or
 * without a value, options that mean nothing in config mode, and API names that would
 * collide with the runtime's.
 * @module
 */
import { isValidApiName } from "./emit/options.js";
import { RUNTIME_NAMES } from "./emit/naming.js";
import { GeneratorError } from "./errors.js";

/** The flags, as yargs parses them (a flag given twice becomes an array). */
export interface ParsedArgs {
  schema?: string | undefined;
  socket?: string | undefined;
  qemu?: string | undefined;
  qapi?: string | undefined;
  define: string[];
  "qemu-arg": string[];
  out?: string | undefined;
  check: boolean;
  "save-schema"?: string | undefined;
  "runtime-import": string;
  "api-name": string;
  config?: string | undefined;
  "max-mismatches": number;
  names?: string | undefined;
  "save-names"?: string | undefined;
}

/** Output directory when `--out` is not given. */
export const DEFAULT_OUT = "generated";

/** Flags that take one value; `--define` and `--qemu-arg` are the repeatable ones. */
const SINGLE_VALUED = [
  "schema",
  "socket",
  "qemu",
  "qapi",
  "out",
  "save-schema",
  "runtime-import",
  "api-name",
  "config",
  "names",
  "save-names",
] as const;

/**
 * What is wrong with the flags as given, as a one-line usage message, or `undefined`.
 * @param argv - the raw arguments: a bare repeatable flag parses like an absent one.
 */
export function usageProblem(args: ParsedArgs, argv: readonly string[]): string | undefined {
  const given = args as unknown as Readonly<Record<string, unknown>>;
  for (const flag of SINGLE_VALUED) {
    const value = given[flag];
    if (Array.isArray(value)) return `--${flag} given ${value.length} times; give it once`;
    if (value === "") return `--${flag} needs a value`;
  }
  const limit = given["max-mismatches"];
  if (Array.isArray(limit)) return `--max-mismatches given ${limit.length} times; give it once`;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) return "--max-mismatches needs a whole number (0: all)";
  for (const flag of ["define", "qemu-arg"] as const) {
    if (args[flag].some((v) => v === "") || (args[flag].length === 0 && argv.includes(`--${flag}`)))
      return `--${flag} needs a value`;
  }
  const configMode = [args.schema, args.socket, args.qemu, args.qapi].every((v) => v === undefined);
  if (configMode) {
    const where = `the jobs of ${args.config ?? "./qapi-gen.config.json"}`;
    if (args.out !== undefined)
      return `--out cannot be used without an input flag (--schema, --socket, --qemu or --qapi): ${where} say where they write`;
    if (args["save-schema"] !== undefined) return `--save-schema needs an introspection input (--schema, --socket or --qemu)`;
    if (args.names !== undefined)
      return `--names needs an introspection input (--schema, --socket or --qemu): ${where} name their own`;
    if (args["save-names"] !== undefined) return `--save-names needs merge mode (--qapi with --schema, --socket or --qemu)`;
  }
  return undefined;
}

/** The API-level names an `--api-name` produces (see `planNames`). */
function apiNames(apiName: string): string[] {
  return ["Api", "Commands", "Events", "Event", "UnknownEvent"].map((suffix) => `${apiName}${suffix}`);
}

/**
 * Checks `--api-name` and `--runtime-import` (or a config job's `apiName`, `runtimeImport`).
 * @throws GeneratorError naming the problem.
 */
export function checkNames(apiName: string, runtimeImport: string): void {
  if (!isValidApiName(apiName))
    throw new GeneratorError(`--api-name must be PascalCase ASCII like "Qemu", got ${JSON.stringify(apiName)}`);
  const clash = apiNames(apiName).find((n) => (RUNTIME_NAMES as readonly string[]).includes(n));
  if (clash !== undefined)
    throw new GeneratorError(`--api-name ${JSON.stringify(apiName)} would name ${clash}, which the runtime already exports`);
  // eslint-disable-next-line no-control-regex
  if (runtimeImport === "" || /["'`\\\u0000-\u001f]/.test(runtimeImport))
    throw new GeneratorError(`--runtime-import is not a usable module specifier: ${JSON.stringify(runtimeImport)}`);
}
