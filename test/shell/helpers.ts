/** Shell test support: run the `qmpkit` CLI as a process, start QEMU with two monitors, start qemu-ga. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { agentArgs, QEMU, QGA, spawnQemu } from "../helpers/qemu.js";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The command that runs the CLI from source (no build needed). */
export const CLI = [process.execPath, "--import", "tsx", join(ROOT, "runtime/shell/bin.ts")];

/** Runs `qmpkit ARGS` with `input` on a piped (non-TTY) stdin. */
export function runQmpkit(
  args: readonly string[],
  input: string,
  env: NodeJS.ProcessEnv = {},
  onStdout?: (stdout: string, endInput: () => void) => void,
  /** Keep stdin open after `input` until `onStdout` calls `endInput`. */
  holdInput = false,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI[0] as string, [...CLI.slice(1), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => {
      stdout += t;
      onStdout?.(stdout, () => child.stdin.end());
    });
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    if (holdInput) child.stdin.write(input);
    else child.stdin.end(input);
  });
}

async function waitForFiles(paths: readonly string[], child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 500 && !paths.every((p) => existsSync(p)); i++) {
    if (child.exitCode !== null) break;
    await sleep(10);
  }
  if (!paths.every((p) => existsSync(p))) {
    child.kill("SIGKILL");
    throw new Error(`${what} did not create its sockets`);
  }
}

/** A QEMU with no guest and two QMP monitors (QEMU serves one client per monitor socket). */
export async function qemuWithTwoMonitors(
  dir: string,
  extra: readonly string[] = [],
): Promise<{ child: ChildProcess; a: string; b: string }> {
  const a = join(dir, "a.sock");
  const b = join(dir, "b.sock");
  const child = spawnQemu([...extra, "-qmp", `unix:${a},server=on,wait=off`, "-qmp", `unix:${b},server=on,wait=off`]);
  await waitForFiles([a, b], child, QEMU);
  return { child, a, b };
}

/** qemu-ga listening on a unix socket in `dir`, destructive commands blocked. */
export async function startAgent(dir: string): Promise<{ child: ChildProcess; socket: string }> {
  const { socket, args } = agentArgs(dir);
  const child = spawn(QGA, args, { stdio: "ignore" });
  await waitForFiles([socket], child, QGA);
  return { child, socket };
}

/** Kills a child and waits for its exit. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(timer);
}

/** Sends `command` over a second monitor (a raw client: the shell holds the first). */
export async function executeOnSecondMonitor(socket: string, command: string): Promise<void> {
  const { QmpClient } = await import("../../runtime/index.js");
  const qmp = new QmpClient();
  await qmp.connect(socket, { timeout: 5000 });
  try {
    await qmp.execute(command);
  } finally {
    await qmp.disconnect();
  }
}
