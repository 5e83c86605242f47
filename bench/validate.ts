/**
 * Cost of argument validation (issue 10): `QmpSchema.validateArguments()` per call for
 * `blockdev-add` (a qcow2 node over a file node, 9 members) and `query-status`, as a share of
 * a real QEMU round trip measured in the same rounds; and `QmpClient({ validate: true })`
 * against `validate: false` end to end (sequential query-status on one QEMU, alternating
 * client kinds within each round, ABBA across rounds). Goal: validation < 3 % of a round trip.
 *
 * Run it compiled:
 *   npx tsc -p tsconfig.json --noEmit false --outDir /tmp/qmpkit-bench --declaration false --sourceMap false
 *   node /tmp/qmpkit-bench/bench/validate.js [--rounds 9] [--seq 2000] [--calls 20000]
 */
import { QmpClient, QmpSchema } from "../runtime/index.js";
import { commandLine, machineLine, option, underTsx } from "./lib/env.js";
import { qemuVersion, startQemu } from "./lib/qemu.js";
import { fmt, median, summary, table } from "./lib/stats.js";

const ROUNDS = option("rounds", 9);
const SEQ = option("seq", 2000);
const CALLS = option("calls", 20_000);

const BLOCKDEV_ADD = {
  driver: "qcow2",
  "node-name": "disk0",
  "read-only": false,
  discard: "unmap",
  cache: { direct: true, "no-flush": false },
  "cache-size": 33554432,
  "lazy-refcounts": true,
  file: { driver: "file", filename: "/var/lib/images/disk0.qcow2", aio: "native", locking: "auto" },
};

/** Microseconds per call of `fn`, over `calls` calls. */
function perCallUs(fn: () => unknown, calls: number): number {
  const t = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return ((performance.now() - t) * 1000) / calls;
}

async function sequentialUs(qmp: QmpClient): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < SEQ; i++) await qmp.execute("query-status");
  return ((performance.now() - t) * 1000) / SEQ;
}

async function main(): Promise<void> {
  if (underTsx) console.warn("warning: running under tsx; run the compiled form for representative numbers");
  const qemu = await startQemu();
  const samples = { rtPlain: [] as number[], rtValidated: [] as number[], blockdev: [] as number[], status: [] as number[] };
  try {
    const probe = new QmpClient();
    await probe.connect(qemu.socketPath);
    const schema: QmpSchema = await probe.introspect();
    await probe.disconnect();
    if (schema.validateArguments("blockdev-add", BLOCKDEV_ADD).length !== 0) throw new Error("benchmark arguments are invalid");
    // warm-up
    perCallUs(() => schema.validateArguments("blockdev-add", BLOCKDEV_ADD), CALLS);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [false, true] : [true, false];
      for (const validate of order) {
        const qmp = new QmpClient({ validate });
        await qmp.connect(qemu.socketPath);
        await qmp.execute("query-status"); // the validating client introspects here, outside the timing
        (validate ? samples.rtValidated : samples.rtPlain).push(await sequentialUs(qmp));
        await qmp.disconnect();
      }
      samples.blockdev.push(perCallUs(() => schema.validateArguments("blockdev-add", BLOCKDEV_ADD), CALLS));
      samples.status.push(perCallUs(() => schema.validateArguments("query-status", undefined), CALLS));
    }
  } finally {
    await qemu.stop();
  }
  const rt = median(samples.rtPlain);
  const pct = (us: number) => `${fmt((us / rt) * 100, 2)} %`;
  const perRound = samples.rtValidated.map((v, i) => v / (samples.rtPlain[i] as number));
  console.log(`# ${commandLine()}`);
  console.log(`# ${machineLine()}; ${qemuVersion()}`);
  console.log(
    `# ${ROUNDS} rounds; ${SEQ} sequential query-status per client per round; ${CALLS} validations per measure per round`,
  );
  console.log(
    table(
      ["measure", "median (min–max)", "share of a query-status round trip"],
      [
        ["query-status round trip, validate: false", `${summary(samples.rtPlain, 1)} µs`, "100 %"],
        ["query-status round trip, validate: true", `${summary(samples.rtValidated, 1)} µs`, pct(median(samples.rtValidated))],
        [
          "validateArguments(blockdev-add, 9 members, nested)",
          `${summary(samples.blockdev, 2)} µs`,
          pct(median(samples.blockdev)),
        ],
        ["validateArguments(query-status)", `${summary(samples.status, 3)} µs`, pct(median(samples.status))],
      ],
    ),
  );
  const share = (xs: readonly number[]) => xs.map((x, i) => (x / (samples.rtPlain[i] as number)) * 100);
  console.log(`blockdev-add validation / round trip of the same round: ${summary(share(samples.blockdev), 2)} %`);
  console.log(`query-status validation / round trip of the same round: ${summary(share(samples.status), 3)} %`);
  console.log(
    `validate:true / validate:false per round: median ${fmt(median(perRound), 3)} (min ${fmt(Math.min(...perRound), 3)}, max ${fmt(Math.max(...perRound), 3)})`,
  );
}

await main();
