/**
 * A command awaiting its reply: its message, its promise, and the timer and abort listener
 * that may give up on it. Settling goes through {@link resolvePending} / {@link rejectPending}, which disarm both.
 * @module
 */

/** Command ids the client sends: numbers it picks, or the caller's strings and numbers. */
export type CommandId = number | string;

/** @internal */
export interface PendingCommand {
  readonly id: CommandId;
  readonly command: string;
  readonly args: unknown;
  readonly message: Record<string, unknown>;
  /** The serialised message, ready to write. */
  readonly text: string;
  readonly inBand: boolean;
  written: boolean;
  /** Fds to attach to the message's first bytes. */
  readonly fds: readonly number[] | undefined;
  // The promise's own functions: call them through resolvePending / rejectPending.
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout | undefined;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

const unset = (): void => {};

/**
 * Creates a pending command and its promise. `giveUp` runs (once) when `timeout` ms pass or
 * `signal` aborts, with the reason to reject with. One object per command, no closures
 * unless a timeout or signal asks for them.
 */
export function createPending(
  init: Pick<PendingCommand, "id" | "command" | "args" | "message" | "text" | "fds">,
  signal: AbortSignal | undefined,
  timeout: number | undefined,
  giveUp: (entry: PendingCommand, reason: unknown) => void,
): [PendingCommand, Promise<unknown>] {
  const entry: PendingCommand = {
    ...init,
    inBand: init.message["exec-oob"] === undefined,
    written: false,
    resolve: unset,
    reject: unset,
    timer: undefined,
    signal,
    onAbort: undefined,
  };
  const promise = new Promise<unknown>((resolve, reject) => {
    entry.resolve = resolve;
    entry.reject = reject;
  });
  if (signal !== undefined) {
    const onAbort = (): void => giveUp(entry, signal.reason);
    entry.onAbort = onAbort;
    signal.addEventListener("abort", onAbort, { once: true });
  }
  if (timeout !== undefined) {
    const reason = (): DOMException => new DOMException(`${init.command} timed out after ${timeout} ms`, "TimeoutError");
    entry.timer = setTimeout(() => giveUp(entry, reason()), timeout);
  }
  return [entry, promise];
}

/** Resolves a pending command's promise, disarming its timer and abort listener. */
export function resolvePending(entry: PendingCommand, value: unknown): void {
  disarm(entry);
  entry.resolve(value);
}

/** Rejects a pending command's promise, disarming its timer and abort listener. */
export function rejectPending(entry: PendingCommand, error: unknown): void {
  disarm(entry);
  entry.reject(error);
}

function disarm(entry: PendingCommand): void {
  if (entry.timer !== undefined) clearTimeout(entry.timer);
  if (entry.onAbort !== undefined) entry.signal?.removeEventListener("abort", entry.onAbort);
}
