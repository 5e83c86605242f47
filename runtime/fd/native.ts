/**
 * Lazy loading of qmpkit's native addon (sources in `native/fd-passing/`) behind a narrow typed
 * interface. The package ships it prebuilt (`prebuilds/<platform>-<arch>/`); a source build
 * (`native/fd-passing/build/Release/`, made by `npm run build:native`) takes precedence, so a
 * platform without a prebuilt binary, or one where it does not load, can build its own. Nothing
 * here runs at import time.
 * @module
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { StateError } from "../errors.js";

/** The addon's file name, in `prebuilds/<platform>-<arch>/` and in the source build's `build/Release/`. */
export const ADDON_FILE = "qmpkit_fd_passing.node";

/** Environment variable that turns fd passing off when set to `0`, `off` or `false`. */
export const DISABLE_ENV = "QMPKIT_FD_PASSING";

/** libuv poll event bits, as the native poller reports them. */
export const POLL_READABLE = 1;
/** @see POLL_READABLE */
export const POLL_WRITABLE = 2;
/** @see POLL_READABLE */
export const POLL_DISCONNECT = 4;

/** A libuv poll handle on one fd; calls back `(status, events)` on the main thread. */
export interface FdPoller {
  /** Watch for these {@link POLL_READABLE}-style bits; 0 stops watching. */
  start(events: number): void;
  /** Stop and release the handle. The fd stays open. Idempotent. */
  close(): void;
  /** Whether the handle keeps the event loop alive. */
  ref(on: boolean): void;
}

/** The addon's functions. Errors are thrown as Node-style system errors (`code`, `errno`, `syscall`). */
export interface FdNative {
  /** A connected non-blocking unix stream socket. A leading `"\0"` means an abstract address. */
  connect(path: string): number;
  /** A bound, listening non-blocking unix stream socket. */
  listen(path: string, backlog: number): number;
  /** A pending connection's fd, or -1 when none is pending. */
  accept(fd: number): number;
  /** Bytes sent, or -1 when the socket buffer is full. `fds` go with the first byte sent. */
  send(fd: number, data: Uint8Array, fds: readonly number[] | null): number;
  /**
   * Bytes read into `buffer` (0 at end of stream), or -1 when nothing is pending. When fds
   * arrived, `out` receives `[at, ...fds]`: they came with `buffer[at]`. Exact with `exact`
   * (slower only while fds are pending); otherwise `at` is 0.
   */
  recv(fd: number, buffer: Uint8Array, exact: boolean, out: number[]): number;
  /** Shut down the write side. */
  shutdown(fd: number): void;
  /** Close an fd. */
  close(fd: number): void;
  /** The poll handle class. */
  Poller: new (fd: number, callback: (status: number, events: number) => void) => FdPoller;
}

type Loaded = { ok: true; native: FdNative } | { ok: false; error: StateError };

/** qmpkit's package root: the nearest directory above this module with a package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * Where the addon may be, in the order tried: a source build wins over the shipped binary.
 * @internal
 */
export function addonCandidates(root = packageRoot()): string[] {
  return [
    join(root, "native", "fd-passing", "build", "Release", ADDON_FILE),
    join(root, "prebuilds", `${process.platform}-${process.arch}`, ADDON_FILE),
  ];
}

/**
 * Loads the first of `files` that exists and loads, so a broken source build falls back to the
 * shipped binary. Throws the first load error, or a `MODULE_NOT_FOUND` error when none exists.
 * @internal
 */
export function loadAddonFrom(files: readonly string[]): unknown {
  const require = createRequire(import.meta.url);
  let failure: unknown;
  for (const file of files) {
    if (!existsSync(file)) continue;
    try {
      return require(file);
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
  throw Object.assign(new Error(`no ${ADDON_FILE} at ${files.join(" or ")}`), { code: "MODULE_NOT_FOUND" });
}

const defaultLoader = (): unknown => loadAddonFrom(addonCandidates());

let loader: () => unknown = defaultLoader;
let loaded: Loaded | undefined;

const FUNCTIONS = ["connect", "listen", "accept", "send", "recv", "shutdown", "close", "Poller"] as const;

function isFdNative(value: unknown): value is FdNative {
  if (typeof value !== "object" || value === null) return false;
  return FUNCTIONS.every((name) => typeof (value as Record<string, unknown>)[name] === "function");
}

function unavailable(reason: string, cause?: unknown): StateError {
  // Building helps only on Linux; elsewhere SCM_RIGHTS passing to QEMU is not supported at all.
  const remedy =
    process.platform === "linux"
      ? ` qmpkit ships it prebuilt for linux-x64; elsewhere, or when the prebuilt binary does not ` +
        `load, build it from source: \`npm explore qmpkit -- npm run build:native\` (in a clone of ` +
        `qmpkit: \`npm run build:native\`; needs python3, make and a C compiler).`
      : "";
  const message =
    `File-descriptor passing is not available: ${reason}. It needs qmpkit's native addon (Linux ` +
    `only).${remedy} The rest of qmpkit works without it.`;
  return cause === undefined ? new StateError(message) : new StateError(message, { cause });
}

function load(): Loaded {
  const setting = process.env[DISABLE_ENV]?.toLowerCase();
  if (setting === "0" || setting === "off" || setting === "false") {
    return { ok: false, error: unavailable(`it is turned off by ${DISABLE_ENV}=${setting}`) };
  }
  if (process.platform !== "linux") {
    return { ok: false, error: unavailable(`the platform is ${process.platform}`) };
  }
  let module: unknown;
  try {
    module = loader();
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    const why =
      code === "MODULE_NOT_FOUND"
        ? `there is no addon built for ${process.platform}-${process.arch}`
        : `the addon failed to load (${err instanceof Error ? err.message : String(err)})`;
    return { ok: false, error: unavailable(why, err) };
  }
  if (!isFdNative(module)) {
    return { ok: false, error: unavailable("the addon does not have the expected exports") };
  }
  return { ok: true, native: module };
}

/**
 * The native part, loaded on first use and cached.
 * @throws {StateError} when it is missing, failed to build, or is turned off; the message says how to enable it.
 */
export function loadFdNative(): FdNative {
  loaded ??= load();
  if (!loaded.ok) throw loaded.error;
  return loaded.native;
}

/** Whether fd passing works here, without throwing. Loads the native part on first call. */
export function fdPassingAvailable(): boolean {
  loaded ??= load();
  return loaded.ok;
}

/**
 * Throws the {@link StateError} that says why fd passing is unavailable and how to enable it;
 * returns normally when it is available.
 */
export function assertFdPassingAvailable(): void {
  loadFdNative();
}

/**
 * For tests: replace how the native module is obtained (`undefined` restores the default)
 * and forget the cached result.
 * @internal
 */
export function setFdNativeLoaderForTesting(replacement?: () => unknown): void {
  loader = replacement ?? defaultLoader;
  loaded = undefined;
}
