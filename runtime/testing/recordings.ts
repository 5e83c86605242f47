/**
 * A cassette read as commands with their replies and the events around them.
 * @module
 */

import { stringifyMessage } from "../json-stringify.js";
import type { Cassette, CassetteEntry } from "./cassette.js";

/** @internal An event message as recorded. */
export type EventMessage = Record<string, unknown> & { event: string };

/** @internal An event and when it came (ms into the recording). */
export interface RecordedEvent {
  readonly message: EventMessage;
  readonly t: number;
}

/** @internal A recorded command, its reply and the events placed around it. */
export interface Recording {
  readonly command: string;
  readonly arguments: Record<string, unknown> | undefined;
  readonly oob: boolean;
  readonly line: number;
  /** `{return}` or `{error}`; undefined when no reply was recorded. */
  reply: { return?: unknown; error?: { class: string; desc: string } } | undefined;
  replyT: number;
  /** Events QEMU sent while the command was outstanding, before its reply. */
  readonly before: RecordedEvent[];
  /** Events QEMU sent after the reply, while no command was outstanding. */
  readonly after: RecordedEvent[];
  used: boolean;
}

/** @internal */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** @internal `name {arguments}` for messages, truncated to about 200 characters. */
export function describeCommand(command: string, args: unknown): string {
  const text = args === undefined || (isObject(args) && Object.keys(args).length === 0) ? "" : ` ${stringifyMessage(args)}`;
  return `${command}${text.length > 200 ? `${text.slice(0, 199)}…` : text}`;
}

/** Deep equality of parsed JSON values; object key order does not matter, a bigint equals the same integer. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "bigint" || typeof b === "bigint") {
    return (typeof a === "bigint" || Number.isInteger(a)) && (typeof b === "bigint" || Number.isInteger(b))
      ? BigInt(a as bigint) === BigInt(b as bigint)
      : false;
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const bo = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(bo, k) && jsonEqual((a as Record<string, unknown>)[k], bo[k]));
}

/** @internal Pairs each recorded command with its reply and places every event relative to the replies. */
export function readRecordings(cassette: Cassette): { recordings: Recording[]; negotiation: Recording } {
  const recordings: Recording[] = [];
  const negotiation: Recording = {
    command: "qmp_capabilities",
    arguments: undefined,
    oob: false,
    line: 0,
    reply: { return: {} },
    replyT: 0,
    before: [],
    after: [],
    used: true,
  };
  let outstanding = new Map<string, Recording>();
  let waiting: RecordedEvent[] = []; // events while a command was outstanding: they precede the next reply
  let lastReplied: Recording = negotiation;
  cassette.entries.forEach((entry: CassetteEntry, index) => {
    const msg = entry.msg;
    if (entry.dir === "out") {
      const name = msg["execute"] ?? msg["exec-oob"];
      if (typeof name !== "string") return;
      const args = msg["arguments"];
      const recording: Recording = {
        command: name,
        arguments: isObject(args) ? args : undefined,
        oob: msg["exec-oob"] !== undefined,
        line: cassette.lines[index] ?? 0,
        reply: undefined,
        replyT: entry.t,
        before: [],
        after: [],
        used: false,
      };
      if (name !== "qmp_capabilities") recordings.push(recording);
      outstanding.set(stringifyMessage(msg["id"] ?? null), name === "qmp_capabilities" ? negotiation : recording);
    } else if ("QMP" in msg) {
      // A new connection (the recorded client reconnected): nothing is outstanding any more.
      outstanding = new Map();
      waiting = [];
      lastReplied = negotiation;
    } else if (typeof msg["event"] === "string") {
      const event = { message: msg as EventMessage, t: entry.t };
      if (outstanding.size > 0) waiting.push(event);
      else lastReplied.after.push(event);
    } else if ("return" in msg || "error" in msg) {
      const key = stringifyMessage(msg["id"] ?? null);
      const recording = outstanding.get(key);
      if (recording === undefined) return;
      outstanding.delete(key);
      if (recording !== negotiation) {
        recording.reply = "error" in msg ? { error: msg["error"] as { class: string; desc: string } } : { return: msg["return"] };
        recording.replyT = entry.t;
      }
      recording.before.push(...waiting);
      waiting = [];
      lastReplied = recording;
    }
  });
  // Events while a command that never got a reply was outstanding: send them when it is asked.
  const first = outstanding.values().next();
  (first.done === true ? lastReplied.after : first.value.before).push(...waiting);
  return { recordings, negotiation };
}
