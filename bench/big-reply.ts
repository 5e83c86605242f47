/**
 * Big replies and small round trips over a unix socket, in-process (issue 14).
 *
 * One `net` server in this process plays QEMU: it greets, answers `query-qmp-schema` with
 * QEMU 7.2's schema (schemas/qemu-7.2-x86_64.json, re-serialised with QEMU's `": "` / `", "`
 * spacing, ~207 KB, CRLF-terminated) and every other command with `{"return": {}}`. Two
 * clients talk to it over a real unix socket: the raw baseline (bench/lib/raw-qmp.ts: splits
 * on newlines, JSON.parse, nothing else) and qmpkit's `QmpClient` (default options, so the
 * native fd-capable socket when installed; and with `fdPassing: false`, i.e. `net`).
 * Each round runs every client back to back (order rotates per round), on a fresh
 * connection: N sequential `query-qmp-schema`, then M sequential `query-status`.
 *
 * Run it compiled, from the repository's root:
 *   npx tsc -p tsconfig.json --noEmit false --outDir /tmp/qmpkit-bench --declaration false --sourceMap false
 *   node /tmp/qmpkit-bench/bench/big-reply.js [--rounds 11] [--big 40] [--small 4000]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QmpClient, type QmpClientOptions } from "../runtime/index.js";
import { commandLine, machineLine, option, underTsx } from "./lib/env.js";
import { RawQmp } from "./lib/raw-qmp.js";
import { fmt, median, summary, table } from "./lib/stats.js";

const ROUNDS = option("rounds", 11);
const BIG = option("big", 40);
const SMALL = option("small", 4000);

const GREETING =
  '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}\r\n';

// QEMU's JSON output style: `{"a": 1, "b": [1, 2]}`.
function qemuStyle(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(qemuStyle).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${qemuStyle(v)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(value);
}

// Run from the repository's root (compiled or not).
const schema = (JSON.parse(readFileSync("schemas/qemu-7.2-x86_64.json", "utf8")) as { return: unknown }).return;
const SCHEMA_RETURN = qemuStyle(schema);

/** The fake QEMU: replies to each `{"execute": ..., "id": N}` (compact requests, id last). */
function serve(socket: net.Socket): void {
  let carry = "";
  socket.on("error", () => {});
  socket.on("data", (chunk: Buffer) => {
    let text = carry + chunk.toString("latin1");
    for (;;) {
      const idAt = text.indexOf('"id":');
      if (idAt === -1) break;
      const end = text.indexOf("}", idAt);
      if (end === -1) break;
      const id = text.slice(idAt + 5, end);
      const body = text.startsWith('{"execute":"query-qmp-schema"') ? SCHEMA_RETURN : "{}";
      socket.write(`{"return": ${body}, "id": ${id}}\r\n`);
      text = text.slice(end + 1);
    }
    carry = text;
  });
  socket.write(GREETING);
}

interface Contender {
  label: string;
  connect(path: string): Promise<{ execute(command: string): Promise<unknown>; close(): Promise<void> }>;
}

const contenders: Contender[] = [
  {
    label: "raw client (split on newline + JSON.parse)",
    async connect(path) {
      const raw = await RawQmp.connect(path);
      await raw.handshake(false);
      return { execute: (command) => raw.execute(command), close: () => raw.close() };
    },
  },
  ...([{}, { fdPassing: false }] as QmpClientOptions[]).map((options): Contender => ({
    label: options.fdPassing === false ? "qmpkit, fdPassing: false (net.Socket)" : "qmpkit, default options",
    async connect(path) {
      const qmp = new QmpClient({ ...options, oob: false });
      await qmp.connect(path);
      return { execute: (command) => qmp.execute(command), close: () => qmp.disconnect() };
    },
  })),
];

type Sample = Record<"big" | "bigCpu" | "small" | "smallCpu", number>;

// CPU time (user + system) of the whole process in µs: less sensitive to other jobs than wall time.
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function round(contender: Contender, path: string): Promise<Sample> {
  const client = await contender.connect(path);
  let t = performance.now();
  let cpu = cpuNow();
  let arrays = 0;
  for (let i = 0; i < BIG; i++) arrays += (await client.execute("query-qmp-schema")) instanceof Array ? 1 : 0;
  const big = (performance.now() - t) / BIG;
  const bigCpu = (cpuNow() - cpu) / 1000 / BIG;
  if (arrays !== BIG) throw new Error("query-qmp-schema did not return an array");
  t = performance.now();
  cpu = cpuNow();
  for (let i = 0; i < SMALL; i++) await client.execute("query-status");
  const small = ((performance.now() - t) * 1000) / SMALL;
  const smallCpu = (cpuNow() - cpu) / SMALL;
  await client.close();
  return { big, bigCpu, small, smallCpu };
}

const dir = mkdtempSync(join(tmpdir(), "qmpkit-big-"));
const path = join(dir, "qmp.sock");
const server = net.createServer(serve);
await new Promise<void>((resolve) => server.listen(path, resolve));
const samples = contenders.map((): Sample[] => []);
try {
  for (let r = -1; r < ROUNDS; r++) {
    for (let j = 0; j < contenders.length; j++) {
      const i = (j + Math.max(r, 0)) % contenders.length;
      const result = await round(contenders[i] as Contender, path);
      if (r >= 0) samples[i]?.push(result);
    }
    process.stderr.write(`round ${r + 1}/${ROUNDS}\n`);
  }
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}

// Ratio = raw time / qmpkit time (throughput relative to raw; ≥ 0.95 is the target), of the
// medians and per round (pairs the samples of the same round, cancelling load drift).
const metric = (i: number, key: keyof Sample): number[] => (samples[i] ?? []).map((s) => s[key]);
const ratios = (i: number, key: keyof Sample): string => {
  const raw = metric(0, key);
  const mine = metric(i, key);
  return `${fmt(median(raw) / median(mine), 3)}; ${summary(
    raw.map((x, k) => x / (mine[k] ?? NaN)),
    3,
  )}`;
};
const rows = contenders.map((c, i) => [
  c.label,
  `${summary(metric(i, "big"), 2)} ms`,
  ratios(i, "big"),
  `${summary(metric(i, "bigCpu"), 2)} ms`,
  ratios(i, "bigCpu"),
  `${summary(metric(i, "small"), 1)} µs`,
  ratios(i, "small"),
  `${summary(metric(i, "smallCpu"), 1)} µs`,
  ratios(i, "smallCpu"),
]);
console.log(
  [
    `Machine: ${machineLine()}`,
    `Command: \`${commandLine()}\`${underTsx ? " (tsx: slower)" : ""}`,
    "",
    `Reply: query-qmp-schema, ${fmt(Buffer.byteLength(SCHEMA_RETURN) + 20)} bytes; ${BIG} per round; small: ${fmt(SMALL)} sequential query-status per round.`,
    `1 warm-up round, median (min–max) of ${ROUNDS} rounds. "× raw" = raw time / qmpkit time: of the medians; per round, median (min–max).`,
    `CPU = process CPU time (client and in-process server) per operation.`,
    "",
    table(
      [
        "client",
        "query-qmp-schema wall",
        "× raw",
        "query-qmp-schema CPU",
        "× raw",
        "query-status wall",
        "× raw",
        "query-status CPU",
        "× raw",
      ],
      rows,
    ),
  ].join("\n"),
);
