/**
 * Real-QEMU test support: tests skip only when the binary is missing AND
 * QMP_REQUIRE_QEMU is unset; with QMP_REQUIRE_QEMU set they run (and fail if QEMU is missing).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import net from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe } from "vitest";
import { launchQemu, type ConnectError, type ConnectTarget, type LaunchedQemu, type QmpClient } from "../../runtime/index.js";

export const QEMU = process.env["QMP_QEMU_BINARY"] ?? "qemu-system-x86_64";
export const QSD = process.env["QMP_QSD_BINARY"] ?? "qemu-storage-daemon";
export const QGA = process.env["QMP_QGA_BINARY"] ?? "qemu-ga";

const required = process.env["QMP_REQUIRE_QEMU"] !== undefined && process.env["QMP_REQUIRE_QEMU"] !== "";

/** True when `binary --version` runs. */
export function hasBinary(binary: string): boolean {
  const result = spawnSync(binary, ["--version"], { stdio: "ignore" });
  return result.status === 0;
}

/** `describe` for suites that need `binary`: skipped only when it is missing and not required. */
export function describeWith(binary: string): typeof describe | typeof describe.skip {
  return hasBinary(binary) || required ? describe : describe.skip;
}

/** A temp directory removed by the returned disposer. */
export function tempDir(): { path: string } & Disposable {
  const path = mkdtempSync(join(tmpdir(), "qmpkit-test-"));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts QEMU with no guest and `extra` monitor arguments; the caller kills it. */
export function spawnQemu(extra: readonly string[]): ChildProcess {
  return spawn(QEMU, ["-machine", "none", "-nodefaults", "-display", "none", ...extra], { stdio: "ignore" });
}

/** Connects, retrying while QEMU has not opened its TCP port yet (ECONNREFUSED), for up to ~4 s. */
export async function connectWhenListening(qmp: QmpClient, target: ConnectTarget, timeout = 5000): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await qmp.connect(target, { timeout });
    } catch (error) {
      const code = ((error as ConnectError).cause as NodeJS.ErrnoException | undefined)?.code;
      if (attempt > 200 || code !== "ECONNREFUSED") throw error;
      await sleep(20);
    }
  }
}

/**
 * A `start(args?)` that launches QEMU for one test; every QEMU it started is shut down after
 * each test. Call at module level.
 */
export function qemuPerTest(): (args?: string[]) => Promise<LaunchedQemu> {
  const running: LaunchedQemu[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((vm) => vm.shutdown(1000)));
  });
  return async (args) => {
    const vm = await launchQemu({ binary: QEMU, args });
    running.push(vm);
    return vm;
  };
}

/** Commands that would act on the host (this machine): qemu-ga always runs with them blocked. */
export const AGENT_BLOCKED = [
  "guest-shutdown",
  "guest-suspend-disk",
  "guest-suspend-ram",
  "guest-suspend-hybrid",
  "guest-set-time",
  "guest-fsfreeze-freeze",
  "guest-fsfreeze-freeze-list",
  "guest-fsfreeze-thaw",
  "guest-set-user-password",
  "guest-set-vcpus",
  "guest-set-memory-blocks",
  "guest-exec",
  "guest-fstrim",
];

/** qemu-ga's arguments for a unix socket in `dir` (its state dir created), destructive commands blocked. */
export function agentArgs(dir: string): { socket: string; args: string[] } {
  const socket = join(dir, "qga.sock");
  const state = join(dir, "state");
  mkdirSync(state); // qemu-ga does not create it
  return {
    socket,
    args: ["-m", "unix-listen", "-p", socket, "-f", join(dir, "qga.pid"), "-t", state, "-b", AGENT_BLOCKED.join(",")],
  };
}
