/**
 * The schemas committed with qmpkit (`schemas/` in the package), for tests that need a real
 * QEMU's introspection without running QEMU.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readSchemaEntries } from "../schema/load.js";
import type { SchemaInfo } from "../schema/schema-info.js";

const cache = new Map<string, readonly SchemaInfo[]>();

// dist/runtime/testing/ when built, runtime/testing/ in the source tree.
function committedSchemaPath(file: string): string {
  for (const up of ["../../../schemas/", "../../schemas/"]) {
    const path = fileURLToPath(new URL(up + file, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`qmpkit's committed schema ${file} is missing from the package`);
}

function committedSchema(file: string): readonly SchemaInfo[] {
  let entries = cache.get(file);
  if (entries === undefined) {
    entries = deepFreeze(readSchemaEntries(JSON.parse(readFileSync(committedSchemaPath(file), "utf8"))));
    cache.set(file, entries);
  }
  return entries;
}

/**
 * The `query-qmp-schema` reply of `qemu-system-x86_64` 7.2 (1,051 entries), as committed in
 * `schemas/qemu-7.2-x86_64.json`. Frozen and shared: pass it to `new QmpSchema(...)` or
 * `new QmpTestServer({ schema })`.
 */
export function qemu72Schema(): readonly SchemaInfo[] {
  return committedSchema("qemu-7.2-x86_64.json");
}

/** The `query-qmp-schema` reply of `qemu-storage-daemon` 7.2, as committed in `schemas/qsd-7.2.json`. */
export function qsd72Schema(): readonly SchemaInfo[] {
  return committedSchema("qsd-7.2.json");
}

// Shared between tests: nobody may change it for the others.
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
