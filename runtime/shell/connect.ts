/**
 * Opening the shell's connection: a unix socket, TCP, a QEMU started for the session, or a
 * guest agent; then the schema (live introspection, or a saved reply for qemu-ga) and the
 * names to complete when there is no schema.
 * @module
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { QmpClient } from "../client.js";
import type { MessageHooks } from "../client-options.js";
import { launchQemu, type LaunchedQemu } from "../launch.js";
import type { ConnectTarget } from "../transport.js";
import type { ShellMode } from "./core.js";
import { QmpSchema } from "../schema/qmp-schema.js";

/** Where to connect. */
export type ShellTarget =
  | { kind: "socket"; path: string }
  | { kind: "tcp"; host: string; port: number }
  | { kind: "qemu"; binary: string; args: readonly string[] };

/** What to open. */
export interface ConnectSpec {
  readonly target: ShellTarget;
  readonly mode: ShellMode;
  /** A saved query-qmp-schema reply to use instead of introspection (the only schema for qemu-ga). */
  readonly schemaFile?: string | undefined;
  readonly hooks: MessageHooks;
  readonly timeout: number;
}

/** An open connection. */
export interface ShellConnection {
  readonly qmp: QmpClient;
  readonly schema: QmpSchema | undefined;
  /** Names to complete without a schema: qemu-ga's commands, HMP's commands. */
  readonly commandNames: readonly string[];
  /**
   * The schema's integer widths are QEMU's own: it is a live QEMU 7.2's, which the widths
   * `QmpSchema` applies by default describe. Otherwise (a saved schema, another version, the
   * guest agent) a member shown as `int` may be a `uint64` the facts do not know.
   */
  readonly widthsKnown: boolean;
  /** The started QEMU (`--qemu`), which `close()` quits. */
  readonly launched: LaunchedQemu | undefined;
  /** A label for messages, e.g. the socket path. */
  readonly label: string;
  /** Leaves: quits a started QEMU, else just disconnects. */
  close(): Promise<void>;
}

/** QEMU arguments for a session with no guest (none for qemu-storage-daemon). */
export function noGuestArgs(binary: string): string[] {
  return basename(binary).includes("storage-daemon") ? [] : ["-machine", "none", "-nodefaults", "-display", "none"];
}

/** Connects and loads what completion and validation need. Rejects with a readable error. */
export async function openConnection(spec: ConnectSpec): Promise<ShellConnection> {
  const { target, mode } = spec;
  const agent = mode === "qga";
  // bigint: show uint64 values (sizes, qemu-ga's guest-get-time) exactly, not rounded.
  const clientOptions = {
    name: "shell",
    hooks: spec.hooks,
    bigint: true,
    ...(agent ? { negotiate: false, awaitGreeting: false } : {}),
  };
  let qmp: QmpClient;
  let launched: LaunchedQemu | undefined;
  let label: string;
  if (target.kind === "qemu") {
    launched = await launchQemu({
      binary: target.binary,
      args: [...noGuestArgs(target.binary), ...target.args],
      client: clientOptions,
      timeout: spec.timeout,
    });
    qmp = launched.qmp;
    label = `${target.binary} (pid ${launched.pid})`;
  } else {
    qmp = new QmpClient(clientOptions);
    const where: ConnectTarget = target.kind === "socket" ? target.path : { host: target.host, port: target.port };
    label = target.kind === "socket" ? target.path : `${target.host}:${target.port}`;
    await qmp.connect(where, { timeout: spec.timeout });
  }
  try {
    if (agent) await qmp.syncGuestAgent({ timeout: spec.timeout });
    const schema =
      spec.schemaFile !== undefined
        ? await schemaFromFile(spec.schemaFile)
        : agent
          ? undefined
          : await liveSchema(qmp, spec.timeout);
    const commandNames =
      mode === "qga" && schema === undefined
        ? await agentCommands(qmp, spec.timeout)
        : mode === "hmp"
          ? await hmpCommands(qmp, spec.timeout)
          : [];
    let closed: Promise<void> | undefined;
    // Once: a signal and the normal end may both ask.
    const close = () =>
      (closed ??= (async () => {
        if (launched !== undefined) await launched.shutdown(1000);
        else await qmp.disconnect();
      })());
    const version = qmp.greeting?.version.qemu;
    const widthsKnown = spec.schemaFile === undefined && !agent && version?.major === 7 && version.minor === 2;
    return { qmp, schema, commandNames, widthsKnown, launched, label, close };
  } catch (error) {
    if (launched !== undefined) await launched.shutdown(1000);
    else await qmp.disconnect();
    throw error;
  }
}

function liveSchema(qmp: QmpClient, timeout: number): Promise<QmpSchema> {
  return qmp.introspect({ timeout });
}

/** A saved reply: a bare array or `{"return": [...]}`. */
export async function schemaFromFile(path: string): Promise<QmpSchema> {
  const text = await readFile(path, "utf8");
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(reply) ? reply : (reply as { return?: unknown } | null)?.return;
  if (!Array.isArray(list)) throw new Error(`${path}: expected a query-qmp-schema reply (an array or {"return": [...]})`);
  return new QmpSchema(reply);
}

/** qemu-ga's enabled commands, from `guest-info`. */
async function agentCommands(qmp: QmpClient, timeout: number): Promise<string[]> {
  const info = (await qmp.execute("guest-info", undefined, { timeout })) as {
    supported_commands?: { name: string; enabled: boolean }[];
  };
  return (info.supported_commands ?? []).filter((c) => c.enabled).map((c) => c.name);
}

/** HMP command phrases from HMP's `help` and `help info` (first words of each line; `c|cont` gives both). */
async function hmpCommands(qmp: QmpClient, timeout: number): Promise<string[]> {
  const help = async (line: string) => {
    try {
      return (await qmp.execute("human-monitor-command", { "command-line": line }, { timeout })) as string;
    } catch {
      return "";
    }
  };
  const names = (await help("help")).split("\n").flatMap((line) => (/^([\w|-]+)/.exec(line)?.[1] ?? "").split("|"));
  const info = (await help("help info")).split("\n").map((line) => /^info ([\w-]+)/.exec(line)?.[1]);
  const phrases = [...names, ...info.filter((name) => name !== undefined).map((name) => `info ${name}`)];
  return [...new Set(phrases.filter((n) => n !== ""))].sort();
}
