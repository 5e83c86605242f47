/**
 * Fetching `query-qmp-schema` from a live QEMU: over an existing QMP socket, or by spawning a
 * binary with no guest. The only generator module that talks to QEMU, through the runtime.
 * @module
 */
import { accessSync, constants, statSync } from "node:fs";
import { basename, delimiter, join } from "node:path";
import { ConnectError, launchQemu, QmpClient, type QmpGreeting } from "../runtime/index.js";
import { GeneratorError } from "./errors.js";
import type { QemuVersion } from "./ir.js";

/** A schema fetched live, with the version from the greeting. */
export interface FetchedSchema {
  /** The `return` value of `query-qmp-schema` (validated later, like a file). */
  readonly entries: unknown;
  readonly version: QemuVersion | undefined;
}

const CONNECT_TIMEOUT_MS = 10_000;

function versionOf(greeting: QmpGreeting | undefined): QemuVersion | undefined {
  if (!greeting) return undefined;
  const { major, minor, micro } = greeting.version.qemu;
  return { major, minor, micro, package: greeting.version.package };
}

function reason(error: unknown): string {
  const cause = error instanceof ConnectError && error.cause instanceof Error ? error.cause : error;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOENT") return "no such socket";
  if (code === "EACCES") return "permission denied";
  return (cause instanceof Error ? cause.message : String(cause)).split("\n")[0] ?? "unknown error";
}

/** Connects to a running QEMU's QMP socket and asks for its schema. */
export async function fetchFromSocket(path: string): Promise<FetchedSchema> {
  const qmp = new QmpClient();
  try {
    await qmp.connect(path, { timeout: CONNECT_TIMEOUT_MS });
  } catch (error) {
    throw new GeneratorError(`cannot connect to QMP socket ${JSON.stringify(path)}: ${reason(error)}`, { cause: error });
  }
  try {
    const entries = await qmp.execute("query-qmp-schema", undefined, { timeout: CONNECT_TIMEOUT_MS });
    return { entries, version: versionOf(qmp.greeting) };
  } catch (error) {
    throw new GeneratorError(`query-qmp-schema failed on ${JSON.stringify(path)}: ${reason(error)}`, { cause: error });
  } finally {
    await qmp.disconnect();
  }
}

/** Default arguments that start a binary without a guest. */
export function defaultQemuArgs(binary: string): string[] {
  return basename(binary).includes("storage-daemon") ? [] : ["-machine", "none", "-nodefaults", "-display", "none"];
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether `binary` names an executable (a path, or a name found on `PATH`). */
export function findExecutable(binary: string): boolean {
  if (binary.includes("/")) return isExecutableFile(binary);
  return (process.env["PATH"] ?? "").split(delimiter).some((dir) => dir !== "" && isExecutableFile(join(dir, binary)));
}

/** Spawns `binary` (no guest), asks for its schema, and quits it. */
export async function fetchFromBinary(binary: string, extraArgs: readonly string[] = []): Promise<FetchedSchema> {
  // Checked up front: a spawn ENOENT would otherwise look like a socket not created yet.
  if (!findExecutable(binary)) throw new GeneratorError(`cannot start QEMU: ${binary}: not found`);
  let vm;
  try {
    vm = await launchQemu({ binary, args: [...defaultQemuArgs(binary), ...extraArgs], timeout: CONNECT_TIMEOUT_MS });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new GeneratorError(`cannot start QEMU: ${message.replace(/\s*\n\s*/g, " ")}`, { cause: error });
  }
  try {
    const entries = await vm.qmp.execute("query-qmp-schema", undefined, { timeout: CONNECT_TIMEOUT_MS });
    return { entries, version: versionOf(vm.qmp.greeting) };
  } catch (error) {
    throw new GeneratorError(`query-qmp-schema failed on ${binary}: ${reason(error)}`, { cause: error });
  } finally {
    await vm.shutdown();
  }
}
