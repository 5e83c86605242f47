/**
 * Describes the machine a benchmark ran on, for the report header.
 * @module
 */
import { cpus } from "node:os";

/** One line: date, CPU, cores, Node version. */
export function machineLine(): string {
  const cpu = cpus();
  const model = (cpu[0]?.model ?? "unknown CPU").replace(/\s+/g, " ").trim();
  return `${new Date().toISOString().slice(0, 10)}, ${model}, ${cpu.length} cores, Node ${process.version}`;
}

/** The command that ran this script, as typed (relative to the repo root). */
export function commandLine(script: string): string {
  const args = process.argv.slice(2);
  return [`npx tsx ${script}`, ...args].join(" ");
}
