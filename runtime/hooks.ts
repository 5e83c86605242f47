/**
 * Combining traffic hooks.
 * @module
 */
import type { MessageHooks } from "./client-options.js";

/**
 * Combines several {@link MessageHooks} into one, called in the order given. Inbound: the
 * first hook that returns `false` drops the message and the later ones do not see it (put a
 * recorder first to record everything). Outbound: a hook that throws stops the message.
 *
 * @example
 * ```ts
 * new QmpClient({ hooks: composeHooks(recorder.hooks, { inbound: (m) => console.log(m) }) });
 * ```
 */
export function composeHooks(...hooks: readonly (MessageHooks | undefined)[]): MessageHooks {
  const inbound = hooks.flatMap((h) => (h?.inbound === undefined ? [] : [h.inbound]));
  const outbound = hooks.flatMap((h) => (h?.outbound === undefined ? [] : [h.outbound]));
  return {
    inbound: (message) => {
      for (const hook of inbound) if (hook(message) === false) return false;
      return undefined;
    },
    outbound: (message) => {
      for (const hook of outbound) hook(message);
    },
  };
}
