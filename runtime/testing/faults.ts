/**
 * Per-command fault injection: hang (hold commands until released) and delay (hold them
 * for a while). Both act before the handler runs, so a held command has no effects yet.
 * @module
 */
// Every held command of a connection waits on the connection's one signal: onAbort fans one
// "abort" listener out to all of them (one listener each would trip Node's
// MaxListenersExceededWarning beyond ten).
import { onAbort } from "../abort-listeners.js";

interface Hang {
  readonly waiters: Set<() => void>;
}

/** Hangs and delays by command name, plus the timers they own (cleared on dispose). */
export class FaultTable {
  readonly #hangs = new Map<string, Hang>();
  readonly #delays = new Map<string, number>();
  readonly #timers = new Set<NodeJS.Timeout>();

  /** Holds every later invocation of `command` until the returned function (or {@link release}) is called. */
  hang(command: string): () => void {
    let hang = this.#hangs.get(command);
    if (hang === undefined) {
      hang = { waiters: new Set() };
      this.#hangs.set(command, hang);
    }
    const mine = hang;
    return () => {
      if (this.#hangs.get(command) === mine) this.#hangs.delete(command);
      for (const wake of mine.waiters) wake();
      mine.waiters.clear();
    };
  }

  /** Delays every later invocation of `command` by `ms`; the returned function undoes it. */
  delay(command: string, ms: number): () => void {
    if (!(ms >= 0)) throw new RangeError(`delay must be a non-negative number of milliseconds, got ${ms}`);
    this.#delays.set(command, ms);
    return () => {
      if (this.#delays.get(command) === ms) this.#delays.delete(command);
    };
  }

  /** Ends the hang and delay of `command` (of every command when omitted); held commands proceed. */
  release(command?: string): void {
    const names = command === undefined ? [...this.#hangs.keys(), ...this.#delays.keys()] : [command];
    for (const name of names) {
      this.#delays.delete(name);
      const hang = this.#hangs.get(name);
      this.#hangs.delete(name);
      if (hang !== undefined) for (const wake of hang.waiters) wake();
    }
  }

  /**
   * Returns a promise to await before running `command`, or `undefined` when it may run
   * now (the synchronous fast path). The promise rejects when `signal` aborts.
   */
  gate(command: string, signal: AbortSignal): Promise<void> | undefined {
    const hang = this.#hangs.get(command);
    const delay = this.#delays.get(command);
    if (hang === undefined && delay === undefined) return undefined;
    return (async () => {
      if (hang !== undefined) await this.#waitForRelease(hang, signal);
      // The delay in force after a hang is released applies, like a fresh arrival.
      const ms = hang === undefined ? delay : this.#delays.get(command);
      if (ms !== undefined) await this.#sleep(ms, signal);
    })();
  }

  /** Clears every hang, delay and pending timer; held commands are abandoned, not run. */
  dispose(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#hangs.clear();
    this.#delays.clear();
  }

  #waitForRelease(hang: Hang, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const wake = (): void => {
        forget();
        resolve();
      };
      const forget = onAbort(signal, () => {
        hang.waiters.delete(wake);
        reject(signal.reason);
      });
      hang.waiters.add(wake);
    });
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        forget();
        resolve();
      }, ms);
      this.#timers.add(timer);
      const forget = onAbort(signal, () => {
        clearTimeout(timer);
        this.#timers.delete(timer);
        reject(signal.reason);
      });
    });
  }
}
