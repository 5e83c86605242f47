/**
 * Opt-in reconnection: after a running connection is lost, retry the same `connect()`
 * target with exponential backoff; commands issued meanwhile wait for the new connection.
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ExecuteOptions } from "./api.js";
import { DisconnectedError } from "./errors.js";
import type { QmpLogger } from "./logger.js";

/** What {@link QmpClient.onReconnect} callbacks learn. */
export interface ReconnectInfo {
  /** Attempts it took (1 = the first attempt succeeded). */
  attempts: number;
  /** Why the previous connection ended. */
  error: Error;
}

/** @internal Bound on one attempt (transport, greeting, negotiation) when `connect()` had no timeout. */
export const DEFAULT_ATTEMPT_TIMEOUT = 10_000;

/** @internal Calls the `onReconnect` callbacks; a throw or rejection is reported, never propagated. */
export function notifyReconnected(
  callbacks: Iterable<(info: ReconnectInfo) => unknown>,
  info: ReconnectInfo,
  logger: QmpLogger,
): void {
  const report = (error: unknown) =>
    logger.warn(`reconnect callback threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  for (const callback of callbacks) {
    try {
      const returned: unknown = callback(info);
      if (returned instanceof Promise) returned.catch(report);
    } catch (error) {
      report(error);
    }
  }
}

/** Settings of {@link QmpClientOptions.reconnect}. */
export interface ReconnectOptions {
  /** Reconnection attempts before giving up (default `Infinity`). */
  retries?: number | undefined;
  /** Milliseconds before the first attempt (default 100, or `maxDelay` if that is lower); doubles after each failed attempt. */
  delay?: number | undefined;
  /** Longest wait between attempts, in milliseconds (default 5,000). */
  maxDelay?: number | undefined;
}

/** @internal Reconnect settings with defaults filled in. */
export interface ResolvedReconnect {
  retries: number;
  delay: number;
  maxDelay: number;
}

/** @internal Validates and completes {@link ReconnectOptions}; undefined when reconnecting is off. */
export function resolveReconnect(options: ReconnectOptions | undefined): ResolvedReconnect | undefined {
  if (options === undefined) return undefined;
  const retries = options.retries ?? Infinity;
  // Only a maxDelay below the default first wait: the first wait is maxDelay, not a RangeError.
  const delay = options.delay ?? Math.min(100, options.maxDelay ?? 100);
  const maxDelay = options.maxDelay ?? Math.max(5000, delay);
  if (!(retries === Infinity || (Number.isInteger(retries) && retries >= 0))) {
    throw new RangeError(`reconnect.retries must be a non-negative integer or Infinity, got ${retries}`);
  }
  if (!(Number.isFinite(delay) && delay >= 0)) throw new RangeError(`reconnect.delay must be a finite number >= 0, got ${delay}`);
  if (!(Number.isFinite(maxDelay) && maxDelay >= delay)) {
    throw new RangeError(`reconnect.maxDelay must be a finite number >= delay (${delay}), got ${maxDelay}`);
  }
  return { retries, delay, maxDelay };
}

/**
 * The wait before attempt `attempt` (0-based): `delay * 2^attempt`, capped at `maxDelay`,
 * minus up to 25 % random jitter so that many clients do not retry in lockstep.
 */
export function backoffDelay(config: ResolvedReconnect, attempt: number, random: number = Math.random()): number {
  const capped = Math.min(config.maxDelay, config.delay * 2 ** Math.min(attempt, 52));
  return Math.round(capped * (1 - 0.25 * random));
}

/** What the reconnect loop needs from the client. */
export interface ReconnectHost {
  /** Opens, greets and negotiates a new connection; rejects when that fails or `signal` aborts. */
  attempt(signal: AbortSignal): Promise<void>;
  /** The new connection is up (called before waiting commands are released). */
  succeeded(attempts: number): void;
  /** Retries are spent; `error` is the last attempt's. */
  gaveUp(error: Error, attempts: number): void;
  /** The user stopped reconnecting (`disconnect()`). */
  stopped(): void;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** @internal One reconnection episode: the backoff loop and the commands waiting for it. */
export class Reconnection {
  private readonly abort = new AbortController();
  private readonly waiters = new Set<Waiter>();
  private settled = false;
  /** Resolves when the loop has ended (success, give-up or stop), with no timer left. */
  readonly done: Promise<void>;

  constructor(
    private readonly config: ResolvedReconnect,
    private readonly host: ReconnectHost,
    lost: Error,
  ) {
    this.done = this.run(lost);
  }

  /** True while reconnecting. */
  get active(): boolean {
    return !this.settled;
  }

  /**
   * Resolves once the new connection is running; rejects with {@link DisconnectedError} when
   * reconnecting gives up or is stopped, with `signal.reason` on abort, or a `TimeoutError`.
   */
  waitForConnection(command: string, signal: AbortSignal | undefined, timeout: number | undefined): Promise<void> {
    if (this.settled) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => finish(() => reject(signal?.reason));
      const finish = (then: () => void) => {
        if (!this.waiters.delete(waiter)) return;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        then();
      };
      const waiter: Waiter = {
        resolve: () => finish(resolve),
        reject: (error) => finish(() => reject(error)),
      };
      this.waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeout !== undefined) {
        timer = setTimeout(
          () =>
            finish(() =>
              reject(new DOMException(`${command} timed out after ${timeout} ms (waiting to reconnect)`, "TimeoutError")),
            ),
          timeout,
        );
      }
    });
  }

  /**
   * Runs `send` once the new connection is up, with what is left of the command's timeout;
   * rejects like {@link waitForConnection} if it never comes.
   */
  async sendWhenBack(
    command: string,
    options: ExecuteOptions | undefined,
    send: (options: ExecuteOptions) => Promise<unknown>,
  ): Promise<unknown> {
    const started = Date.now();
    const timeout = options?.timeout;
    await this.waitForConnection(command, options?.signal, timeout);
    const remaining = timeout === undefined ? undefined : Math.max(0, timeout - (Date.now() - started));
    return send({ ...options, timeout: remaining });
  }

  /** Stops at once (user `disconnect()`): cancels the wait or the attempt under way. Resolves when the loop has ended. */
  stop(): Promise<void> {
    this.abort.abort(new DisconnectedError("disconnect() called while reconnecting"));
    return this.done;
  }

  private async run(lost: Error): Promise<void> {
    const signal = this.abort.signal;
    let lastError = lost;
    let attempts = 0;
    while (attempts < this.config.retries && !signal.aborted) {
      try {
        await sleep(backoffDelay(this.config, attempts), undefined, { signal });
      } catch {
        break; // stopped during the wait; the timer is gone with it
      }
      attempts++;
      try {
        await this.host.attempt(signal);
      } catch (error) {
        if (signal.aborted) break;
        lastError = error instanceof Error ? error : new Error(String(error));
        continue;
      }
      if (signal.aborted) break; // stopped just as the attempt succeeded: stopped() closes it
      this.settled = true;
      this.host.succeeded(attempts);
      for (const waiter of [...this.waiters]) waiter.resolve();
      return;
    }
    this.settled = true;
    let error: DisconnectedError;
    if (signal.aborted) {
      error = signal.reason as DisconnectedError;
      this.host.stopped();
    } else {
      error = new DisconnectedError(`reconnecting gave up after ${attempts} attempts: ${lastError.message}`, {
        cause: lastError,
      });
      this.host.gaveUp(lastError, attempts);
    }
    for (const waiter of [...this.waiters]) waiter.reject(error);
  }
}
