/**
 * The introspected schema of each connection: fetched once, shared by concurrent callers,
 * and forgotten with the connection (a new connection may be a different QEMU).
 * @module
 */
import { onAbort } from "../abort-listeners.js";
import { QmpSchema, type QmpSchemaOptions } from "./qmp-schema.js";

/** Options of `QmpClient.introspect()`. */
export interface IntrospectOptions {
  /** Ask QEMU again even when this connection's schema is cached (the cached one stays `qmp.schema` until the answer, and if it fails). */
  refresh?: boolean | undefined;
  /** Stop waiting; rejects with `signal.reason` (a fetch shared with other callers goes on). */
  signal?: AbortSignal | undefined;
  /** Milliseconds to wait; rejects with a `TimeoutError` DOMException. */
  timeout?: number | undefined;
}

interface Slot {
  readonly promise: Promise<QmpSchema>;
  value?: QmpSchema;
}

/** @internal Per-connection cache, keyed by the connection object (weakly: it ends with it). */
export class SchemaCache {
  readonly #slots = new WeakMap<object, Slot>();

  constructor(private readonly schemaOptions: QmpSchemaOptions) {}

  /** The schema already fetched on `connection`, if any. */
  ready(connection: object): QmpSchema | undefined {
    return this.#slots.get(connection)?.value;
  }

  /** The schema of `connection`; `fetch` (resolving with the `query-qmp-schema` reply) runs once per connection or refresh. */
  get(connection: object, fetch: () => Promise<unknown>, options: IntrospectOptions = {}): Promise<QmpSchema> {
    let slot = this.#slots.get(connection);
    if (slot === undefined || options.refresh === true) {
      const previous = slot;
      const promise = fetch().then((reply) => new QmpSchema(reply, this.schemaOptions));
      // While a refresh is under way the schema fetched before stays the current one.
      const created: Slot = previous?.value === undefined ? { promise } : { promise, value: previous.value };
      slot = created;
      this.#slots.set(connection, created);
      promise.then(
        (schema) => (created.value = schema),
        () => {
          if (this.#slots.get(connection) !== created) return;
          // The next call tries again; a failed refresh keeps the schema fetched before.
          if (previous?.value !== undefined) this.#slots.set(connection, previous);
          else this.#slots.delete(connection);
        },
      );
    }
    return waitFor(slot.promise, options.signal, options.timeout);
  }
}

/** `promise`, or a rejection with `signal.reason` / a TimeoutError, whichever comes first; leaves nothing behind. */
// Every caller waits through the same wrapper, so callers resume in call order (commands that
// waited for the schema go out in the order they were executed).
function waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined, timeout: number | undefined): Promise<T> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(
            () => finish(() => reject(new DOMException(`introspection timed out after ${timeout} ms`, "TimeoutError"))),
            timeout,
          );
    const finish = (settle: () => void) => {
      if (timer !== undefined) clearTimeout(timer);
      forgetAbort?.();
      settle();
    };
    // Every command waiting for the schema may carry the same signal: one listener for all.
    const forgetAbort = signal === undefined ? undefined : onAbort(signal, () => finish(() => reject(signal.reason)));
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
