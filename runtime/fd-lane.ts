/**
 * Ordering of fd-carrying commands. QEMU keeps only the latest fds it received, and fds
 * that came with a command that did not take them wait for the next fd-taking command. So:
 * - fd-carrying commands run one at a time, each only after QEMU answered the previous one
 *   (with oob on, QEMU reads ahead of the command it runs; a second fd-carrying message
 *   read early would replace the first one's fds);
 * - after QEMU answers one with an error (whether or not the caller still waits for it), or
 *   answers a command other than `getfd`/`add-fd` (which do not take fds), a `getfd`/`closefd`
 *   pair without fds collects and closes anything QEMU did not consume, so a stale fd can
 *   never be taken by a later command.
 * Timeouts and aborts count from the call, also while a command waits for its turn.
 * @module
 */
import { onAbort } from "./abort-listeners.js";
import type { ExecuteOptions } from "./api.js";
import type { ReplyEnvelope } from "./envelopes.js";
import type { Session } from "./session.js";

const DRAIN_NAME = "qmpkit-stale-fd";
const FD_TAKING: ReadonlySet<string> = new Set(["getfd", "add-fd"]);

/** @internal One per session. */
export class FdLane {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly session: Session) {}

  run(
    message: Record<string, unknown>,
    command: string,
    args: unknown,
    options: ExecuteOptions,
    fds: readonly number[],
  ): Promise<unknown> {
    const { signal, timeout } = options;
    const deadline = timeout === undefined ? undefined : Date.now() + timeout;
    let releaseTurn!: () => void;
    const turnOver = new Promise<void>((resolve) => (releaseTurn = resolve));
    const previous = this.tail;
    this.tail = turnOver;
    return new Promise((resolve, reject) => {
      let state: "waiting" | "cancelled" | "started" = "waiting";
      let timer: NodeJS.Timeout | undefined;
      let forgetAbort: (() => void) | undefined;
      const stopWaiting = () => {
        if (timer !== undefined) clearTimeout(timer);
        forgetAbort?.();
      };
      const cancel = (reason: unknown) => {
        if (state !== "waiting") return;
        state = "cancelled";
        stopWaiting();
        reject(reason);
      };
      if (signal?.aborted) return cancel(signal.reason);
      // fd commands wait here one at a time, each maybe on the same signal: one listener for all.
      if (signal !== undefined) forgetAbort = onAbort(signal, () => cancel(signal.reason));
      if (timeout !== undefined) {
        timer = setTimeout(() => cancel(new DOMException(`${command} timed out after ${timeout} ms`, "TimeoutError")), timeout);
      }
      void previous.then(() => {
        if (state === "cancelled") return releaseTurn(); // never sent: nothing to wait for
        state = "started";
        stopWaiting();
        let answered!: (reply: ReplyEnvelope | undefined) => void;
        const reply = new Promise<ReplyEnvelope | undefined>((done) => (answered = done));
        const remaining = deadline === undefined ? undefined : deadline - Date.now();
        if (remaining !== undefined && remaining <= 0) {
          // Out of time just as the turn came: do not send fds for a command nobody waits for.
          reject(new DOMException(`${command} timed out after ${timeout} ms`, "TimeoutError"));
          return releaseTurn();
        }
        this.session.send(message, command, args, { ...options, timeout: remaining }, fds, answered).then(resolve, reject);
        // Only getfd and add-fd take fds; after anything else (or a failure) QEMU may still hold them.
        const leftover = (envelope: ReplyEnvelope | undefined) => envelope?.error !== undefined || !FD_TAKING.has(command);
        void reply
          .then((envelope) => (envelope !== undefined && leftover(envelope) ? this.drain() : undefined))
          .finally(releaseTurn);
      });
    });
  }

  private async drain(): Promise<void> {
    const args = { fdname: DRAIN_NAME };
    const took = await this.session.send({ execute: "getfd", arguments: args }, "getfd", args).then(
      () => true,
      () => false, // "No file descriptor supplied": nothing was left behind
    );
    if (took) await this.session.send({ execute: "closefd", arguments: args }, "closefd", args).catch(() => {});
  }
}
