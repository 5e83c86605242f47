/**
 * Starts a bare QEMU (`-machine none`, no guest) with a QMP unix socket, for benchmarks that
 * need the real server but want to connect with more than one kind of client.
 * @module
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A running QEMU. */
export interface BenchQemu {
  socketPath: string;
  process: ChildProcess;
  /** Kills QEMU and removes its temp dir. */
  stop(): Promise<void>;
}

/** The exact command line used (for the report). */
export const QEMU_ARGS = ["-machine", "none", "-nodefaults", "-display", "none", "-qmp", "unix:SOCK,server=on,wait=off"];

/** `QEMU emulator version ...` of `binary`. */
export function qemuVersion(binary = "qemu-system-x86_64"): string {
  return execFileSync(binary, ["--version"], { encoding: "utf8" }).split("\n")[0] ?? "unknown";
}

/** Spawns QEMU and waits until its socket exists. */
export async function startQemu(binary = "qemu-system-x86_64"): Promise<BenchQemu> {
  const dir = mkdtempSync(join(tmpdir(), "qmpkit-bench-"));
  const socketPath = join(dir, "q.sock");
  const args = QEMU_ARGS.map((a) => a.replace("SOCK", socketPath));
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "inherit"] });
  const deadline = Date.now() + 10_000;
  while (!existsSync(socketPath)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`QEMU did not start (exit ${child.exitCode})`);
    await sleep(5);
  }
  return {
    socketPath,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
