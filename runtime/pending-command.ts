/**
 * A command awaiting its reply: its message, its promise, and the timer and abort listener
 * that may give up on it. A class with every field set in the constructor, so each command
 * costs one object of a stable shape (this is the hot path of every round trip).
 * @module
 */
import { onAbort } from "./abort-listeners.js";
import type { ExecuteOptions } from "./api.js";

/** Command ids the client sends: numbers it picks, or the caller's strings and numbers. */
export type CommandId = number | string;

const unset = (): void => {};

/** @internal */
export class PendingCommand {
  readonly inBand: boolean;
  written = false;
  readonly promise: Promise<unknown>;
  private resolveFn: (value: unknown) => void = unset;
  private rejectFn: (error: unknown) => void = unset;
  private timer: NodeJS.Timeout | undefined = undefined;
  private forgetAbort: (() => void) | undefined = undefined;

  constructor(
    readonly id: CommandId,
    readonly command: string,
    readonly args: unknown,
    readonly message: Record<string, unknown>,
    /** The serialised message, ready to write. */
    readonly text: string,
    /** Fds to attach to the message's first bytes. */
    readonly fds: readonly number[] | undefined,
  ) {
    this.inBand = message["exec-oob"] === undefined;
    this.promise = new Promise<unknown>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
  }

  /** Calls `giveUp` (once) when `options.timeout` ms pass or `options.signal` aborts, with the reason to reject with. */
  arm(options: Pick<ExecuteOptions, "signal" | "timeout">, giveUp: (entry: PendingCommand, reason: unknown) => void): void {
    const { signal, timeout } = options;
    // Many commands may share one signal: one listener on it fans out to them all.
    if (signal !== undefined) this.forgetAbort = onAbort(signal, () => giveUp(this, signal.reason));
    if (timeout !== undefined) {
      this.timer = setTimeout(
        () => giveUp(this, new DOMException(`${this.command} timed out after ${timeout} ms`, "TimeoutError")),
        timeout,
      );
    }
  }

  /** Resolves the promise, disarming the timer and abort listener. */
  resolve(value: unknown): void {
    this.disarm();
    this.resolveFn(value);
  }

  /** Rejects the promise, disarming the timer and abort listener. */
  reject(error: unknown): void {
    this.disarm();
    this.rejectFn(error);
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.forgetAbort?.();
  }
}
