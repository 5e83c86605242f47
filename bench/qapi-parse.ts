/**
 * Benchmark of the QAPI source frontend: parse + check + map a ~1,000-definition schema
 * spread over many files, then generate bindings from it.
 *
 * The schema is made by copying the test fixture (test/qapi/fixtures/full) N times with
 * every definition renamed per copy, one copy per included file.
 *
 * Run: `npx tsx bench/qapi-parse.ts [copies=32] [runs=5]`
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { emitBindings } from "../generator/emit/emit.js";
import { checkQapiSource, loadQapiSchema } from "../generator/qapi/index.js";

const FIXTURE = fileURLToPath(new URL("../test/qapi/fixtures/full/", import.meta.url));
const copies = Number(process.argv[2] ?? 32);
const runs = Number(process.argv[3] ?? 5);

function renamer(i: number): (name: string, meta: string) => string {
  return (name, meta) => (meta === "command" ? `${name}-m${i}` : meta === "event" ? `${name}_M${i}` : `${name}M${i}`);
}

/** Writes the scaled schema to `dir`; returns the entry file and the definition count. */
function makeSchema(dir: string): { entry: string; defs: number } {
  const { source } = checkQapiSource(join(FIXTURE, "schema.json"));
  const metas = new Map(source.defs.map((d) => [d.name, d.meta]));
  const body = ["common.json", "sub/devices.json", "schema.json"]
    .map((f) => readFileSync(join(FIXTURE, f), "utf8"))
    .join("\n")
    .replace(/^\{ '(include|pragma)'[\s\S]*?\}\s*\}?\n/gm, "")
    .replace(/^##\n# =+ .*\n(#.*\n)*?##\n/gm, "");
  const pragma = { cmd: [] as string[], ret: [] as string[], member: [] as string[], doc: [] as string[] };
  const includes: string[] = [];
  for (let i = 0; i < copies; i++) {
    const rename = renamer(i);
    const text = body.replace(/'([A-Za-z_][\w-]*)'|(# @)([A-Za-z_][\w-]*):/g, (m, quoted?: string, at?: string, sym?: string) => {
      const name = quoted ?? sym ?? "";
      const meta = metas.get(name);
      if (meta === undefined) return m;
      return at === undefined ? `'${rename(name, meta)}'` : `# @${rename(name, meta)}:`;
    });
    const file = `module-${i}.json`;
    writeFileSync(join(dir, file), `##\n# == Module ${i}\n##\n\n${text}`);
    includes.push(`{ 'include': '${file}' }`);
    pragma.cmd.push(rename("legacy_reset", "command"));
    pragma.ret.push(rename("get-counter", "command"), rename("echo-text", "command"));
    pragma.member.push(rename("LegacyInfo", "struct"));
    pragma.doc.push(rename("Undocumented", "struct"));
  }
  const list = (xs: string[]) => `[ ${xs.map((x) => `'${x}'`).join(", ")} ]`;
  const main = [
    `{ 'pragma': { 'doc-required': true, 'command-name-exceptions': ${list(pragma.cmd)},`,
    `  'command-returns-exceptions': ${list(pragma.ret)}, 'member-name-exceptions': ${list(pragma.member)},`,
    `  'documentation-exceptions': ${list(pragma.doc)} } }`,
    "##\n# = Scaled benchmark schema\n##",
    ...includes,
  ].join("\n");
  const entry = join(dir, "schema.json");
  writeFileSync(entry, main);
  return { entry, defs: source.defs.length * copies };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const dir = mkdtempSync(join(tmpdir(), "qapi-bench-"));
try {
  const { entry, defs } = makeSchema(dir);
  const parse: number[] = [];
  const generate: number[] = [];
  let size = { types: 0, commands: 0, events: 0, files: 0, bytes: 0 };
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const ir = loadQapiSchema(entry);
    const t1 = performance.now();
    const files = await emitBindings(ir, {
      apiName: "Bench",
      runtimeImport: "qmpkit",
      source: "bench",
      generatorVersion: "bench",
    });
    const t2 = performance.now();
    parse.push(t1 - t0);
    generate.push(t2 - t1);
    const bytes = [...files.values()].reduce((n, f) => n + f.length, 0);
    size = { types: ir.types.length, commands: ir.commands.length, events: ir.events.length, files: files.size, bytes };
  }
  console.log(
    `definitions: ${defs} in ${copies + 1} files; IR: ${size.types} types, ${size.commands} commands, ${size.events} events`,
  );
  console.log(`output: ${size.files} files, ${(size.bytes / 1024).toFixed(0)} KiB`);
  console.log(`parse+check+IR: first ${parse[0]?.toFixed(0)} ms, median ${median(parse).toFixed(0)} ms (${runs} runs)`);
  console.log(`generate:       first ${generate[0]?.toFixed(0)} ms, median ${median(generate).toFixed(0)} ms`);
  console.log(
    `end to end:     first ${((parse[0] ?? 0) + (generate[0] ?? 0)).toFixed(0)} ms, median ${(median(parse) + median(generate)).toFixed(0)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
