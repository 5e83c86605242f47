/**
 * One generator job, start to end: get the schema (file, socket or binary), build the IR,
 * emit, then write or check. The CLI is a thin shell around {@link runJob}.
 * @module
 */
import { isAbsolute, relative, sep } from "node:path";
import { emitBindings } from "./emit/emit.js";
import { fetchFromBinary, fetchFromSocket } from "./fetch-schema.js";
import type { QemuVersion, Schema } from "./ir.js";
import { loadIntrospection } from "./introspection/load.js";
import { extractEntries } from "./introspection/validate.js";
import { readSchemaFile, saveSchemaFile } from "./load-schema-file.js";
import { generatorVersion } from "./version.js";
import { diffOutput, writeOutput, type OutputDiff } from "./write-output.js";

/** Where the schema comes from. */
export type SchemaInput =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "socket"; readonly path: string }
  | { readonly kind: "qemu"; readonly binary: string; readonly args: readonly string[] };

/** A job: one input, one output directory. */
export interface Job {
  readonly input: SchemaInput;
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

/** Runs a job. Nothing is written in check mode (nor when the schema is invalid). */
export async function runJob(job: Job): Promise<JobResult> {
  const started = performance.now();
  const { json, version, label } = await obtain(job.input);
  const schema = loadIntrospection(json, version);
  let source = label;
  if (job.saveSchema !== undefined) {
    await saveSchemaFile(job.saveSchema, extractEntries(json), schema.qemuVersion);
    // The bindings are reproducible from the saved file, so that is the source to name.
    source = displayPath(job.saveSchema);
  }
  const files = await emitBindings(schema, {
    apiName: job.apiName,
    runtimeImport: job.runtimeImport,
    source: `${source}${versionText(schema.qemuVersion)}`,
    generatorVersion: generatorVersion(),
  });
  const diff = await diffOutput(job.out, files, job.check);
  if (!job.check) await writeOutput(job.out, files, diff);
  return { schema, files, diff, milliseconds: performance.now() - started };
}
