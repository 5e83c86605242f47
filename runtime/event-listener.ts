/**
 * A buffered, independent view of the event stream. Every listener sees every event it
 * accepts; reading from one never takes an event from another.
 * @module
 */
import { onAbort } from "./abort-listeners.js";
import { DisconnectedError, StateError } from "./errors.js";

/** What happens when a listener's buffer is full. */
export type OverflowPolicy = "error" | "drop-oldest";

/** Options for {@link QmpClient.listen}. */
export interface ListenOptions<E> {
  /** Pre-filter: only events for which this returns true are buffered. */
  filter?: ((event: E) => boolean) | undefined;
  /** Maximum buffered events (default 10,000). */
  buffer?: number | undefined;
  /**
   * `"error"` (default): once full, the listener stops buffering and its next read throws a
   * {@link StateError}; `"drop-oldest"`: the oldest buffered event is discarded (counted in
   * {@link EventListener.dropped}).
   */
  overflow?: OverflowPolicy | undefined;
}

/** Options for {@link EventListener.wait}. */
export interface WaitOptions {
  signal?: AbortSignal | undefined;
  /** Milliseconds; rejects with a `TimeoutError` DOMException. */
  timeout?: number | undefined;
}

/** `T` with every object member optional, recursively (arrays are matched whole), as {@link EventMatch} takes it. */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** A predicate, or a partial object that an event must match deeply (`{ data: { status: "concluded" } }`). */
export type EventMatch<E> = ((event: E) => boolean) | (E extends unknown ? DeepPartial<E> : never);

/** Deep partial match: every key of `pattern` must equal (recursively) the same key of `value`. */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (pattern === value) return true;
  if (typeof pattern !== "object" || pattern === null || typeof value !== "object" || value === null) return false;
  if (Array.isArray(pattern)) {
    return Array.isArray(value) && pattern.length === value.length && pattern.every((p, i) => matchesPattern(value[i], p));
  }
  for (const key of Object.keys(pattern)) {
    if (!matchesPattern((value as Record<string, unknown>)[key], (pattern as Record<string, unknown>)[key])) return false;
  }
  return true;
}

interface PendingRead<E> {
  match: ((event: E) => boolean) | undefined;
  /** A `wait()` (rejects when the session ends) rather than an iteration step (ends quietly after a user disconnect). */
  forWait: boolean;
  resolve(event: E | undefined): void;
  reject(error: unknown): void;
}

/** The hub-facing side of a listener (what the client calls). @internal */
export interface ListenerSink<E> {
  accepts(name: string): boolean;
  push(event: E): void;
  sessionEnded(error: DisconnectedError | undefined): void;
  sessionStarted(): void;
}

/**
 * Created by {@link QmpClient.listen}. Buffers from the moment it exists, so "listen, then
 * execute, then wait" never misses an event. Read it with `for await`, {@link wait}, or
 * {@link clear}; dispose with {@link close} or `using`.
 *
 * When the connection ends, buffered events stay readable; after them, iteration ends (the
 * user disconnected) or throws {@link DisconnectedError} (the connection was lost), and
 * `wait()` rejects. After a new `connect()` the listener receives that session's events.
 * One read at a time: a second concurrent `wait()`/`next()` is a {@link StateError}.
 */
export class EventListener<E extends { event: string }> implements AsyncIterable<E>, ListenerSink<E>, Disposable {
  private queue: E[] = [];
  private head = 0;
  private reader: PendingRead<E> | undefined;
  private ended: { error: DisconnectedError | undefined } | undefined;
  private failure: StateError | undefined;
  private isClosed = false;
  private readonly names: ReadonlySet<string> | undefined;
  private readonly filter: ((event: E) => boolean) | undefined;
  private readonly capacity: number;
  private readonly overflow: OverflowPolicy;
  /** Events discarded by the `drop-oldest` policy. */
  dropped = 0;

  /** @internal Use {@link QmpClient.listen}. */
  constructor(
    names: string | readonly string[] | undefined,
    options: ListenOptions<E>,
    private readonly detach: (listener: EventListener<E>) => void,
  ) {
    this.names = names === undefined || names === "*" ? undefined : new Set(typeof names === "string" ? [names] : names);
    this.filter = options.filter;
    this.capacity = options.buffer ?? 10_000;
    this.overflow = options.overflow ?? "error";
    if (!(this.capacity >= 1)) throw new RangeError("buffer must be at least 1");
    if (this.overflow !== "error" && this.overflow !== "drop-oldest") {
      throw new RangeError(`overflow must be "error" or "drop-oldest", got ${JSON.stringify(this.overflow)}`);
    }
  }

  /** Number of buffered events. */
  get size(): number {
    return this.queue.length - this.head;
  }

  /** True after {@link close}. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** @internal */
  accepts(name: string): boolean {
    return !this.isClosed && (this.names === undefined || this.names.has(name));
  }

  /** @internal Offers an event; the pre-filter runs here. */
  push(event: E): void {
    if (this.failure !== undefined || (this.filter !== undefined && !this.filter(event))) return;
    const reader = this.reader;
    if (reader !== undefined && this.size === 0) {
      // Nothing buffered ahead of it: hand over directly, or discard a non-match for this reader.
      if (reader.match === undefined || reader.match(event)) {
        this.reader = undefined;
        reader.resolve(event);
      }
      return;
    }
    if (this.size >= this.capacity) {
      if (this.overflow === "drop-oldest") {
        this.head++;
        this.dropped++;
      } else {
        this.failure = new StateError(
          `event listener overflowed its buffer of ${this.capacity} events; read faster, raise "buffer", or use overflow: "drop-oldest"`,
        );
        this.queue = [];
        this.head = 0;
        return;
      }
    }
    this.queue.push(event);
    this.compact();
  }

  /** @internal The connection ended; `error` is undefined when the user disconnected. */
  sessionEnded(error: DisconnectedError | undefined): void {
    this.ended = { error };
    const reader = this.reader;
    if (reader === undefined) return;
    this.reader = undefined;
    if (error === undefined && !reader.forWait)
      reader.resolve(undefined); // iteration ends
    else reader.reject(error ?? new DisconnectedError("disconnected while waiting for an event"));
  }

  /** @internal A new session started: reads wait for its events again. */
  sessionStarted(): void {
    this.ended = undefined;
  }

  /**
   * Resolves with the next buffered or future event matching `match` (any event when
   * omitted). Non-matching events before it are discarded from this listener only.
   */
  wait(match?: EventMatch<E>, options: WaitOptions = {}): Promise<E> {
    const predicate = toPredicate(match);
    return this.read(predicate, options, true).then((event) => event as E);
  }

  /** Drops and returns the buffered events. */
  clear(): E[] {
    const events = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    return events;
  }

  /** Stops receiving events; a pending read ends (iteration) or rejects (`wait`). Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.detach(this);
    this.queue = [];
    this.head = 0;
    const reader = this.reader;
    this.reader = undefined;
    reader?.reject(new StateError("event listener closed"));
  }

  /** Same as {@link close}; enables `using listener = qmp.listen(...)`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Iterates events until the listener closes or the session ends (see class docs). Breaking out does not close the listener. */
  [Symbol.asyncIterator](): AsyncIterator<E> {
    const finished: IteratorResult<E> = { value: undefined, done: true };
    let returned = false; // after return() (e.g. `break`), this iterator is done; the listener is not
    return {
      next: (): Promise<IteratorResult<E>> => {
        if (returned) return Promise.resolve(finished);
        // Fast path: a buffered event, one promise and no wrapper.
        if (this.failure === undefined && !this.isClosed && this.reader === undefined && this.head < this.queue.length) {
          const event = this.queue[this.head] as E;
          this.head++;
          this.compact();
          return Promise.resolve({ value: event, done: false });
        }
        return this.read(undefined, {}, false).then(
          (event): IteratorResult<E> => (event === undefined ? finished : { value: event, done: false }),
          (error: unknown): IteratorResult<E> => {
            if (error instanceof StateError && this.isClosed) return finished;
            throw error;
          },
        );
      },
      return: (): Promise<IteratorResult<E>> => {
        returned = true;
        return Promise.resolve(finished);
      },
    };
  }

  // Returns undefined for "iteration is over" (only when !forWait).
  private read(match: ((event: E) => boolean) | undefined, options: WaitOptions, forWait: boolean): Promise<E | undefined> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.isClosed) return forWait ? Promise.reject(new StateError("event listener closed")) : Promise.resolve(undefined);
    if (this.reader !== undefined) {
      return Promise.reject(
        new StateError("this listener already has a pending read; create another listener to read concurrently"),
      );
    }
    while (this.size > 0) {
      const event = this.queue[this.head] as E;
      this.head++;
      if (match === undefined || match(event)) {
        this.compact();
        return Promise.resolve(event);
      }
    }
    this.compact();
    if (this.ended !== undefined) {
      const error = this.ended.error;
      if (error !== undefined) return Promise.reject(error);
      return forWait ? Promise.reject(new DisconnectedError("disconnected; no more events")) : Promise.resolve(undefined);
    }
    return this.waitForPush(match, options, forWait);
  }

  private waitForPush(
    match: ((event: E) => boolean) | undefined,
    options: WaitOptions,
    forWait: boolean,
  ): Promise<E | undefined> {
    const { signal, timeout } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<E | undefined>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        if (timer !== undefined) clearTimeout(timer);
        forgetAbort?.();
      };
      const reader: PendingRead<E> = {
        match,
        forWait,
        resolve: (event) => {
          settle();
          resolve(event);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const giveUp = (reason: unknown) => {
        if (this.reader === reader) this.reader = undefined;
        reader.reject(reason);
      };
      const forgetAbort = signal === undefined ? undefined : onAbort(signal, () => giveUp(signal.reason));
      if (timeout !== undefined) {
        timer = setTimeout(() => giveUp(new DOMException(`no matching event within ${timeout} ms`, "TimeoutError")), timeout);
      }
      this.reader = reader;
    });
  }

  // Reclaims the consumed prefix once it dominates the array; keeps shifts O(1) amortised.
  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}

function toPredicate<E>(match: EventMatch<E> | undefined): ((event: E) => boolean) | undefined {
  if (match === undefined) return undefined;
  if (typeof match === "function") return match as (event: E) => boolean;
  return (event) => matchesPattern(event, match);
}
