/**
 * Lazy loading of qmpkit's optional native part (`qmpkit-fd-passing`, sources in
 * `native/fd-passing/`) behind a narrow typed interface. Nothing here runs at import time.
 * @module
 */
import { createRequire } from "node:module";
import { StateError } from "../errors.js";

/** The npm name of the optional native part. */
export const NATIVE_PACKAGE = "qmpkit-fd-passing";

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

const defaultLoader = (): unknown => createRequire(import.meta.url)(NATIVE_PACKAGE);

let loader: () => unknown = defaultLoader;
let loaded: Loaded | undefined;

const FUNCTIONS = ["connect", "listen", "accept", "send", "recv", "shutdown", "close", "Poller"] as const;

function isFdNative(value: unknown): value is FdNative {
  if (typeof value !== "object" || value === null) return false;
  return FUNCTIONS.every((name) => typeof (value as Record<string, unknown>)[name] === "function");
}

function packagePresent(): boolean {
  if (loader !== defaultLoader) return false;
  try {
    createRequire(import.meta.url).resolve(`${NATIVE_PACKAGE}/package.json`);
    return true;
  } catch {
    return false;
  }
}

function unavailable(reason: string, cause?: unknown): StateError {
  const message =
    `File-descriptor passing is not available: ${reason}. It needs qmpkit's optional native ` +
    `part "${NATIVE_PACKAGE}" (Linux only), built at install time with node-gyp (python3, make ` +
    `and a C compiler). To enable it: allow its build script (npm 11 and later: ` +
    `\`npm install-scripts approve ${NATIVE_PACKAGE}\`, which adds it to "allowScripts" in ` +
    `package.json), then reinstall (\`npm install\`; \`npm rebuild ${NATIVE_PACKAGE}\` when it ` +
    `is installed but not built) and check that the build prints no error. The rest of qmpkit ` +
    `works without it.`;
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
      code !== "MODULE_NOT_FOUND"
        ? `"${NATIVE_PACKAGE}" failed to load`
        : packagePresent()
          ? `"${NATIVE_PACKAGE}" is installed but not built (its install script did not run)`
          : `"${NATIVE_PACKAGE}" is not installed (or its build failed, so npm left it out)`;
    return { ok: false, error: unavailable(why, err) };
  }
  if (!isFdNative(module)) {
    return { ok: false, error: unavailable(`"${NATIVE_PACKAGE}" does not have the expected exports`) };
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
