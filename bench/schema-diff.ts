/**
 * `qapi-gen diff` benchmark on the full schemas, as ratios against baselines measured in the
 * same run, alternating rounds, medians:
 * - in-process: load + diff against load alone (read, JSON.parse, validate both files);
 * - whole process: `qapi-gen diff OLD NEW` against `node -e ""` (Node start-up).
 * Cases: qemu vs itself, qsd vs qemu, and qemu vs qemu with every mask renamed (nothing
 * matches by name, everything by structure).
 *
 *   npx tsc -p tsconfig.json --noEmit false --outDir /tmp/qmpkit-bench --declaration false --sourceMap false
 *   npm run build && node /tmp/qmpkit-bench/bench/schema-diff.js [rounds]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diffSchemas } from "../generator/diff/compare.js";
import { entriesOf } from "../generator/diff/load.js";
import { fmt, median } from "./lib/stats.js";

// Compiled to /tmp/qmpkit-bench, so paths are relative to the working directory (the repository).
const repo = (p: string): string => join(process.cwd(), p);
const ROUNDS = Number(process.argv[2] ?? 9);
const QEMU = repo("schemas/qemu-7.2-x86_64.json");
const QSD = repo("schemas/qsd-7.2.json");

const dir = mkdtempSync(join(tmpdir(), "qmpkit-diff-bench-"));
const RENAMED = join(dir, "renamed.json");
{
  const entries = (JSON.parse(readFileSync(QEMU, "utf8")) as { return: { name: string }[] }).return;
  const masks = new Map(entries.filter((e) => /^\d+$/.test(e.name)).map((e, i, all) => [e.name, String(all.length * 2 - i)]));
  const rename = (t: string): string => (/^\[?\d+\]?$/.test(t) ? t.replace(/\d+/, (d) => masks.get(d) ?? d) : t);
  const keys = new Set(["name", "type", "arg-type", "ret-type", "element-type"]);
  writeFileSync(
    RENAMED,
    JSON.stringify([...entries].reverse(), (k, v: unknown) => (typeof v === "string" && keys.has(k) ? rename(v) : v)),
  );
}

const load = (file: string) => entriesOf(JSON.parse(readFileSync(file, "utf8")), file);
const time = (fn: () => unknown): number => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

const cases: [string, string, string][] = [
  ["qemu vs qemu", QEMU, QEMU],
  ["qsd vs qemu", QSD, QEMU],
  ["qemu vs qemu, masks renamed", QEMU, RENAMED],
];
const bin = repo("dist/generator/bin.js");
console.log(`rounds: ${ROUNDS}; times in ms, medians`);
console.log("| case | load both (baseline) | load + diff | ratio | changes | CLI process | node start-up (baseline) | ratio |");
console.log("|---|---|---|---|---|---|---|---|");
for (const [name, a, b] of cases) {
  const base: number[] = [];
  const full: number[] = [];
  const cli: number[] = [];
  const node: number[] = [];
  let count = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const pair = [
      () => base.push(time(() => [load(a), load(b)])),
      () => full.push(time(() => (count = diffSchemas(load(a), load(b)).length))),
    ];
    if (r % 2 === 1) pair.reverse();
    for (const run of pair) run();
    const procs = [
      () => cli.push(time(() => execFileSync(process.execPath, [bin, "diff", a, b], { stdio: "ignore" }))),
      () => node.push(time(() => execFileSync(process.execPath, ["-e", ""], { stdio: "ignore" }))),
    ];
    if (r % 2 === 1) procs.reverse();
    for (const run of procs) {
      try {
        run();
      } catch {
        // exit status 1 (something breaking) is a result, not a failure
      }
    }
  }
  const [mb, mf, mc, mn] = [median(base), median(full), median(cli), median(node)];
  console.log(
    `| ${name} | ${fmt(mb, 1)} | ${fmt(mf, 1)} | ${fmt(mf / mb, 2)}× | ${count} | ${fmt(mc, 0)} | ${fmt(mn, 0)} | ${fmt(mc / mn, 2)}× |`,
  );
}
rmSync(dir, { recursive: true, force: true });
