/**
 * @internal One connection attempt: its abort and timeout wiring, then the greeting and the
 * capabilities negotiation on the fresh session.
 * @module
 */
import type { ConnectOptions, ResolvedClientOptions } from "./client-options.js";
import type { QmpGreeting } from "./envelopes.js";
import { ConnectError, DisconnectedError, ExecuteError } from "./errors.js";
import type { Session } from "./session.js";

/**
 * @internal One connection attempt. Aborted by the caller's `signal`, its `timeout` or
 * {@link Handshake.abort}; the client routes the new session's greeting and end here while
 * it is `"connecting"`. An abort or the end of the connection rejects the attempt at any step.
 */
export class Handshake {
  readonly #controller = new AbortController();
  readonly #greeting: Promise<QmpGreeting>;
  readonly #failed: Promise<never>;
  #greeted!: (greeting: QmpGreeting) => void;
  #fail!: (error: unknown) => void;

  constructor(private readonly options: ConnectOptions) {
    this.#greeting = new Promise<QmpGreeting>((resolve) => (this.#greeted = resolve));
    this.#failed = new Promise<never>((_, reject) => (this.#fail = reject));
    this.#failed.catch(() => {}); // raced in negotiate(); never left unobserved
  }

  /** Aborts the attempt (`disconnect()` while connecting). */
  abort(reason: unknown): void {
    this.#controller.abort(reason);
  }

  /** The session received its greeting. */
  greeting(received: QmpGreeting): void {
    this.#greeted(received);
  }

  /** The session ended before the attempt finished. */
  ended(error: Error | undefined): void {
    // Report the root cause (a bad greeting, ECONNRESET), not the wrapper.
    this.#fail(error?.cause ?? error ?? new DisconnectedError("connection closed during the handshake"));
  }

  /**
   * Runs `attempt` with the attempt's signal. On failure `cleanup` runs first; the error
   * becomes a {@link ConnectError} unless it is one already or is the caller's own abort reason.
   */
  async run(attempt: (signal: AbortSignal) => Promise<void>, cleanup: () => void): Promise<void> {
    const controller = this.#controller;
    const { signal: userSignal, timeout } = this.options;
    const onUserAbort = () => controller.abort(userSignal?.reason);
    userSignal?.addEventListener("abort", onUserAbort, { once: true });
    const onAbort = () => this.#fail(controller.signal.reason);
    controller.signal.addEventListener("abort", onAbort, { once: true });
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(() => controller.abort(new DOMException(`connect timed out after ${timeout} ms`, "TimeoutError")), timeout);
    try {
      userSignal?.throwIfAborted();
      await attempt(controller.signal);
    } catch (error) {
      cleanup();
      if (userSignal?.aborted && error === userSignal.reason) throw error;
      throw error instanceof ConnectError ? error : new ConnectError(`QMP connect failed: ${describe(error)}`, { cause: error });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      userSignal?.removeEventListener("abort", onUserAbort);
      controller.signal.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Waits for the greeting (handed to `greeted` as soon as it arrives) and negotiates, per the
   * client's options; sets `session.oob` when out-of-band was enabled. Without `awaitGreeting`
   * the capabilities offered are those of `previous`, the client's last greeting.
   */
  async negotiate(
    session: Session,
    settings: Pick<ResolvedClientOptions, "awaitGreeting" | "negotiate" | "oob">,
    previous: QmpGreeting | undefined,
    greeted: (greeting: QmpGreeting) => void,
  ): Promise<void> {
    this.#controller.signal.throwIfAborted();
    let last = previous;
    if (settings.awaitGreeting) greeted((last = await Promise.race([this.#greeting, this.#failed])));
    if (!settings.negotiate) return;
    const offered = last?.capabilities ?? [];
    const enable = settings.oob && offered.includes("oob") ? ["oob"] : [];
    const negotiation = session.send(
      enable.length > 0 ? { execute: "qmp_capabilities", arguments: { enable } } : { execute: "qmp_capabilities" },
      "qmp_capabilities",
      enable.length > 0 ? { enable } : undefined,
    );
    await Promise.race([negotiation, this.#failed]).catch((error: unknown) => {
      throw error instanceof ExecuteError
        ? new ConnectError(`capabilities negotiation failed: ${error.desc}`, { cause: error })
        : error;
    });
    session.oob = enable.length > 0;
  }
}

/** @internal An error's message, or the thrown value as text. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
