/**
 * Files qmpkit ships under `schemas/` (next to `dist/` in the package, at the top of the
 * source tree), found relative to this module, and the QEMU 7.2 facts every `QmpSchema`
 * uses unless told otherwise. Nothing is read before it is needed.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { QmpSchemaOptions } from "./qmp-schema.js";

/** Names data qmpkit ships (`qapi-gen --save-names`), one per QEMU 7.2 binary. */
const FACT_FILES = ["qemu-7.2-x86_64.names.json", "qsd-7.2.names.json"] as const;

/**
 * The absolute path of `schemas/FILE` in the installed package or source tree.
 * @throws Error when the file is missing (a broken install).
 */
export function committedFilePath(file: string): string {
  // dist/runtime/schema/ when built, runtime/schema/ in the source tree.
  for (const up of ["../../../schemas/", "../../schemas/"]) {
    const path = fileURLToPath(new URL(up + file, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`qmpkit's committed file schemas/${file} is missing from the package`);
}

/** Reads and parses `schemas/FILE`. @throws Error when it is missing or not JSON. */
export function readCommittedJson(file: string): unknown {
  const path = committedFilePath(file);
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`qmpkit's committed file ${path} is unreadable: ${(error as Error).message}`, { cause: error });
  }
}

function stringRecord(value: unknown, what: string): Record<string, string> {
  if (
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === "string")
  )
    throw new Error(`qmpkit's committed names data: ${what} is not a map of strings`);
  return value as Record<string, string>;
}

let facts: QmpSchemaOptions | undefined;

/**
 * QEMU 7.2's declared integer widths and QAPI type names, as committed in
 * `schemas/qemu-7.2-x86_64.names.json` and `schemas/qsd-7.2.names.json` (names data:
 * `widths` → `integerWidths`, `types` → `typeNames`; the two files together, since each keys
 * types by where its own binary first uses them). Read once, on first use; frozen.
 */
export function committedSchemaFacts(): QmpSchemaOptions {
  if (facts === undefined) {
    const integerWidths: Record<string, string> = {};
    const typeNames: Record<string, string> = {};
    for (const file of FACT_FILES) {
      const data = readCommittedJson(file) as { widths?: unknown; types?: unknown } | null;
      Object.assign(integerWidths, stringRecord(data?.widths, `${file} "widths"`));
      Object.assign(typeNames, stringRecord(data?.types, `${file} "types"`));
    }
    facts = Object.freeze({ integerWidths: Object.freeze(integerWidths), typeNames: Object.freeze(typeNames) });
  }
  return facts;
}
