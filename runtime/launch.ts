/**
 * Starting QEMU (qemu-system-* or qemu-storage-daemon) with a private QMP socket.
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { QmpApi, UntypedApi } from "./api.js";
import { QmpClient } from "./client.js";
import type { QmpClientOptions } from "./client-options.js";
import { ConnectError } from "./errors.js";

/** Options for {@link launchQemu}. */
export interface LaunchOptions {
  /** Executable (default `qemu-system-x86_64`); a name containing `storage-daemon` is started as qemu-storage-daemon. */
  binary?: string | undefined;
  /**
   * Arguments before the QMP socket options. Default for qemu-system-*: `-machine none
   * -nodefaults -display none` (no guest); for qemu-storage-daemon: none.
   */
  args?: readonly string[] | undefined;
  /** Aborts the start (the process is killed and the temp dir removed). */
  signal?: AbortSignal | undefined;
  /** Milliseconds for start + connect + negotiation (default 10,000). */
  timeout?: number | undefined;
  /** Options for the client. */
  client?: QmpClientOptions | undefined;
}

/** A running QEMU with a connected, negotiated client. Dispose it to stop QEMU. */
export interface LaunchedQemu<Api extends QmpApi = UntypedApi> extends AsyncDisposable {
  qmp: QmpClient<Api>;
  process: ChildProcess;
  pid: number;
  /** The private temp directory holding the socket; removed on shutdown. */
  dir: string;
  /** The QMP socket path. */
  socketPath: string;
  /** Everything QEMU wrote to stderr so far (capped at 64 KiB). */
  readonly stderr: string;
  /**
   * Stops QEMU: `quit` over QMP, then SIGTERM, then SIGKILL, each after `graceMs`
   * (default 3,000); then removes the temp dir. Resolves with the exit code or signal.
   */
  shutdown(graceMs?: number): Promise<number | NodeJS.Signals | null>;
}

const STDERR_LIMIT = 64 * 1024;

function qmpArgs(binary: string, socketPath: string): string[] {
  if (basename(binary).includes("storage-daemon")) {
    return ["--chardev", `socket,id=qmpkit0,path=${socketPath},server=on,wait=off`, "--monitor", "chardev=qmpkit0"];
  }
  return ["-qmp", `unix:${socketPath},server=on,wait=off`];
}

function defaultArgs(binary: string): string[] {
  return basename(binary).includes("storage-daemon") ? [] : ["-machine", "none", "-nodefaults", "-display", "none"];
}

function exited(child: ChildProcess): Promise<number | NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));
}

/**
 * Spawns QEMU with a QMP socket in a fresh temp dir, connects and negotiates. On failure
 * the process is killed, the dir removed, and a {@link ConnectError} carries QEMU's stderr.
 *
 * @example
 * ```ts
 * await using vm = await launchQemu({ args: ["-machine", "q35", "-S", "-display", "none"] });
 * console.log(await vm.qmp.execute("query-status"));
 * ```
 */
export async function launchQemu<Api extends QmpApi = UntypedApi>(options: LaunchOptions = {}): Promise<LaunchedQemu<Api>> {
  const binary = options.binary ?? "qemu-system-x86_64";
  const dir = await mkdtemp(join(tmpdir(), "qmpkit-"));
  const socketPath = join(dir, "qmp.sock");
  const child = spawn(binary, [...(options.args ?? defaultArgs(binary)), ...qmpArgs(binary, socketPath)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += text.slice(0, STDERR_LIMIT - stderr.length);
  });
  // A spawn failure (ENOENT for a missing binary) is final, unlike ENOENT from the socket.
  const spawnError = new Promise<{ spawnFailed: Error }>((resolve) =>
    child.once("error", (error) => resolve({ spawnFailed: error })),
  );
  const exit = exited(child);
  const qmp = new QmpClient<Api>(options.client);
  const timeout = options.timeout ?? 10_000;
  const controller = new AbortController();
  const signal = controller.signal;
  const timer = setTimeout(
    () => controller.abort(new DOMException(`${binary} not ready within ${timeout} ms`, "TimeoutError")),
    timeout,
  );
  const onUserAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onUserAbort();
  options.signal?.addEventListener("abort", onUserAbort, { once: true });

  const cleanup = async () => {
    await qmp.disconnect();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await Promise.race([exit, spawnError]);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    // QEMU creates the socket during startup; retry until it accepts, dies, or time runs out.
    for (;;) {
      signal.throwIfAborted();
      const outcome = await Promise.race([
        qmp.connect(socketPath, { signal }).then(
          () => "connected" as const,
          (error: unknown) => error,
        ),
        exit.then((code) => new Error(`${binary} exited (${String(code)}) before QMP was ready`)),
        spawnError,
      ]);
      if (outcome === "connected") break;
      if (typeof outcome === "object" && outcome !== null && "spawnFailed" in outcome) throw outcome.spawnFailed;
      const cause = outcome instanceof ConnectError ? outcome.cause : outcome;
      const code = (cause as NodeJS.ErrnoException | undefined)?.code;
      if (code !== "ENOENT" && code !== "ECONNREFUSED") throw outcome;
      await sleep(10, undefined, { signal });
    }
  } catch (error) {
    await cleanup();
    const reason = error instanceof ConnectError && error.cause !== undefined ? error.cause : error;
    const detail = stderr.trim() ? `: ${stderr.trim()}` : "";
    throw new ConnectError(`failed to start ${binary}: ${reason instanceof Error ? reason.message : String(reason)}${detail}`, {
      cause: reason,
    });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onUserAbort);
  }

  const shutdown = async (graceMs = 3000): Promise<number | NodeJS.Signals | null> => {
    const within = async (ms: number) => {
      const timer = new AbortController();
      try {
        return await Promise.race([exit.then(() => true), sleep(ms, false, { signal: timer.signal })]);
      } finally {
        timer.abort(); // do not keep the process alive for the rest of the grace period
      }
    };
    if (child.exitCode === null && child.signalCode === null) {
      // The API may be typed without "quit"; every QEMU has it.
      const untyped = qmp as unknown as QmpClient;
      if (qmp.state === "running") await untyped.execute("quit", undefined, { timeout: graceMs }).catch(() => {});
      if (!(await within(graceMs))) {
        child.kill("SIGTERM");
        if (!(await within(graceMs))) child.kill("SIGKILL");
      }
    }
    await qmp.disconnect();
    const result = await exit;
    await rm(dir, { recursive: true, force: true });
    return result;
  };

  return {
    qmp,
    process: child,
    pid: child.pid as number,
    dir,
    socketPath,
    get stderr() {
      return stderr;
    },
    shutdown,
    [Symbol.asyncDispose]: async () => {
      await shutdown();
    },
  };
}
