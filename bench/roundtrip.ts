/**
 * Round-trip benchmark (issue 2).
 *
 * Part 1, real QEMU: a raw `net.Socket` client (bench/lib/raw-qmp.ts, no library) and
 * qmpkit's `QmpClient` do the same work against ONE `qemu-system-x86_64 -machine none`
 * process, alternating client kinds within each round (ABBA order across rounds) so drift
 * hits both alike: greeting + `qmp_capabilities` (oob), N sequential `query-status`, 1,000
 * pipelined `query-status` with oob on and (on a second connection) oob off.
 *
 * Part 2, in-process: round trips/s over an in-memory duplex pair against the fake server
 * (`QmpTestServer.connectPair()`) and against a minimal echo peer (bench/lib/echo-peer.ts),
 * for qmpkit and for the raw client, to separate client cost from server cost.
 *
 * Run it compiled (what users run; tsx's keepNames transform slows closures ~2×):
 *   npx tsc -p tsconfig.json --noEmit false --outDir /tmp/qmpkit-bench --declaration false --sourceMap false
 *   node /tmp/qmpkit-bench/bench/roundtrip.js [--rounds 7] [--seq 2000] [--inproc-seq 20000] [--only qemu|inproc]
 * or directly: npx tsx bench/roundtrip.ts [same options]
 */
import type { Duplex } from "node:stream";
import { QmpClient, type QmpClientOptions } from "../runtime/index.js";
import { QmpTestServer, createDuplexPair } from "../runtime/testing/index.js";
import { attachEchoPeer } from "./lib/echo-peer.js";
import { commandLine, machineLine, option, underTsx } from "./lib/env.js";
import { QEMU_ARGS, qemuVersion, startQemu } from "./lib/qemu.js";
import { RawQmp } from "./lib/raw-qmp.js";
import { fmt, median, spreadPct, summary, table } from "./lib/stats.js";

const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const ROUNDS = option("rounds", 7);
const SEQ = option("seq", 2000);
const PIPE = 1000;
const INPROC_SEQ = option("inproc-seq", 20_000);
const INPROC_PIPE_BATCHES = 20; // 20 × 1,000 pipelined per round

/** Measurements of one round, by metric name. */
type Sample = Map<string, number>;

/** 0..n-1 in an order that depends only on `seed`. */
function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let state = seed * 2654435761;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

function record(samples: Map<string, number[]>, sample: Sample): void {
  for (const [k, v] of sample) {
    const list = samples.get(k) ?? [];
    list.push(v);
    samples.set(k, list);
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

// ---- Part 1: real QEMU ----------------------------------------------------------------

/** A uniform face over both clients for the QEMU part. */
interface Contender {
  connect(path: string, oob: boolean, extra?: QmpClientOptions): Promise<void>;
  execute(): Promise<unknown>;
  pipeline(count: number, window?: number): Promise<void>;
  close(): Promise<void>;
}

function rawContender(): Contender {
  let client: RawQmp | undefined;
  const c = (): RawQmp =>
    client ??
    (() => {
      throw new Error("not connected");
    })();
  return {
    async connect(path, oob) {
      client = await RawQmp.connect(path);
      await client.handshake(oob);
    },
    execute: () => c().execute("query-status"),
    pipeline: (count, window) => c().pipeline("query-status", count, window),
    close: async () => {
      await client?.close();
      client = undefined;
    },
  };
}

function qmpkitContender(): Contender {
  let client: QmpClient | undefined;
  const c = (): QmpClient =>
    client ??
    (() => {
      throw new Error("not connected");
    })();
  return {
    async connect(path, oob, extra = {}) {
      client = new QmpClient({ ...extra, oob });
      await client.connect(path);
    },
    execute: () => c().execute("query-status"),
    pipeline: async (count) => {
      const qmp = c();
      const all: Array<Promise<unknown>> = [];
      for (let i = 0; i < count; i++) all.push(qmp.execute("query-status"));
      await Promise.all(all);
    },
    close: async () => {
      await client?.disconnect();
      client = undefined;
    },
  };
}

async function qemuRound(kind: "raw" | "qmpkit", socketPath: string): Promise<Sample> {
  const s: Sample = new Map();
  const c = kind === "raw" ? rawContender() : qmpkitContender();
  // Connection 1: oob on.
  s.set("handshake ms", await timed(() => c.connect(socketPath, true)));
  const seqMs = await timed(async () => {
    for (let i = 0; i < SEQ; i++) await c.execute();
  });
  s.set("seq rt/s", (SEQ / seqMs) * 1000);
  s.set("pipe oob on ms", await timed(() => c.pipeline(PIPE)));
  if (kind === "raw") s.set("pipe oob on, window 8 ms", await timed(() => c.pipeline(PIPE, 8)));
  await c.close();
  // Connection 2: oob off.
  await c.connect(socketPath, false);
  s.set("pipe oob off ms", await timed(() => c.pipeline(PIPE)));
  await c.close();
  if (kind === "qmpkit") {
    // Connection 3: oob on without qmpkit's in-band window (maxInFlight 8 by default).
    await c.connect(socketPath, true, { maxInFlight: 100_000 });
    s.set("pipe oob on, no window ms", await timed(() => c.pipeline(PIPE)));
    await c.close();
  }
  return s;
}

async function benchQemu(): Promise<string> {
  const version = qemuVersion();
  const qemu = await startQemu();
  const raw = new Map<string, number[]>();
  const lib = new Map<string, number[]>();
  try {
    for (let round = -1; round < ROUNDS; round++) {
      const order: Array<"raw" | "qmpkit"> = round % 2 === 0 ? ["raw", "qmpkit"] : ["qmpkit", "raw"];
      for (const kind of order) {
        const sample = await qemuRound(kind, qemu.socketPath);
        if (round >= 0) record(kind === "raw" ? raw : lib, sample); // round -1 is the warm-up
      }
      process.stderr.write(`qemu round ${round + 1}/${ROUNDS} done\n`);
    }
  } finally {
    await qemu.stop();
  }
  const get = (m: Map<string, number[]>, k: string): number[] => m.get(k) ?? [];
  // Per-round ratios pair each qmpkit sample with the raw sample of the same round, which
  // cancels slow drift (machine load) that the ratio of medians does not.
  const paired = (num: number[], den: number[]): string =>
    summary(
      num.map((x, i) => x / (den[i] ?? NaN)),
      3,
    );
  const rtRow = (label: string, r: number[], q: number[]): string[] => [
    label,
    `${summary(r)} rt/s`,
    `${summary(q)} rt/s`,
    fmt(median(q) / median(r), 3),
    paired(q, r),
  ];
  // For times, the ratio is throughput-like: raw time / qmpkit time (≥ 0.95 is the target).
  const msRow = (label: string, r: number[], q: number[]): string[] => [
    label,
    `${summary(r, 1)} ms (${fmt(PIPE / (median(r) / 1000))} rt/s)`,
    `${summary(q, 1)} ms (${fmt(PIPE / (median(q) / 1000))} rt/s)`,
    fmt(median(r) / median(q), 3),
    paired(r, q),
  ];
  const rows = [
    rtRow(`sequential query-status ×${fmt(SEQ)}, oob negotiated`, get(raw, "seq rt/s"), get(lib, "seq rt/s")),
    msRow(`1,000 pipelined, oob off`, get(raw, "pipe oob off ms"), get(lib, "pipe oob off ms")),
    msRow(
      `1,000 pipelined, oob on (raw: all at once; qmpkit: default window of 8)`,
      get(raw, "pipe oob on ms"),
      get(lib, "pipe oob on ms"),
    ),
    msRow(
      `1,000 pipelined, oob on, both windowed at 8 in flight`,
      get(raw, "pipe oob on, window 8 ms"),
      get(lib, "pipe oob on ms"),
    ),
    msRow(
      `1,000 pipelined, oob on, both unwindowed (qmpkit maxInFlight 100,000)`,
      get(raw, "pipe oob on ms"),
      get(lib, "pipe oob on, no window ms"),
    ),
    [
      "connect + greeting + qmp_capabilities",
      `${summary(get(raw, "handshake ms"), 2)} ms`,
      `${summary(get(lib, "handshake ms"), 2)} ms`,
      fmt(median(get(raw, "handshake ms")) / median(get(lib, "handshake ms")), 3),
      paired(get(raw, "handshake ms"), get(lib, "handshake ms")),
    ],
  ];
  const spreads = [...raw.values(), ...lib.values()].map((v) => spreadPct(v));
  return [
    `QEMU: ${version}; \`qemu-system-x86_64 ${QEMU_ARGS.join(" ")}\` — ONE QEMU process for both clients; each`,
    `round runs both client kinds back to back (order alternates per round), each on fresh connections;`,
    `1 warm-up round discarded, then median of ${ROUNDS} rounds, (min–max) in brackets. Ratio = qmpkit/raw throughput.`,
    `Largest (max−min)/median over all cells: ${fmt(Math.max(...spreads), 0)}%.`,
    "",
    table(["work", "raw net.Socket", "qmpkit", "qmpkit/raw (of medians)", "qmpkit/raw per round, median (min–max)"], rows),
  ].join("\n");
}

// ---- Part 2: in-process ------------------------------------------------------------------

type Peer = "fake server" | "echo peer";

function pair(peer: Peer): { client: Duplex; dispose(): Promise<void> } {
  if (peer === "fake server") {
    const server = new QmpTestServer();
    return { client: server.connectPair(), dispose: () => server.close() };
  }
  const [client, serverSide] = createDuplexPair();
  attachEchoPeer(serverSide);
  return { client, dispose: async () => void serverSide.destroy() };
}

async function inprocRound(kind: "raw" | "qmpkit", peer: Peer, oob: boolean): Promise<Sample> {
  const s: Sample = new Map();
  const { client: stream, dispose } = pair(peer);
  let execute: () => Promise<unknown>;
  let close: () => Promise<void>;
  if (kind === "raw") {
    const raw = new RawQmp(stream);
    await raw.handshake(oob);
    execute = () => raw.execute("query-status");
    close = () => raw.close();
  } else {
    const qmp = new QmpClient({ oob });
    await qmp.connect(stream);
    execute = () => qmp.execute("query-status");
    close = () => qmp.disconnect();
  }
  const cpu = process.cpuUsage();
  const seqMs = await timed(async () => {
    for (let i = 0; i < INPROC_SEQ; i++) await execute();
  });
  const used = process.cpuUsage(cpu);
  s.set("seq", (INPROC_SEQ / seqMs) * 1000);
  s.set("seq cpu", (used.user + used.system) / INPROC_SEQ);
  const pipeMs = await timed(async () => {
    for (let b = 0; b < INPROC_PIPE_BATCHES; b++) {
      const all: Array<Promise<unknown>> = [];
      for (let i = 0; i < PIPE; i++) all.push(execute());
      await Promise.all(all);
    }
  });
  s.set("pipe", ((INPROC_PIPE_BATCHES * PIPE) / pipeMs) * 1000);
  await close();
  await dispose();
  return s;
}

async function benchInProcess(): Promise<string> {
  const configs: Array<{
    label: string;
    kind: "raw" | "qmpkit";
    peer: Peer;
    oob: boolean;
  }> = [
    {
      label: "qmpkit ↔ fake server (QmpTestServer.connectPair), oob on",
      kind: "qmpkit",
      peer: "fake server",
      oob: true,
    },
    {
      label: "qmpkit ↔ fake server, oob off",
      kind: "qmpkit",
      peer: "fake server",
      oob: false,
    },
    {
      label: "raw client ↔ fake server, oob on",
      kind: "raw",
      peer: "fake server",
      oob: true,
    },
    {
      label: "qmpkit ↔ echo peer, oob on",
      kind: "qmpkit",
      peer: "echo peer",
      oob: true,
    },
    {
      label: "qmpkit ↔ echo peer, oob off",
      kind: "qmpkit",
      peer: "echo peer",
      oob: false,
    },
    {
      label: "raw client ↔ echo peer",
      kind: "raw",
      peer: "echo peer",
      oob: true,
    },
  ];
  const results = configs.map(() => new Map<string, number[]>());
  for (let round = -1; round < ROUNDS; round++) {
    // A fresh order every round (seeded shuffle). A rotation kept each configuration behind the
    // same predecessor, whose garbage (e.g. the fake server's) it then paid for in every round.
    for (const i of shuffled(configs.length, round + 2)) {
      const cfg = configs[i];
      const res = results[i];
      if (cfg === undefined || res === undefined) continue;
      const sample = await inprocRound(cfg.kind, cfg.peer, cfg.oob);
      if (round >= 0) record(res, sample);
    }
  }
  // Sequential rate relative to the raw client on the same peer, paired within each round.
  const perRound = (i: number): string => {
    const raw = configs.findIndex((c) => c.kind === "raw" && c.peer === configs[i]?.peer);
    const mine = results[i]?.get("seq") ?? [];
    const base = results[raw]?.get("seq") ?? [];
    return summary(
      mine.map((x, k) => x / (base[k] ?? NaN)),
      3,
    );
  };
  const rows = configs.map((cfg, i) => {
    const r = results[i] ?? new Map<string, number[]>();
    return [
      cfg.label,
      summary(r.get("seq") ?? []),
      perRound(i),
      summary(r.get("seq cpu") ?? [], 2),
      summary(r.get("pipe") ?? []),
    ];
  });
  return [
    `In-memory duplex pair (runtime/testing createDuplexPair; each write is delivered in a microtask).`,
    `Sequential: ${fmt(INPROC_SEQ)} awaited \`execute("query-status")\` per round; pipelined: ${INPROC_PIPE_BATCHES} × 1,000 concurrent.`,
    `1 warm-up round discarded, median of ${ROUNDS} rounds (min–max), round trips/s; configurations interleaved.`,
    "",
    table(["client ↔ peer", "sequential rt/s", "× raw per round", "sequential CPU µs/rt", "pipelined rt/s"], rows),
  ].join("\n");
}

const out: string[] = [
  `Machine: ${machineLine()}`,
  `Command: \`${commandLine()}\`${underTsx ? " (tsx: slower, see notes)" : ""}`,
  "",
];
if (only !== "inproc") out.push("### Against real QEMU", "", await benchQemu(), "");
if (only !== "qemu") out.push("### In-process", "", await benchInProcess(), "");
console.log(out.join("\n"));
