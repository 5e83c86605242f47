/**
 * One generator job, start to end: get the schema (introspection from a file, socket or
 * binary; a QAPI source file; or both, merged), build the IR, emit, then write or check.
 * The CLI is a thin shell around {@link runJob}.
 * @module
 */
import { isAbsolute, relative, sep } from "node:path";
import { emitBindings } from "./emit/emit.js";
import { GeneratorError } from "./errors.js";
import { fetchFromBinary, fetchFromSocket } from "./fetch-schema.js";
import type { QemuVersion, Schema } from "./ir.js";
import { loadIntrospection } from "./introspection/load.js";
import { loadQapiSchema, mergeWithIntrospection, type Mismatch } from "./qapi/index.js";
import { extractEntries } from "./introspection/validate.js";
import { readSchemaFile, saveSchemaFile } from "./load-schema-file.js";
import { generatorVersion } from "./version.js";
import { diffOutput, writeOutput, type OutputDiff } from "./write-output.js";

/** Where the schema comes from. */
export type SchemaInput =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "socket"; readonly path: string }
  | { readonly kind: "qemu"; readonly binary: string; readonly args: readonly string[] };

/** A QAPI source schema (`--qapi FILE [--define SYM ...]`). */
export interface QapiInput {
  /** The top-level schema file; includes are relative to their includer. */
  readonly file: string;
  /**
   * Configuration symbols to evaluate conditions with; when absent every definition is
   * kept and its condition documented. Not allowed together with introspection (merge mode).
   */
  readonly defines?: readonly string[] | undefined;
}

/**
 * A job: one output directory, and an introspection input, a QAPI source input, or both
 * (merge mode: the introspection decides what exists, the source gives names and docs).
 */
export interface Job {
  readonly input?: SchemaInput | undefined;
  readonly qapi?: QapiInput | undefined;
  readonly out: string;
  readonly check: boolean;
  readonly apiName: string;
  readonly runtimeImport: string;
  readonly saveSchema?: string | undefined;
}

/** What a job did. */
export interface JobResult {
  readonly schema: Schema;
  readonly files: ReadonlyMap<string, string>;
  readonly diff: OutputDiff;
  readonly milliseconds: number;
  /** Merge mode only: what the source and the introspection disagree on (never fatal). */
  readonly mismatches?: readonly Mismatch[] | undefined;
}

/** A path for generated text: relative to the working directory, `/`-separated, never absolute. */
export function displayPath(path: string): string {
  const rel = isAbsolute(path) ? relative(process.cwd(), path) : path;
  const shown = rel.startsWith("..") || isAbsolute(rel) ? (path.split(/[\\/]/).pop() ?? path) : rel;
  return shown.split(sep).join("/");
}

function versionText(version: QemuVersion | undefined): string {
  return version ? ` (QEMU ${version.major}.${version.minor}.${version.micro})` : "";
}

async function obtain(input: SchemaInput): Promise<{ json: unknown; version: QemuVersion | undefined; label: string }> {
  switch (input.kind) {
    case "file":
      return { json: await readSchemaFile(input.path), version: undefined, label: displayPath(input.path) };
    case "socket": {
      const { entries, version } = await fetchFromSocket(input.path);
      return { json: entries, version, label: "QMP socket" };
    }
    case "qemu": {
      const { entries, version } = await fetchFromBinary(input.binary, input.args);
      return { json: entries, version, label: displayPath(input.binary) };
    }
  }
}

interface Built {
  readonly schema: Schema;
  /** Where the schema came from, for the generated-file header. */
  readonly source: string;
  readonly mismatches?: readonly Mismatch[] | undefined;
}

/** The introspection half: fetch, build the IR, optionally save the raw schema. */
async function introspect(input: SchemaInput, saveSchema: string | undefined): Promise<Built> {
  const { json, version, label } = await obtain(input);
  const schema = loadIntrospection(json, version);
  if (saveSchema === undefined) return { schema, source: `${label}${versionText(schema.qemuVersion)}` };
  await saveSchemaFile(saveSchema, extractEntries(json), schema.qemuVersion);
  // The bindings are reproducible from the saved file, so that is the source to name.
  return { schema, source: `${displayPath(saveSchema)}${versionText(schema.qemuVersion)}` };
}

function qapiLabel(qapi: QapiInput): string {
  const defines = qapi.defines === undefined ? "" : ` (defines: ${qapi.defines.length > 0 ? qapi.defines.join(", ") : "none"})`;
  return `${displayPath(qapi.file)}${defines}`;
}

async function build(job: Job): Promise<Built> {
  const { input, qapi } = job;
  if (qapi === undefined) {
    if (input === undefined) throw new GeneratorError("a job needs an introspection input, a QAPI source file, or both");
    return introspect(input, job.saveSchema);
  }
  if (input === undefined) {
    if (job.saveSchema !== undefined)
      throw new GeneratorError("--save-schema needs an introspection input (--schema, --socket or --qemu)");
    return { schema: loadQapiSchema(qapi.file, { defines: qapi.defines }), source: qapiLabel(qapi) };
  }
  // Merge mode: the binary already decided every condition, so the source keeps them all.
  if (qapi.defines !== undefined)
    throw new GeneratorError("--define cannot be combined with an introspection input: the binary decides what exists");
  const source = loadQapiSchema(qapi.file);
  const intro = await introspect(input, job.saveSchema);
  const { ir, mismatches } = mergeWithIntrospection(source, intro.schema);
  return { schema: ir, source: `${qapiLabel(qapi)} + ${intro.source}`, mismatches };
}

/** Runs a job. Nothing is written in check mode (nor when the schema is invalid). */
export async function runJob(job: Job): Promise<JobResult> {
  const started = performance.now();
  const { schema, source, mismatches } = await build(job);
  const files = await emitBindings(schema, {
    apiName: job.apiName,
    runtimeImport: job.runtimeImport,
    source,
    generatorVersion: generatorVersion(),
  });
  const diff = await diffOutput(job.out, files, job.check);
  if (!job.check) await writeOutput(job.out, files, diff);
  return { schema, files, diff, milliseconds: performance.now() - started, ...(mismatches === undefined ? {} : { mismatches }) };
}
