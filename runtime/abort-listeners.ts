/**
 * One "abort" listener per signal, fanned out to any number of callbacks. Code that waits on a
 * caller's signal registers here instead of adding a listener of its own, so many concurrent
 * waits on one signal (one controller that cancels every command, or every held command of a
 * fake server's connection) never trip Node's `MaxListenersExceededWarning` beyond ten.
 * @module
 */

interface Fanout {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

/**
 * Calls `callback` once when `signal` aborts. Returns a function that forgets it (idempotent);
 * the signal's listener goes away with its last callback, so a long-lived signal keeps none.
 * @internal
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let fanout = fanouts.get(signal);
  if (fanout === undefined) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      fanouts.delete(signal);
      for (const call of callbacks) call();
      callbacks.clear();
    };
    fanout = { callbacks, listener };
    fanouts.set(signal, fanout);
    signal.addEventListener("abort", listener, { once: true });
  }
  fanout.callbacks.add(callback);
  const mine = fanout;
  return () => {
    if (!mine.callbacks.delete(callback) || mine.callbacks.size > 0 || fanouts.get(signal) !== mine) return;
    fanouts.delete(signal);
    signal.removeEventListener("abort", mine.listener);
  };
}
