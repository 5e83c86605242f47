/**
 * Helpers for generator tests: tiny introspection schemas, in-memory generation, and a
 * type-check of generated files against the runtime's API contract.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { emitBindings } from "../../generator/emit/emit.js";
import type { EmitOptions } from "../../generator/emit/options.js";
import type { Schema } from "../../generator/ir.js";
import { loadIntrospection } from "../../generator/introspection/load.js";

/** Repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The empty object every QEMU schema has, and the usual built-ins. */
export const BASE_ENTRIES: readonly object[] = [
  { name: "0", "meta-type": "object", members: [] },
  { name: "str", "meta-type": "builtin", "json-type": "string" },
  { name: "int", "meta-type": "builtin", "json-type": "int" },
  { name: "bool", "meta-type": "builtin", "json-type": "boolean" },
  { name: "any", "meta-type": "builtin", "json-type": "value" },
  { name: "null", "meta-type": "builtin", "json-type": "null" },
  { name: "number", "meta-type": "builtin", "json-type": "number" },
];

/** A command entry. */
export const cmd = (name: string, arg = "0", ret = "0", extra: object = {}): object => ({
  name,
  "meta-type": "command",
  "arg-type": arg,
  "ret-type": ret,
  ...extra,
});

/** An event entry. */
export const ev = (name: string, arg = "0", extra: object = {}): object => ({
  name,
  "meta-type": "event",
  "arg-type": arg,
  ...extra,
});

/** An object entry; members as `[name, type, optional?]`. */
export const obj = (name: string, members: readonly (readonly [string, string, boolean?])[], extra: object = {}): object => ({
  name,
  "meta-type": "object",
  members: members.map(([n, type, optional]) => ({ name: n, type, ...(optional ? { default: null } : {}) })),
  ...extra,
});

/** An enum entry. */
export const enm = (name: string, values: readonly string[]): object => ({
  name,
  "meta-type": "enum",
  values,
  members: values.map((v) => ({ name: v })),
});

/** An array entry. */
export const arr = (element: string): object => ({ name: `[${element}]`, "meta-type": "array", "element-type": element });

/** IR for `entries` plus the base entries. */
export const schemaOf = (entries: readonly object[]): Schema => loadIntrospection([...BASE_ENTRIES, ...entries]);

/** Default emit options for tests. */
export const OPTIONS: EmitOptions = { apiName: "Test", runtimeImport: "qmpkit", source: "test", generatorVersion: "0.0.0-test" };

/** Generates bindings for `entries` plus the base entries. */
export async function generate(entries: readonly object[], options: Partial<EmitOptions> = {}): Promise<Map<string, string>> {
  return emitBindings(schemaOf(entries), { ...OPTIONS, ...options });
}

/** All generated files joined, for substring checks. */
export async function generateAll(entries: readonly object[]): Promise<string> {
  return [...(await generate(entries)).values()].join("\n");
}

/** Writes generated files to `dir`. */
export function writeFiles(dir: string, files: ReadonlyMap<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  return [...files].map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}

/**
 * Type-checks files with the project's strict options; `qmpkit` resolves to the runtime's
 * type contract (runtime/api.ts), which is all generated code may import.
 * @returns diagnostics as `file:line: message` strings (empty when it compiles).
 */
export function typecheck(files: readonly string[]): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    baseUrl: ROOT,
    paths: { qmpkit: [join(ROOT, "runtime/api.ts")] },
  };
  // Generated files are ESM (`"type": "module"` where they are installed). Temp dirs have no
  // package.json of their own, so one is pretended next to each file: otherwise the result
  // would depend on whatever package.json happens to sit in /tmp.
  const dirs = new Set(files.map((f) => join(dirname(f), "package.json")));
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile } = host;
  host.fileExists = (f) => dirs.has(f) || fileExists.call(host, f);
  host.readFile = (f) => (dirs.has(f) ? '{ "type": "module" }' : readFile.call(host, f));
  const program = ts.createProgram([...files], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where =
      d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : "";
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}
