/**
 * Generator benchmark: (1) generation time for the full QEMU 7.2 schema, in-process and as a
 * CLI run; (2) `tsc --noEmit` time of a small consumer importing all of `qmpkit/qemu`, as a
 * ratio to the same consumer without it. Needs `npm run build` first (the consumer resolves
 * the package's own exports from dist/).
 *
 *   npm run build && node --import tsx bench/generate.ts
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { emitBindings } from "../generator/emit/emit.js";
import { loadIntrospection } from "../generator/introspection/load.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SCHEMA = join(ROOT, "schemas/qemu-7.2-x86_64.json");
const RUNS = 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

async function inProcess(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const schema = loadIntrospection(JSON.parse(readFileSync(SCHEMA, "utf8")));
    await emitBindings(schema, { apiName: "Qemu", runtimeImport: "qmpkit", source: "bench", generatorVersion: "bench" });
    times.push(performance.now() - t);
  }
  return times;
}

function cliRuns(): number[] {
  const bin = join(ROOT, "dist/generator/bin.js");
  const args = [bin, "--schema", "schemas/qemu-7.2-x86_64.json", "--out", "generated/qemu", "--check"];
  return Array.from({ length: RUNS }, () => time(() => execFileSync(process.execPath, args, { cwd: ROOT, stdio: "ignore" })));
}

const BASE = `import { QmpClient } from "qmpkit";
export async function main(path: string): Promise<unknown> {
  const qmp = new QmpClient();
  await qmp.connect(path);
  return qmp.execute("query-status");
}
`;

const WITH_BINDINGS = `import { QmpClient } from "qmpkit";
import * as qemu from "qmpkit/qemu";
export async function main(path: string): Promise<unknown> {
  const qmp = new QmpClient<qemu.QemuApi>();
  await qmp.connect(path);
  await qemu.blockdevCreate(qmp, { "job-id": "j", options: { driver: "file", filename: "/tmp/x", size: 1 } });
  const event = await qmp.listen("JOB_STATUS_CHANGE").wait({ data: { status: "concluded" } });
  return [await qemu.queryStatus(qmp), event.data.id, qemu.commandNames.length];
}
`;

function consumerTsc(name: string, source: string, skipLibCheck: boolean): number[] {
  // Inside the package directory so `qmpkit` and `qmpkit/qemu` resolve through its own exports.
  const dir = join(ROOT, "bench", ".consumer", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "main.ts"), source);
  const compilerOptions = {
    strict: true,
    module: "NodeNext",
    moduleResolution: "NodeNext",
    target: "ES2022",
    lib: ["ES2023"],
    types: ["node"],
    noEmit: true,
    skipLibCheck,
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["main.ts"] }));
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  return Array.from({ length: RUNS }, () =>
    time(() => execFileSync(process.execPath, [tsc, "-p", dir], { cwd: ROOT, stdio: "inherit" })),
  );
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const gen = median(await inProcess());
const cli = median(cliRuns());
console.log(`generation, in-process load+emit (median of ${RUNS}): ${fmt(gen)}`);
console.log(`generation, CLI --check end to end (median of ${RUNS}): ${fmt(cli)}`);
try {
  for (const skipLibCheck of [false, true]) {
    const base = median(consumerTsc("base", BASE, skipLibCheck));
    const full = median(consumerTsc("full", WITH_BINDINGS, skipLibCheck));
    console.log(
      `tsc --noEmit consumer (skipLibCheck ${skipLibCheck}): without bindings ${fmt(base)}, with qmpkit/qemu ${fmt(full)}, ratio ${(full / base).toFixed(2)}x`,
    );
  }
} finally {
  rmSync(join(ROOT, "bench", ".consumer"), { recursive: true, force: true });
}
