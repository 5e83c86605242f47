/**
 * The names data file (`schemas/*.names.json`): QEMU's real type names and integer widths for
 * one introspection schema, keyed by query-string paths (see `../schema-paths.ts`), so
 * `npx qapi-gen` gives real names without QAPI source files. Facts only, never doc text.
 * @module
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { GeneratorError } from "../errors.js";
import { INTEGER_BUILTINS, type IntegerBuiltin } from "../ir.js";

/** Current value of the `format` field. */
export const NAMES_FORMAT = "qmpkit-names/1";

/** The parsed names data. */
export interface NamesData {
  /** QEMU version (`major.minor`) of the schema the data was derived from, when known. */
  readonly qemu?: string | undefined;
  /** What it was derived from (file names only). */
  readonly derivedFrom?: string | undefined;
  /** Canonical type key → real QAPI type name. */
  readonly types: Readonly<Record<string, string>>;
  /**
   * Member path → integer width other than plain `int`: the width of the member, of its array
   * elements, or of the integer branch of the alternate first used there. `COMMAND/ret-type`
   * for integer results.
   */
  readonly widths: Readonly<Record<string, IntegerBuiltin>>;
}

const WIDTHS: ReadonlySet<string> = new Set(INTEGER_BUILTINS);

const sortedRecord = <T>(record: Readonly<Record<string, T>>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The file text: stable key order, one entry per line, `\n` endings. */
export function formatNamesData(data: NamesData): string {
  const out = {
    format: NAMES_FORMAT,
    about: "Real QAPI type names and integer widths for qapi-gen; refresh with --save-names (README: Real type names)",
    ...(data.qemu === undefined ? {} : { qemu: data.qemu }),
    ...(data.derivedFrom === undefined ? {} : { derivedFrom: data.derivedFrom }),
    types: sortedRecord(data.types),
    widths: sortedRecord(data.widths),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value as Record<string, unknown>).every((v) => typeof v === "string")
  );
}

/**
 * Checks parsed JSON as names data.
 * @throws GeneratorError naming `file` and the problem.
 */
export function parseNamesData(json: unknown, file: string): NamesData {
  const where = `names data ${JSON.stringify(file)}`;
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new GeneratorError(`${where}: expected an object`);
  const { format, qemu, derivedFrom, types, widths } = json as Record<string, unknown>;
  if (format !== NAMES_FORMAT) throw new GeneratorError(`${where}: "format" must be ${JSON.stringify(NAMES_FORMAT)}`);
  if (!isStringRecord(types)) throw new GeneratorError(`${where}: "types" must map paths to type names`);
  if (!isStringRecord(widths)) throw new GeneratorError(`${where}: "widths" must map member paths to integer widths`);
  const bad = Object.entries(widths).find(([, w]) => !WIDTHS.has(w));
  if (bad)
    throw new GeneratorError(
      `${where}: width of ${JSON.stringify(bad[0])} is not a QAPI integer type: ${JSON.stringify(bad[1])}`,
    );
  const badName = Object.entries(types).find(([, n]) => !/^[A-Za-z][A-Za-z0-9_-]*$/.test(n));
  if (badName)
    throw new GeneratorError(
      `${where}: type name for ${JSON.stringify(badName[0])} is not a QAPI name: ${JSON.stringify(badName[1])}`,
    );
  if (qemu !== undefined && typeof qemu !== "string") throw new GeneratorError(`${where}: "qemu" must be a string`);
  if (derivedFrom !== undefined && typeof derivedFrom !== "string")
    throw new GeneratorError(`${where}: "derivedFrom" must be a string`);
  return { qemu, derivedFrom, types, widths: widths as Record<string, IntegerBuiltin> };
}

/** Reads a names data file. @throws GeneratorError when it is missing or invalid. */
export async function readNamesData(file: string): Promise<NamesData> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new GeneratorError(
      `cannot read names data ${JSON.stringify(file)}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GeneratorError(
      `invalid JSON in names data ${JSON.stringify(file)}: ${(error as Error).message.split("\n")[0] ?? ""}`,
    );
  }
  return parseNamesData(json, file);
}

/** Writes a names data file. */
export async function writeNamesData(file: string, data: NamesData): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, formatNamesData(data));
  } catch (error) {
    throw new GeneratorError(`cannot write names data ${JSON.stringify(file)}: ${(error as Error).message}`, { cause: error });
  }
}
