import type { QmpClient, QmpState } from "../../runtime/index.js";

/** Resolves once `qmp` is in state `want` (at once if it is); rejects after `timeout` ms. */
export function waitForState(qmp: QmpClient, want: QmpState, timeout: number): Promise<void> {
  if (qmp.state === want) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`state stayed ${qmp.state}, wanted ${want}`));
    }, timeout);
    const off = qmp.onStateChange((state) => {
      if (state !== want) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
