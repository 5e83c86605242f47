/**
 * In-memory schema files for tests: `load(files)` runs the source frontend on them.
 * @module
 */
import type { Schema } from "../../../generator/ir.js";
import { QapiError, loadQapiSchema } from "../../../generator/qapi/index.js";

/** A `readFile` over a map of file name → text; missing files fail like `fs` (ENOENT). */
export function memoryReader(files: Readonly<Record<string, string>>): (file: string) => string {
  return (file) => {
    const text = files[file];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: "ENOENT" });
    return text;
  };
}

/** Loads `main.json` (or the first file) from in-memory files. */
export function loadMemory(files: Readonly<Record<string, string>> | string, defines?: readonly string[]): Schema {
  const map = typeof files === "string" ? { "main.json": files } : files;
  const entry = "main.json" in map ? "main.json" : (Object.keys(map)[0] ?? "main.json");
  return loadQapiSchema(entry, { readFile: memoryReader(map), ...(defines === undefined ? {} : { defines }) });
}

/** The error message of loading, or "no error". */
export function errorOf(files: Readonly<Record<string, string>> | string, defines?: readonly string[]): string {
  try {
    loadMemory(files, defines);
    return "no error";
  } catch (err: unknown) {
    if (err instanceof QapiError) return `QapiError: ${err.message}`;
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
}
