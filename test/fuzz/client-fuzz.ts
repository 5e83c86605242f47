/**
 * Fuzz harness for the client's reader: a scripted peer on an in-memory duplex pair greets,
 * accepts `qmp_capabilities`, and answers one `execute` with a generated reply or event that
 * is mutated (bytes replaced, inserted, deleted) and/or truncated, then either ends the
 * stream (EOF) or stays open after a CRLF. Every case must settle within 1 s with a value or
 * a `QmpError`; a line that is invalid (per the independent reference reader) must end the
 * session with a `ProtocolError` even though the peer stays open. The caller checks for
 * unhandled rejections, uncaught exceptions and leaked handles around a run.
 * Used by test/fuzz/client.fuzz.test.ts (10k cases) and bench/fuzz-long.ts (≥ 1M cases).
 * @module
 */
import { DisconnectedError, ProtocolError, QmpClient, QmpError } from "../../runtime/index.js";
import { createDuplexPair } from "../../runtime/testing/index.js";
import { referenceRead } from "../runtime/json-reference.js";

/** A small seeded PRNG (mulberry32): the same seed gives the same cases. */
export class Rng {
  constructor(private state: number) {}
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

const GREETING =
  '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}\r\n';
const CAPABILITIES_OK = '{"return": {}, "id": 1}\r\n';
// The client numbers its commands from 1: qmp_capabilities is 1, the fuzzed execute is 2.
const COMMAND_ID = 2;
const VALID_REPLY = `{"return": {}, "id": ${COMMAND_ID}}\r\n`;

type Json = null | boolean | number | string | { big: string } | Json[] | { [key: string]: Json };
type Style = "compact" | "qemu" | "pretty";

const STRINGS = ["", "running", "x}", 'q"uote', "back\\slash", "żółw 🐢", "tab\there", "\u0000\u001f", "{[", "\ud83d"];

function randomJson(rng: Rng, depth: number): Json {
  const kind = rng.int(depth > 2 ? 6 : 8);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.pick([0, -1, 42, 1.5, -2.5e-7, 9007199254740991, 1e300]);
    case 3:
      return { big: rng.pick(["18446744073709551615", "-9223372036854775808", "12345678901234567890"]) };
    case 4:
    case 5:
      return rng.pick(STRINGS);
    case 6:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default: {
      const object: { [key: string]: Json } = {};
      for (let i = rng.int(4); i > 0; i--)
        object[rng.pick(["a", "status", "id", "return", "data", "é"])] = randomJson(rng, depth + 1);
      return object;
    }
  }
}

function isBig(value: Json): value is { big: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof value["big"] === "string" &&
    Object.keys(value).length === 1
  );
}

// Serialises like QEMU (`": "`, `", "`), compactly, or pretty; `{big}` becomes bare digits.
function emit(value: Json, style: Style, indent = ""): string {
  if (isBig(value)) return value.big;
  const inner = indent + "    ";
  const [open, sep, close, colon] =
    style === "pretty"
      ? ["\n" + inner, ",\n" + inner, "\n" + indent, ": "]
      : style === "qemu"
        ? ["", ", ", "", ": "]
        : ["", ",", "", ":"];
  if (Array.isArray(value)) {
    return value.length === 0 ? "[]" : `[${open}${value.map((v) => emit(v, style, inner)).join(sep)}${close}]`;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return `{${open}${entries.map(([k, v]) => JSON.stringify(k) + colon + emit(v, style, inner)).join(sep)}${close}}`;
  }
  return JSON.stringify(value);
}

function randomMessage(rng: Rng): Json {
  switch (rng.int(5)) {
    case 0:
      return {
        event: rng.pick(["STOP", "JOB_STATUS_CHANGE"]),
        data: randomJson(rng, 1),
        timestamp: { seconds: 1, microseconds: 2 },
      };
    case 1:
      return { error: { class: "GenericError", desc: rng.pick(STRINGS) }, id: COMMAND_ID };
    case 2:
      return { return: randomJson(rng, 0), id: rng.pick([COMMAND_ID, COMMAND_ID, 7, "x"]) };
    default:
      return { return: randomJson(rng, 0), id: COMMAND_ID };
  }
}

const BYTES = [...'{}[]:,"\\ 09eE.-tfnu\r\n']
  .map((c) => c.charCodeAt(0))
  .concat([0x00, 0x1f, 0x80, 0xc3, 0xe0, 0xed, 0xf0, 0xff]);

function mutate(rng: Rng, bytes: Buffer): Buffer {
  const out = [...bytes];
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const at = rng.int(out.length + 1);
    const byte = rng.next() < 0.7 ? rng.pick(BYTES) : rng.int(256);
    const op = rng.int(3);
    if (op === 0) out.splice(at, 0, byte);
    else if (at < out.length && op === 1) out.splice(at, 1);
    else if (at < out.length) out[at] = byte;
  }
  return Buffer.from(out);
}

/** One generated case. */
export interface FuzzCase {
  /** Bytes the peer sends as its greeting (mutated in some cases). */
  greeting: Buffer;
  /** The greeting is mutated: the peer ends right after it. */
  fuzzGreeting: boolean;
  /** Bytes the peer answers the execute with. */
  answer: Buffer;
  /** "eof": the peer ends after its answer; "open": it stays open. */
  end: "eof" | "open";
  /** The reference reader finds the answer invalid: a ProtocolError is required. */
  invalid: boolean;
  bigint: boolean;
  oob: boolean;
}

/** Builds case number `index` of the run seeded with `seed`. */
export function makeCase(seed: number, index: number): FuzzCase {
  const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) | 0);
  const style: Style = rng.pick(["compact", "qemu", "qemu", "pretty"]);
  const fuzzGreeting = rng.int(10) === 0;
  let greeting: Buffer = Buffer.from(GREETING);
  let answer: Buffer = Buffer.from(emit(randomMessage(rng), style) + "\r\n");
  if (rng.int(4) === 0) answer = Buffer.concat([Buffer.from(emit(randomMessage(rng), style) + "\r\n"), answer]);
  if (fuzzGreeting) greeting = mutate(rng, greeting);
  else if (rng.int(5) !== 0) answer = mutate(rng, answer);
  const truncate = rng.int(3) === 0;
  if (truncate) answer = answer.subarray(0, rng.int(answer.length + 1));
  const bigint = rng.next() < 0.5;
  const oob = rng.next() < 0.5;
  if (fuzzGreeting || truncate || rng.int(2) === 0)
    return { greeting, fuzzGreeting, answer, end: "eof", invalid: false, bigint, oob };
  // The peer stays open: an invalid line must end the session by itself. A line that is
  // valid is followed by the real reply; one that is an unfinished prefix cannot be judged
  // (QEMU never sends one), so that case ends with EOF instead.
  const line = answer.at(-1) === 0x0a ? answer : Buffer.concat([answer, Buffer.from("\r\n")]);
  const reference = referenceRead(line);
  if (reference.bad !== undefined) {
    // Unless the command's reply comes whole before the bad byte, the bad byte must end it.
    const answered = reference.messages.some(([start, end]) => {
      const message = JSON.parse(line.subarray(start, end).toString()) as Record<string, unknown>;
      return message["id"] === COMMAND_ID && ("return" in message || "error" in message);
    });
    return { greeting, fuzzGreeting, answer: line, end: "open", invalid: !answered, bigint, oob };
  }
  const last = reference.messages.at(-1);
  const complete = line.subarray(last?.[1] ?? 0).every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xff);
  if (!complete) return { greeting, fuzzGreeting, answer: line, end: "eof", invalid: false, bigint, oob };
  return {
    greeting,
    fuzzGreeting,
    answer: Buffer.concat([line, Buffer.from(VALID_REPLY)]),
    end: "open",
    invalid: false,
    bigint,
    oob,
  };
}

/** How a case settled: "value" or the error's name. */
export type Outcome = string;

/** Runs one case; throws an Error describing the violation when the client misbehaves. */
export async function runCase(c: FuzzCase): Promise<Outcome> {
  const [clientSide, peer] = createDuplexPair();
  // The client writes each command in one piece, which the pair delivers as one chunk.
  let commands = 0;
  peer.on("error", () => {});
  peer.on("data", () => {
    commands++;
    if (commands === 1) peer.write(CAPABILITIES_OK);
    if (commands !== 2) return;
    peer.write(c.answer);
    if (c.end === "eof") peer.end();
  });
  peer.write(c.greeting);
  // A mutated greeting may be an unfinished prefix: end there, so that the case can settle.
  if (c.fuzzGreeting) peer.end();
  const qmp = new QmpClient({ bigint: c.bigint, oob: c.oob });
  const work = (async () => {
    await qmp.connect(clientSide);
    return qmp.execute("query-status");
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), 1000)));
  let settled: { error: unknown } | "value" | "timeout";
  try {
    settled = await Promise.race([
      work.then(
        () => "value" as const,
        (error: unknown) => ({ error }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
    await qmp.disconnect();
    peer.destroy();
  }
  if (settled === "timeout") throw new Error("did not settle within 1 s");
  if (settled === "value") {
    if (c.invalid) throw new Error("an invalid line was accepted");
    return "value";
  }
  const { error } = settled;
  if (!(error instanceof QmpError)) throw new Error(`settled with a non-QmpError: ${String(error)}`, { cause: error });
  if (c.invalid && !(error instanceof DisconnectedError && error.cause instanceof ProtocolError)) {
    throw new Error(`an invalid line did not end the session with a ProtocolError: ${error.message}`, { cause: error });
  }
  return error.name;
}

/** Totals of a run. */
export interface FuzzSummary {
  cases: number;
  outcomes: Record<string, number>;
  invalidLinesOpen: number;
}

/** Runs cases [from, from + count) of `seed`; rethrows the first violation with its case number. */
export async function fuzz(seed: number, count: number, from = 0, progress?: (done: number) => void): Promise<FuzzSummary> {
  const summary: FuzzSummary = { cases: 0, outcomes: {}, invalidLinesOpen: 0 };
  for (let i = from; i < from + count; i++) {
    const c = makeCase(seed, i);
    let outcome: Outcome;
    try {
      outcome = await runCase(c);
    } catch (error) {
      throw new Error(
        `fuzz case ${i} of seed ${seed} failed: ${(error as Error).message}\n` +
          `greeting: ${JSON.stringify(c.greeting.toString("latin1"))}\nanswer: ${JSON.stringify(c.answer.toString("latin1"))} (${c.end})`,
        { cause: error },
      );
    }
    summary.cases++;
    summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1;
    if (c.invalid) summary.invalidLinesOpen++;
    if (progress !== undefined && (i - from + 1) % 10_000 === 0) progress(i - from + 1);
  }
  return summary;
}
