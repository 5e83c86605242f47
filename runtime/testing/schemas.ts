/**
 * The schemas committed with qmpkit (`schemas/` in the package), for tests that need a real
 * QEMU's introspection without running QEMU.
 * @module
 */
import { committedSchemaFacts, readCommittedJson } from "../schema/committed.js";
import { readSchemaEntries } from "../schema/load.js";
import type { QmpSchemaOptions } from "../schema/qmp-schema.js";
import type { SchemaInfo } from "../schema/schema-info.js";

const cache = new Map<string, readonly SchemaInfo[]>();

function committedSchema(file: string): readonly SchemaInfo[] {
  let entries = cache.get(file);
  if (entries === undefined) {
    entries = deepFreeze(readSchemaEntries(readCommittedJson(file)));
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

/**
 * What introspection does not show about QEMU 7.2, derived from its QAPI source: the declared
 * width of every sized integer member and the QAPI name of every type, keyed by query string
 * (the names data `schemas/qemu-7.2-x86_64.names.json` and `schemas/qsd-7.2.names.json`, as
 * `{ integerWidths, typeNames }`). Every `QmpSchema` (and so the fake server, `introspect()` and
 * `validate: true`) already uses them by default; this returns the same frozen data, to pass on
 * explicitly or to extend.
 */
export function qemu72SchemaOptions(): QmpSchemaOptions {
  return committedSchemaFacts();
}

// Shared between tests: nobody may change it for the others.
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
