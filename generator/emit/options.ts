/**
 * Options of one emitter run (one binding set).
 * @module
 */

/** What the emitter needs besides the IR. */
export interface EmitOptions {
  /** Prefix of the API-level names: `Qemu` → `QemuApi`, `QemuCommands`, `QemuEvents`. */
  readonly apiName: string;
  /** Module specifier the bindings import the runtime types from, e.g. `"qmpkit"`. */
  readonly runtimeImport: string;
  /** Where the schema came from, for the header, e.g. `schemas/x.json (QEMU 7.2.22)`. */
  readonly source: string;
  /** Version of qapi-gen, for the header. */
  readonly generatorVersion: string;
}

/** Checks an API name: it becomes part of identifiers. */
export function isValidApiName(name: string): boolean {
  return /^[A-Z][A-Za-z0-9]{0,40}$/.test(name);
}
