/**
 * Record/replay cost (issue 12), as ratios against a baseline measured in the same round:
 *
 * 1. Real QEMU: sequential `query-status` with a `QmpRecorder` attached vs the same client
 *    without hooks, on one `qemu-system-x86_64 -machine none` (ABBA order across rounds).
 * 2. In-process, echo peer (the cheapest server, so the client's cost shows): the same pair.
 * 3. In-process: the same code against `QmpTestServer.replay()` (a cassette of as many
 *    recorded `query-status` as it executes) vs the plain fake server.
 *
 * Run it compiled:
 *   npx tsc -p tsconfig.json --noEmit false --outDir /tmp/qmpkit-bench --declaration false --sourceMap false
 *   node /tmp/qmpkit-bench/bench/record.js [--rounds 7] [--seq 2000] [--inproc-seq 20000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { QmpClient } from "../runtime/index.js";
import { QmpRecorder, QmpTestServer, createDuplexPair } from "../runtime/testing/index.js";
import { attachEchoPeer } from "./lib/echo-peer.js";
import { commandLine, machineLine, option, underTsx } from "./lib/env.js";
import { qemuVersion, startQemu } from "./lib/qemu.js";
import { fmt, median, summary, table } from "./lib/stats.js";

const ROUNDS = option("rounds", 7);
const SEQ = option("seq", 2000);
const INPROC_SEQ = option("inproc-seq", 20_000);

/** Round trips per second of `count` sequential query-status over a fresh client. */
async function rate(connect: (qmp: QmpClient) => Promise<void>, count: number, recorder?: QmpRecorder): Promise<number> {
  const qmp = new QmpClient(recorder === undefined ? {} : { hooks: recorder.hooks });
  await connect(qmp);
  const t = performance.now();
  for (let i = 0; i < count; i++) await qmp.execute("query-status");
  const elapsed = performance.now() - t;
  await qmp.disconnect();
  return (count / elapsed) * 1000;
}

/** Runs baseline and contender alternately (ABBA), returning rates and per-round ratios. */
async function compare(
  rounds: number,
  baseline: () => Promise<number>,
  contender: () => Promise<number>,
): Promise<{ base: number[]; other: number[]; ratios: number[] }> {
  const base: number[] = [];
  const other: number[] = [];
  const ratios: number[] = [];
  await baseline(); // warm-up
  await contender();
  for (let round = 0; round < rounds; round++) {
    let b: number;
    let o: number;
    if (round % 2 === 0) {
      b = await baseline();
      o = await contender();
    } else {
      o = await contender();
      b = await baseline();
    }
    base.push(b);
    other.push(o);
    ratios.push(o / b);
  }
  return { base, other, ratios };
}

function echoPair(): Duplex {
  const [client, serverSide] = createDuplexPair();
  attachEchoPeer(serverSide);
  return client;
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  const row = (name: string, base: string, r: Awaited<ReturnType<typeof compare>>) =>
    rows.push([name, `${summary(r.base)} rt/s (${base})`, `${summary(r.other)} rt/s`, summary(r.ratios, 3)]);

  const vm = await startQemu();
  try {
    const connect = (qmp: QmpClient) => qmp.connect(vm.socketPath);
    const qemu = await compare(
      ROUNDS,
      () => rate(connect, SEQ),
      () => rate(connect, SEQ, new QmpRecorder()),
    );
    row(`real QEMU, ${fmt(SEQ)} sequential query-status: recorder attached`, "no hooks", qemu);
  } finally {
    await vm.stop();
  }

  const echo = await compare(
    ROUNDS,
    () => rate((qmp) => qmp.connect(echoPair()), INPROC_SEQ),
    () => rate((qmp) => qmp.connect(echoPair()), INPROC_SEQ, new QmpRecorder()),
  );
  row(`echo peer, ${fmt(INPROC_SEQ)} sequential query-status: recorder attached`, "no hooks", echo);

  // A cassette holding INPROC_SEQ query-status, recorded from the fake server.
  const dir = mkdtempSync(join(tmpdir(), "qmpkit-bench-"));
  try {
    const cassette = join(dir, "status.jsonl");
    const recorder = new QmpRecorder();
    const live = new QmpTestServer();
    await rate((qmp) => qmp.connect(live.connectPair()), INPROC_SEQ, recorder);
    await live.close();
    await recorder.save(cassette);
    const fake = async () => {
      const server = new QmpTestServer();
      const r = await rate((qmp) => qmp.connect(server.connectPair()), INPROC_SEQ);
      await server.close();
      return r;
    };
    const replay = async () => {
      const server = await QmpTestServer.replay(cassette, { strict: true });
      const r = await rate((qmp) => qmp.connect(server.connectPair()), INPROC_SEQ);
      await server.close(); // strict: rejects unless every recorded reply was used
      return r;
    };
    row(`${fmt(INPROC_SEQ)} sequential query-status: QmpTestServer.replay()`, "fake server", await compare(ROUNDS, fake, replay));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`${machineLine()}; ${qemuVersion()}`);
  console.log(`command: ${commandLine()}${underTsx ? " (under tsx: slower than compiled)" : ""}`);
  console.log(`${ROUNDS} rounds, alternating ABBA; ratio = contender / baseline per round, median (min–max)\n`);
  console.log(table(["work", "baseline", "contender", "ratio"], rows));
  console.log(`\nmedian ratio overall: ${fmt(median(rows.map((r) => Number((r[3] ?? "").split(" ")[0]))), 3)}`);
}

await main();
