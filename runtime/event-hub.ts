/**
 * Fans events out to every listener and callback, isolating their failures.
 * @module
 */
import type { QmpEvent } from "./api.js";
import type { DisconnectedError } from "./errors.js";
import { EventListener, type ListenOptions } from "./event-listener.js";
import type { QmpLogger } from "./logger.js";

/** A callback subscriber. */
export type EventCallback = (event: QmpEvent) => unknown;

interface CallbackEntry {
  names: ReadonlySet<string> | undefined;
  callback: EventCallback;
}

/** @internal Owned by the client; outlives connections. */
export class EventHub {
  private readonly listeners = new Set<EventListener<QmpEvent>>();
  private readonly callbacks = new Set<CallbackEntry>();

  constructor(private readonly logger: QmpLogger) {}

  listen<E extends { event: string }>(
    names: string | readonly string[] | undefined,
    options: ListenOptions<E>,
  ): EventListener<E> {
    const listener = new EventListener<E>(names, options, (closed) =>
      this.listeners.delete(closed as unknown as EventListener<QmpEvent>),
    );
    this.listeners.add(listener as unknown as EventListener<QmpEvent>);
    return listener;
  }

  on(names: string | readonly string[], callback: EventCallback): () => void {
    const entry: CallbackEntry = {
      names: names === "*" ? undefined : new Set(typeof names === "string" ? [names] : names),
      callback,
    };
    this.callbacks.add(entry);
    return () => this.callbacks.delete(entry);
  }

  dispatch(event: QmpEvent): void {
    const name = event.event;
    for (const listener of this.listeners) {
      if (!listener.accepts(name)) continue;
      try {
        listener.push(event);
      } catch (error) {
        this.logger.warn(`event listener filter or match threw on ${name}: ${String(error)}`);
      }
    }
    for (const entry of this.callbacks) {
      if (entry.names !== undefined && !entry.names.has(name)) continue;
      try {
        const returned: unknown = entry.callback(event);
        // An async callback's rejection is reported like a throw, never left unhandled.
        if (returned instanceof Promise) returned.catch((error: unknown) => this.report(name, error));
      } catch (error) {
        this.report(name, error);
      }
    }
  }

  private report(name: string, error: unknown): void {
    this.logger.warn(
      `event callback threw on ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }

  sessionStarted(): void {
    for (const listener of this.listeners) listener.sessionStarted();
  }

  sessionEnded(error: DisconnectedError | undefined): void {
    for (const listener of this.listeners) listener.sessionEnded(error);
  }
}
