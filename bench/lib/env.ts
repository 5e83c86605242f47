/**
 * Describes the machine a benchmark ran on, for the report header.
 * @module
 */
import { cpus, loadavg } from "node:os";
import { basename } from "node:path";

/** One line: date, CPU, cores, Node version, load average at call time. */
export function machineLine(): string {
  const cpu = cpus();
  const model = (cpu[0]?.model ?? "unknown CPU").replace(/\s+/g, " ").trim();
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");
  return `${new Date().toISOString().slice(0, 10)}, ${model}, ${cpu.length} cores, Node ${process.version}, load average ${load}`;
}

/**
 * The command that ran this script: `npx tsx bench/NAME.ts ...` under tsx, or the compiled
 * form (see bench/RESULTS.md) when run from tsc output.
 */
export function commandLine(): string {
  const script = process.argv[1] ?? "";
  const args = process.argv.slice(2).join(" ");
  const flags = process.execArgv.filter((a) => a === "--expose-gc").join(" ");
  const name = basename(script);
  const run = name.endsWith(".ts") ? `npx tsx bench/${name}` : `node ${flags ? flags + " " : ""}/tmp/qmpkit-bench/bench/${name}`;
  return args === "" ? run : `${run} ${args}`;
}

/** True when running under tsx (esbuild with keepNames: every closure gets a `__name` call). */
export const underTsx = (process.argv[1] ?? "").endsWith(".ts");

/** The number after `--NAME` on the command line, or `fallback`. */
export function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? undefined : process.argv[at + 1];
  return value === undefined ? fallback : Number(value);
}
