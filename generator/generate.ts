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
import { checkQapiSource, loadQapiSchema, mergeWithIntrospection, type Mismatch } from "./qapi/index.js";
import { extractEntries, validateEntries } from "./introspection/validate.js";
import type { RawEntry } from "./introspection/schema-info.js";
import { applyNamesData, withRootAliases } from "./names-data/apply.js";
import { extractNamesData } from "./names-data/extract.js";
import { readNamesData, writeNamesData } from "./names-data/format.js";
import { canonicalTypePaths } from "./schema-paths.js";
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
  /**
   * Names data (`schemas/*.names.json`) to apply to an introspection input: real type names
   * and integer widths without QAPI source files.
   */
  readonly names?: NamesFile | undefined;
  /** Merge mode only: also write the names data derived from source + binary to this file. */
  readonly saveNames?: string | undefined;
}

/** A names data file and why it applies. */
export interface NamesFile {
  readonly file: string;
  /**
   * `true` when found through the config job writing the same output directory rather than
   * named by the user: then it applies only to the QEMU version it was derived from.
   */
  readonly implicit?: boolean | undefined;
}

/** What a job did. */
export interface JobResult {
  readonly schema: Schema;
  readonly files: ReadonlyMap<string, string>;
  readonly diff: OutputDiff;
  readonly milliseconds: number;
  /** Merge mode only: what the source and the introspection disagree on (never fatal). */
  readonly mismatches?: readonly Mismatch[] | undefined;
  /** Notes for the user (names data applied or skipped), one line each. */
  readonly notes: readonly string[];
  /** The raw introspection entries, when the input was introspection. */
  readonly entries?: readonly RawEntry[] | undefined;
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
  readonly notes: readonly string[];
  readonly entries?: readonly RawEntry[] | undefined;
}

interface Introspected extends Built {
  readonly entries: readonly RawEntry[];
}

/** The introspection half: fetch, build the IR, optionally save the raw schema. */
async function introspect(input: SchemaInput, saveSchema: string | undefined): Promise<Introspected> {
  const { json, version, label } = await obtain(input);
  const schema = loadIntrospection(json, version);
  const entries = validateEntries(extractEntries(json));
  if (saveSchema === undefined) return { schema, entries, notes: [], source: `${label}${versionText(schema.qemuVersion)}` };
  await saveSchemaFile(saveSchema, extractEntries(json), schema.qemuVersion);
  // The bindings are reproducible from the saved file, so that is the source to name.
  return { schema, entries, notes: [], source: `${displayPath(saveSchema)}${versionText(schema.qemuVersion)}` };
}

const majorMinor = (v: QemuVersion | undefined): string | undefined => (v === undefined ? undefined : `${v.major}.${v.minor}`);

/** Real names and widths from a names data file, on an introspection IR. */
async function withNames(built: Introspected, names: NamesFile): Promise<Built> {
  const data = await readNamesData(names.file);
  const label = displayPath(names.file);
  const version = majorMinor(built.schema.qemuVersion);
  if (names.implicit === true && (data.qemu === undefined || data.qemu !== version))
    return {
      ...built,
      notes: [`names data ${label} is for QEMU ${data.qemu ?? "?"}, not ${version ?? "this schema"}: derived names kept`],
    };
  const { schema, unresolved } = applyNamesData(built.schema, new Map(built.entries.map((e) => [e.name, e])), data);
  const notes =
    unresolved.length === 0
      ? []
      : [
          `names data ${label}: ${unresolved.length} type path(s) not in this schema (first: ${unresolved[0] ?? ""}); refresh it with --save-names`,
        ];
  return { ...built, schema, notes, source: `${built.source} with names from ${label}` };
}

function qapiLabel(qapi: QapiInput): string {
  const defines = qapi.defines === undefined ? "" : ` (defines: ${qapi.defines.length > 0 ? qapi.defines.join(", ") : "none"})`;
  return `${displayPath(qapi.file)}${defines}`;
}

async function build(job: Job): Promise<Built> {
  const { input, qapi } = job;
  if (qapi === undefined) {
    if (input === undefined) throw new GeneratorError("a job needs an introspection input, a QAPI source file, or both");
    if (job.saveNames !== undefined)
      throw new GeneratorError("--save-names needs merge mode (--qapi with --schema, --socket or --qemu)");
    const built = await introspect(input, job.saveSchema);
    return job.names === undefined ? built : withNames(built, job.names);
  }
  if (job.names !== undefined && job.names.implicit !== true)
    throw new GeneratorError("--names applies to an introspection input alone; with --qapi the source gives the names");
  if (input === undefined) {
    if (job.saveSchema !== undefined)
      throw new GeneratorError("--save-schema needs an introspection input (--schema, --socket or --qemu)");
    if (job.saveNames !== undefined)
      throw new GeneratorError("--save-names needs merge mode (--qapi with --schema, --socket or --qemu)");
    return { schema: loadQapiSchema(qapi.file, { defines: qapi.defines }), notes: [], source: qapiLabel(qapi) };
  }
  // Merge mode: the binary already decided every condition, so the source keeps them all.
  if (qapi.defines !== undefined)
    throw new GeneratorError("--define cannot be combined with an introspection input: the binary decides what exists");
  const source = loadQapiSchema(qapi.file);
  const intro = await introspect(input, job.saveSchema);
  const { ir, mismatches } = mergeWithIntrospection(source, intro.schema);
  const notes: string[] = [];
  if (job.saveNames !== undefined) {
    const realNames = new Set(
      checkQapiSource(qapi.file)
        .source.defs.filter((d) => d.meta !== "command" && d.meta !== "event")
        .map((d) => d.name),
    );
    const paths = canonicalTypePaths(new Map(intro.entries.map((e) => [e.name, e])));
    const data = extractNamesData(ir, paths, realNames, {
      qemu: majorMinor(intro.schema.qemuVersion),
      derivedFrom: `QAPI source ${qapiLabel(qapi)} + ${intro.source}`,
    });
    await writeNamesData(job.saveNames, data);
    notes.push(
      `names data written to ${displayPath(job.saveNames)}: ${Object.keys(data.types).length} type names, ${Object.keys(data.widths).length} integer widths`,
    );
  }
  return {
    schema: withRootAliases(ir),
    source: `${qapiLabel(qapi)} + ${intro.source}`,
    mismatches,
    notes,
    entries: intro.entries,
  };
}

/** Runs a job. Nothing is written in check mode (nor when the schema is invalid). */
export async function runJob(job: Job): Promise<JobResult> {
  const started = performance.now();
  const { schema, source, mismatches, notes, entries } = await build(job);
  const files = await emitBindings(schema, {
    apiName: job.apiName,
    runtimeImport: job.runtimeImport,
    source,
    generatorVersion: generatorVersion(),
  });
  const diff = await diffOutput(job.out, files, job.check);
  if (!job.check) await writeOutput(job.out, files, diff);
  return {
    schema,
    files,
    diff,
    notes,
    entries,
    milliseconds: performance.now() - started,
    ...(mismatches === undefined ? {} : { mismatches }),
  };
}
