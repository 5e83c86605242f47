/**
 * @internal `QmpClient.executeUntil()`: a command and the event it causes, under one deadline.
 * @module
 */
import type { ExecuteUntilOptions } from "./client-options.js";
import type { EventListener, EventMatch } from "./event-listener.js";

/**
 * @internal Subscribes (`listen`) before it executes the command (`execute`), so an event QEMU sends before the reply
 * is not missed, then waits for the first one matching `match` in what is left of the timeout.
 */
export async function executeUntil<R, E extends { event: string }>(
  execute: () => Promise<R>,
  listen: () => EventListener<E>,
  match: EventMatch<E> | undefined,
  options: ExecuteUntilOptions,
): Promise<{ result: R; event: E }> {
  const deadline = options.timeout === undefined ? undefined : Date.now() + options.timeout;
  using listener = listen();
  const result = await execute();
  const remaining = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
  const event = await listener.wait(match, { signal: options.signal, timeout: remaining });
  return { result, event };
}
