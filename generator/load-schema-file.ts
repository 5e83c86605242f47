/**
 * Reading a saved `query-qmp-schema` reply from disk, and writing one.
 * @module
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { GeneratorError } from "./errors.js";
import type { QemuVersion } from "./ir.js";
import { findJsonSyntaxError } from "./json-error.js";

/** `line 2, column 10: unexpected "}"`, from our own scanner (JSON.parse's text varies). */
function locate(text: string, error: unknown): string {
  const found = findJsonSyntaxError(text);
  if (found) return `line ${found.line}, column ${found.column}: ${found.message}`;
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "invalid JSON";
}

/**
 * Reads and parses a schema file.
 * @throws GeneratorError when the file is missing, unreadable or not JSON.
 */
export async function readSchemaFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (error as Error).message;
    throw new GeneratorError(`cannot read schema file ${JSON.stringify(path)}: ${why}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new GeneratorError(`invalid JSON in ${JSON.stringify(path)}: ${locate(text, error)}`, { cause: error });
  }
}

/**
 * The saved form: `{"version": <greeting version>, "return": [...]}`, one SchemaInfo entry
 * per line so diffs between QEMU versions are readable. `--schema` loads it back.
 */
export function formatSavedSchema(entries: readonly unknown[], version: QemuVersion | undefined): string {
  const head = version
    ? `"version": ${JSON.stringify({ qemu: { major: version.major, minor: version.minor, micro: version.micro }, package: version.package ?? "" })},\n`
    : "";
  return `{\n${head}"return": [\n${entries.map((e) => JSON.stringify(e)).join(",\n")}\n]\n}\n`;
}

/** Writes a fetched schema in the saved form. */
export async function saveSchemaFile(path: string, entries: readonly unknown[], version: QemuVersion | undefined): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, formatSavedSchema(entries, version));
  } catch (error) {
    throw new GeneratorError(`cannot write schema file ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  }
}
