/**
 * @internal The client's side of opt-in reconnection: which target to come back to, the
 * episode under way, the `onReconnect` callbacks, and what each outcome does to the client.
 * @module
 */
import type { ExecuteOptions } from "./api.js";
import type { ConnectOptions, QmpState, ResolvedClientOptions } from "./client-options.js";
import { DisconnectedError } from "./errors.js";
import type { EventHub } from "./event-hub.js";
import { DEFAULT_ATTEMPT_TIMEOUT, Reconnection, notifyReconnected, type ReconnectInfo } from "./reconnect.js";
import { openTransport, type ConnectTarget, type OpenTransport } from "./transport.js";

/** @internal What reconnecting needs from the client (its private methods). */
export interface ReconnectingClient {
  /** Opens, greets and negotiates a new session (the client's `openSession`). */
  openSession(open: (signal: AbortSignal) => Promise<OpenTransport>, options: ConnectOptions): Promise<void>;
  /** The client's one place for state changes. */
  setState(state: QmpState, error?: Error): void;
  /** Closes and forgets the current session, if any. */
  dropSession(): void;
}

/** @internal Reconnect state of one client; inert when the `reconnect` option is off. */
export class ClientReconnect {
  // The last connect() target (never a Duplex or accept()), and the episode under way.
  private target: { target: ConnectTarget; timeout: number | undefined } | undefined;
  private episode: Reconnection | undefined;
  private readonly callbacks = new Set<(info: ReconnectInfo) => unknown>();

  constructor(
    private readonly options: ResolvedClientOptions,
    private readonly events: EventHub,
    private readonly client: ReconnectingClient,
  ) {}

  /** True while an episode is under way. */
  get active(): boolean {
    return this.episode?.active ?? false;
  }

  /** Called by an idle `connect()`: remembers `target` unless reconnecting is off or it is a stream. */
  remember(target: ConnectTarget, timeout: number | undefined): void {
    const reconnectable = this.options.reconnect !== undefined && typeof (target as { pipe?: unknown }).pipe !== "function";
    this.target = reconnectable ? { target, timeout } : undefined;
  }

  /** Called by an idle `accept()`: a QEMU that connected to us cannot be connected to again. */
  forget(): void {
    this.target = undefined;
  }

  /** Adds an `onReconnect` callback; returns its unsubscribe function. */
  subscribe(callback: (info: ReconnectInfo) => unknown): () => void {
    this.callbacks.add(callback);
    return () => this.callbacks.delete(callback);
  }

  /** True when a connection lost now should be reconnected. */
  get armed(): boolean {
    return this.target !== undefined && this.options.reconnect !== undefined && this.options.reconnect.retries > 0;
  }

  /**
   * While an episode is under way: `send` once the new connection is up (see
   * {@link Reconnection.sendWhenBack}). Undefined when not reconnecting.
   */
  whenBack(
    command: string,
    options: ExecuteOptions | undefined,
    send: (options: ExecuteOptions) => Promise<unknown>,
  ): Promise<unknown> | undefined {
    return this.episode?.active ? this.episode.sendWhenBack(command, options, send) : undefined;
  }

  /** Stops the episode under way (user `disconnect()`). */
  stop(): Promise<void> {
    return this.episode?.stop() ?? Promise.resolve();
  }

  /** Starts an episode after `lost` (only when {@link armed}); the client is already `"connecting"`. */
  start(lost: Error): void {
    const { target, timeout } = this.target as NonNullable<ClientReconnect["target"]>;
    const { logger, name, fdPassing } = this.options;
    const client = this.client;
    this.episode = new Reconnection(
      this.options.reconnect as NonNullable<ResolvedClientOptions["reconnect"]>,
      {
        attempt: (signal) =>
          client.openSession((s) => openTransport(target, s, fdPassing), { signal, timeout: timeout ?? DEFAULT_ATTEMPT_TIMEOUT }),
        succeeded: (attempts) => {
          this.events.sessionStarted();
          client.setState("running");
          notifyReconnected(this.callbacks, { attempts, error: lost }, logger);
        },
        gaveUp: (error, attempts) => {
          logger.debug(`${name}: reconnecting gave up after ${attempts} attempts`);
          this.events.sessionEnded(
            new DisconnectedError(`connection lost; reconnecting gave up: ${error.message}`, { cause: error }),
          );
          client.setState("idle", error);
        },
        stopped: () => {
          client.dropSession();
          this.events.sessionEnded(undefined);
          client.setState("idle");
        },
      },
      lost,
    );
  }
}
