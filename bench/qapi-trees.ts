/**
 * Benchmark of the QAPI source frontend on QEMU's real release trees (../shared/qapi, or
 * QMP_QAPI_TREES): parse + check + IR (`loadQapiSchema`) of each tree's main schema and qemu-ga
 * schema, against a baseline measured in the same rounds: tokenizing the same files (the
 * cheapest pass that still reads every byte of every file).
 *
 * Rounds alternate baseline and frontend per tree; medians of the rounds are reported, plus
 * the first (cold) run of each tree. Output: a markdown table for bench/RESULTS.md.
 *
 * Run compiled (see README "Benchmarks"):
 * `npx tsc -p tsconfig.json --noEmit false --outDir /tmp/qmpkit-bench --declaration false --sourceMap false`
 * `node /tmp/qmpkit-bench/bench/qapi-trees.js [rounds=15]`
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkQapiSource, loadQapiSchema } from "../generator/qapi/index.js";
import { tokenize } from "../generator/qapi/lexer.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/dist\/?$|\/qmpkit-bench\/?$/, "");
const rounds = Number(process.argv[2] ?? 15);

function findTrees(): string {
  const candidates = [
    process.env["QMP_QAPI_TREES"],
    join(process.cwd(), "../shared/qapi"),
    join(process.cwd(), "../../shared/qapi"),
    join(ROOT, "../shared/qapi"),
  ];
  const found = candidates.find((d): d is string => d !== undefined && d !== "" && existsSync(d));
  if (found === undefined) throw new Error("no release trees: run from the checkout next to ../shared, or set QMP_QAPI_TREES");
  return resolve(found);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

const time = (fn: () => void): number => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};

const trees = findTrees();
const versions = readdirSync(trees)
  .filter((v) => existsSync(join(trees, v, "qapi/qapi-schema.json")))
  .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));

const rows: string[] = [];
for (const version of versions) {
  for (const [kind, rel] of [
    ["main", "qapi/qapi-schema.json"],
    ["qemu-ga", "qga/qapi-schema.json"],
  ] as const) {
    const file = join(trees, version, rel);
    if (!existsSync(file)) continue;
    const first = time(() => loadQapiSchema(file));
    const { source } = checkQapiSource(file);
    const texts = source.files.map((f) => [f, readFileSync(f, "utf8")] as const);
    const bytes = texts.reduce((n, [, t]) => n + t.length, 0);
    const ir = loadQapiSchema(file);
    const base: number[] = [];
    const full: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const lex = () => {
        for (const [f, t] of texts) tokenize(f, t);
      };
      const load = () => {
        loadQapiSchema(file);
      };
      if (r % 2 === 0) {
        base.push(time(lex));
        full.push(time(load));
      } else {
        full.push(time(load));
        base.push(time(lex));
      }
    }
    const [b, f] = [median(base), median(full)];
    rows.push(
      `| ${version} | ${kind} | ${source.files.length} | ${Math.round(bytes / 1024)} KiB | ${source.defs.length} | ` +
        `${ir.types.length} / ${ir.commands.length} / ${ir.events.length} | ${first.toFixed(0)} ms | ${f.toFixed(1)} ms | ${b.toFixed(1)} ms | ${(f / b).toFixed(1)}× |`,
    );
  }
}

console.log(`Node ${process.version}, ${rounds} alternating rounds per tree, medians.\n`);
console.log(
  "| tree | schema | files | size | definitions | IR types / commands / events | first run | parse + check + IR | tokenize only (baseline) | ratio |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
