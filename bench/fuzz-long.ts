/**
 * The long fuzz run of the client's reader (issue 14): the harness of test/fuzz/client-fuzz.ts
 * (which `npm test` runs for 10,000 cases) over ≥ 1M cases. Each case must settle within 1 s
 * with a value or a QmpError; the run also fails on any unhandled rejection or uncaught
 * exception, and when handles or timers are left at the end.
 *
 * Run it compiled, from the repository's root:
 *   npx tsc -p tsconfig.json --noEmit false --outDir /tmp/qmpkit-bench --declaration false --sourceMap false
 *   node /tmp/qmpkit-bench/bench/fuzz-long.js [--cases 1000000] [--seed 1] [--from 0]
 * A failure prints the case number; `--from N --cases 1` replays it alone.
 */
import { fuzz } from "../test/fuzz/client-fuzz.js";
import { commandLine, machineLine, option } from "./lib/env.js";
import { fmt } from "./lib/stats.js";

const CASES = option("cases", 1_000_000);
const SEED = option("seed", 1);
const FROM = option("from", 0);

const problems: string[] = [];
process.on("unhandledRejection", (reason) => problems.push(`unhandled rejection: ${String(reason)}`));
process.on("uncaughtException", (error) => problems.push(`uncaught exception: ${String(error)}`));

const before = process.getActiveResourcesInfo();
const started = performance.now();
let summary: Awaited<ReturnType<typeof fuzz>>;
try {
  summary = await fuzz(SEED, CASES, FROM, (done) => {
    if (done % 100_000 === 0) process.stderr.write(`${fmt(done)} cases, ${fmt(performance.now() - started)} ms\n`);
  });
} catch (error) {
  // A violation: say which case (it replays alone with --from N --cases 1) and fail.
  console.error(error);
  process.exit(1);
}
const ms = performance.now() - started;
await new Promise((resolve) => setImmediate(resolve));
// Anything active now that was not before the run (start-up leaves e.g. a CloseReq) leaked.
const left = [...before];
const leaked = process.getActiveResourcesInfo().filter((r) => {
  const at = left.indexOf(r);
  if (at === -1) return true;
  left.splice(at, 1);
  return false;
});
if (leaked.length > 0) problems.push(`leaked handles: ${leaked.join(", ")}`);

console.log(
  [
    `Machine: ${machineLine()}`,
    `Command: \`${commandLine()}\``,
    "",
    `${fmt(summary.cases)} cases (seed ${SEED}, from ${FROM}) in ${fmt(ms / 1000, 1)} s (${fmt(summary.cases / (ms / 1000))} cases/s).`,
    `Outcomes: ${Object.entries(summary.outcomes)
      .sort()
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(", ")}; invalid CRLF-terminated lines with the peer open (ProtocolError required): ${fmt(summary.invalidLinesOpen)}.`,
    problems.length === 0
      ? "No violation, no unhandled rejection, no uncaught exception, no leaked handle."
      : problems.join("\n"),
  ].join("\n"),
);
if (problems.length > 0) process.exitCode = 1;
