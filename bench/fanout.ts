/**
 * Event fan-out benchmark (issue 3).
 *
 * 100k pre-serialized events (QEMU's wire format, `\r\n`-terminated, five event kinds) are
 * written in 64 KiB chunks — split at arbitrary byte offsets, as a socket delivers them — into
 * the server side of an in-memory duplex pair whose client side a `QmpClient` is connected to
 * (greeting + negotiation by bench/lib/echo-peer.ts). One event-loop turn between chunks, as
 * with a socket, so async-iterator consumers can drain. Listeners: a mix of `listen()` async
 * iterators and `on("*")` callbacks, each counting every event. Timing runs from the first
 * write until every consumer has seen every event.
 *
 * Baseline: the same chunks through the runtime's `MessageFramer` (which frames, checks and parses), nothing else.
 *
 * Run it compiled (what users run; tsx's keepNames transform slows closures):
 *   npx tsc -p tsconfig.json --noEmit false --outDir /tmp/qmpkit-bench --declaration false --sourceMap false
 *   node --expose-gc /tmp/qmpkit-bench/bench/fanout.js [--events 100000] [--rounds 7]
 * or: node --expose-gc --import tsx bench/fanout.ts [same options]
 */
import { getHeapStatistics } from "node:v8";
import { QmpClient } from "../runtime/index.js";
import { MessageFramer } from "../runtime/framing.js";
import { createDuplexPair } from "../runtime/testing/index.js";
import { attachEchoPeer } from "./lib/echo-peer.js";
import { commandLine, machineLine, option, underTsx } from "./lib/env.js";
import { fmt, median, spreadPct, summary, table, turn } from "./lib/stats.js";

const EVENTS = option("events", 100_000);
const ROUNDS = option("rounds", 7);
const CHUNK = 64 * 1024;

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;
const heapUsed = (): number => getHeapStatistics().used_heap_size;
const mib = (bytes: number): string => fmt(bytes / 1024 / 1024, 1);

function wireEvents(count: number): Buffer[] {
  const kinds = [
    (i: number) => `"event": "JOB_STATUS_CHANGE", "data": {"status": "running", "id": "job${i % 16}"}`,
    (i: number) =>
      `"event": "BLOCK_JOB_READY", "data": {"device": "job${i % 16}", "len": 1048576, "offset": ${i}, "speed": 0, "type": "mirror"}`,
    () => `"event": "STOP"`,
    () => `"event": "RESUME"`,
    (i: number) => `"event": "DEVICE_DELETED", "data": {"path": "/machine/peripheral/dev${i % 64}", "device": "dev${i % 64}"}`,
  ];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length] ?? kinds[0];
    if (kind === undefined) throw new Error("unreachable");
    lines.push(
      `{"timestamp": {"seconds": ${1_700_000_000 + Math.floor(i / 1000)}, "microseconds": ${(i * 37) % 1_000_000}}, ${kind(i)}}\r\n`,
    );
  }
  const all = Buffer.from(lines.join(""));
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length; at += CHUNK) chunks.push(Buffer.from(all.subarray(at, at + CHUNK)));
  return chunks;
}

interface Scenario {
  label: string;
  iterators: number;
  callbacks: number;
}

interface Outcome {
  ms: number;
  before: number;
  peak: number;
  after: number;
}

async function fanoutRound(chunks: readonly Buffer[], scenario: Scenario): Promise<Outcome> {
  const [clientSide, serverSide] = createDuplexPair();
  attachEchoPeer(serverSide);
  const qmp = new QmpClient();
  await qmp.connect(clientSide);

  const counts: number[] = [];
  const loops: Array<Promise<void>> = [];
  const listeners: Array<{ close(): void }> = [];
  const offs: Array<() => void> = [];
  let peak = 0;
  let seen = 0; // bytes of event names read, so consumers do touch the events
  const total = scenario.iterators + scenario.callbacks;
  for (let k = 0; k < total; k++) {
    const slot = counts.push(0) - 1;
    // Interleave kinds so neither always sits first in dispatch order.
    const iterator = listeners.length < scenario.iterators && (k % 2 === 0 || offs.length >= scenario.callbacks);
    if (iterator) {
      const l = qmp.listen();
      listeners.push(l);
      loops.push(
        (async () => {
          for await (const ev of l) {
            seen += ev.event.length;
            counts[slot] = (counts[slot] ?? 0) + 1;
          }
        })(),
      );
    } else {
      const sample = offs.length === 0; // the first callback samples the heap mid-dispatch
      offs.push(
        qmp.on("*", (ev) => {
          seen += ev.event.length;
          const n = (counts[slot] = (counts[slot] ?? 0) + 1);
          if (sample && n % 1000 === 0) peak = Math.max(peak, heapUsed());
        }),
      );
    }
  }
  gc?.();
  const before = heapUsed();
  peak = before;
  const t = performance.now();
  for (const chunk of chunks) {
    serverSide.write(chunk);
    await turn();
    peak = Math.max(peak, heapUsed());
  }
  const deadline = Date.now() + 60_000;
  while (counts.some((n) => n < EVENTS)) {
    if (Date.now() > deadline) throw new Error(`consumers stuck at ${Math.min(...counts)}/${EVENTS}`);
    await turn();
  }
  const ms = performance.now() - t;
  gc?.();
  const after = heapUsed();
  if (counts.some((n) => n !== EVENTS)) throw new Error(`wrong counts: ${counts.join(",")}`);
  for (const l of listeners) l.close();
  for (const off of offs) off();
  await Promise.all(loops);
  await qmp.disconnect();
  if (seen === 0 && total > 0) throw new Error("consumers saw nothing");
  return { ms, before, peak, after };
}

function parseOnly(chunks: readonly Buffer[], framed: boolean): number {
  let n = 0;
  const t = performance.now();
  if (framed) {
    const framer = new MessageFramer(64 * 1024 * 1024);
    const sink = {
      message: (value: Record<string, unknown>) => {
        if (value["event"] !== undefined) n++;
      },
      delimiter: () => {},
    };
    for (const chunk of chunks) framer.push(chunk, sink);
    framer.check(sink);
  } else {
    let carry = "";
    for (const chunk of chunks) {
      const lines = (carry + chunk.toString("utf8")).split("\n");
      carry = lines.pop() ?? "";
      for (const line of lines) if ((JSON.parse(line) as { event?: unknown }).event !== undefined) n++;
    }
  }
  const ms = performance.now() - t;
  if (n !== EVENTS) throw new Error(`baseline parsed ${n} events`);
  return ms;
}

const chunks = wireEvents(EVENTS);
const bytes = chunks.reduce((sum, c) => sum + c.length, 0);
const scenarios: Scenario[] = [
  { label: "50 iterators + 50 callbacks", iterators: 50, callbacks: 50 },
  { label: "100 callbacks", iterators: 0, callbacks: 100 },
  { label: "100 iterators", iterators: 100, callbacks: 0 },
  {
    label: "no listeners (client parse + validate only)",
    iterators: 0,
    callbacks: 0,
  },
];
const results = scenarios.map(() => [] as Outcome[]);
const baseFramer: number[] = [];
const baseSplit: number[] = [];
for (let round = -1; round < ROUNDS; round++) {
  for (let j = 0; j < scenarios.length; j++) {
    const i = (j + Math.max(round, 0)) % scenarios.length;
    const scenario = scenarios[i];
    if (scenario === undefined) continue;
    const outcome = await fanoutRound(chunks, scenario);
    if (round >= 0) results[i]?.push(outcome);
  }
  const f = parseOnly(chunks, true);
  const s = parseOnly(chunks, false);
  if (round >= 0) {
    baseFramer.push(f);
    baseSplit.push(s);
  }
  process.stderr.write(`fanout round ${round + 1}/${ROUNDS} done\n`);
}

const baseMs = median(baseFramer);
const perSec = (ms: number) => (EVENTS / ms) * 1000;
const rows = scenarios.map((scenario, i) => {
  const r = results[i] ?? [];
  const ms = r.map((o) => o.ms);
  const listeners = scenario.iterators + scenario.callbacks;
  return [
    scenario.label,
    `${summary(ms, 0)} ms`,
    fmt(perSec(median(ms))),
    listeners === 0 ? "—" : fmt(perSec(median(ms)) * listeners),
    fmt(median(ms) / baseMs, 1) + "×",
    `${mib(median(r.map((o) => o.before)))} / ${mib(median(r.map((o) => o.peak)))} / ${mib(median(r.map((o) => o.after)))}`,
  ];
});
rows.push(
  [
    "baseline: MessageFramer (frames + JSON.parse), no dispatch",
    `${summary(baseFramer, 0)} ms`,
    fmt(perSec(baseMs)),
    "—",
    "1.0×",
    "—",
  ],
  [
    "baseline: split on \\n + JSON.parse",
    `${summary(baseSplit, 0)} ms`,
    fmt(perSec(median(baseSplit))),
    "—",
    fmt(median(baseSplit) / baseMs, 1) + "×",
    "—",
  ],
);
const spreads = [...results.map((r) => spreadPct(r.map((o) => o.ms))), spreadPct(baseFramer), spreadPct(baseSplit)];
console.log(
  [
    `Machine: ${machineLine()}${gc === undefined ? " (no --expose-gc: heap figures include garbage)" : ""}`,
    `Command: \`${commandLine()}\`${underTsx ? " (tsx: slower, see notes)" : ""}`,
    `${fmt(EVENTS)} events, ${mib(bytes)} MiB on the wire, ${chunks.length} chunks of 64 KiB; 1 warm-up round discarded, median of ${ROUNDS} (min–max).`,
    `Heap = V8 used_heap_size: before (after gc, listeners attached) / peak (sampled after each chunk and every 1,000 events mid-dispatch) / after (gc).`,
    `Largest (max−min)/median of a time cell: ${fmt(Math.max(...spreads), 0)}%.`,
    "",
    table(
      ["listeners", "time for all events", "events/s", "deliveries/s", "× baseline time", "heap MiB before / peak / after"],
      rows,
    ),
  ].join("\n"),
);
