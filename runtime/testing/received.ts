/**
 * The record of received messages and the waiters of `nextCommand()`.
 * @module
 */

import { onAbort } from "../abort-listeners.js";
import type { ReceivedMessage } from "./types.js";

/** Options for {@link QmpTestServer.nextCommand}. */
export interface NextCommandOptions {
  /** Reject with a `TimeoutError` DOMException after this many milliseconds. */
  timeout?: number;
  /** Reject with `signal.reason` when aborted. */
  signal?: AbortSignal;
}

interface Waiter {
  readonly name: string | undefined;
  readonly resolve: (message: ReceivedMessage) => void;
  readonly reject: (reason: unknown) => void;
}

/** Everything received, plus a queue-like cursor for commands. */
export class ReceivedLog {
  /** All messages in arrival order. */
  readonly entries: ReceivedMessage[] = [];
  // Commands not yet handed out by next(): each one is handed out once, so tests never race.
  #unclaimed: ReceivedMessage[] = [];
  readonly #waiters = new Set<Waiter>();

  /** Records a message and hands it to the first waiter that wants it. */
  add(message: ReceivedMessage): void {
    this.entries.push(message);
    if (message.command === undefined) return;
    for (const waiter of this.#waiters) {
      if (waiter.name === undefined || waiter.name === message.command) {
        waiter.resolve(message);
        return;
      }
    }
    this.#unclaimed.push(message);
  }

  /**
   * Resolves with the earliest received command (named `name`, if given) that no earlier
   * call returned, waiting for one if needed.
   */
  next(name?: string, options: NextCommandOptions = {}): Promise<ReceivedMessage> {
    const index = this.#unclaimed.findIndex((m) => name === undefined || m.command === name);
    const found = this.#unclaimed[index];
    if (found !== undefined) {
      this.#unclaimed.splice(index, 1);
      return Promise.resolve(found);
    }
    const signal = options.signal;
    return new Promise<ReceivedMessage>((resolve, reject) => {
      if (signal?.aborted === true) return reject(signal.reason);
      // A plain timer (not AbortSignal.timeout) so that nothing is left behind once settled.
      const timer =
        options.timeout === undefined
          ? undefined
          : setTimeout(
              () => waiter.reject(new DOMException(`no ${name ?? "command"} within ${options.timeout} ms`, "TimeoutError")),
              options.timeout,
            );
      let forgetAbort: (() => void) | undefined;
      const settle = (): void => {
        this.#waiters.delete(waiter);
        forgetAbort?.();
        clearTimeout(timer);
      };
      const waiter: Waiter = {
        name,
        resolve: (m) => (settle(), resolve(m)),
        reject: (reason) => (settle(), reject(reason)),
      };
      this.#waiters.add(waiter);
      // Many waits may share one signal: one listener on it for all of them.
      if (signal !== undefined) forgetAbort = onAbort(signal, () => waiter.reject(signal.reason));
    });
  }

  /** Forgets everything received (waiters keep waiting). */
  clear(): void {
    this.entries.length = 0;
    this.#unclaimed = [];
  }

  /** Rejects every waiter, e.g. when the server closes. */
  rejectAll(reason: unknown): void {
    for (const waiter of [...this.#waiters]) waiter.reject(reason);
  }
}
