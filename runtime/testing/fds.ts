/**
 * File descriptors a fake-server connection received (SCM_RIGHTS) and holds, with QEMU
 * 7.2's rule that only the latest fds received are kept for the next fd-taking command.
 * @module
 */

import { closeSync } from "node:fs";
import type { Duplex } from "node:stream";
import type { FdReceivingSocket } from "../fd/index.js";
import type { FdsetTable } from "./fdsets.js";
import type { HandlerContext } from "./types.js";

/** Closes `fd`, ignoring errors (a handler may have closed it already). */
export function closeFd(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // EBADF: already closed
  }
}

function canReceiveFds(stream: Duplex): stream is FdReceivingSocket {
  return typeof (stream as Partial<FdReceivingSocket>).takeReceivedFds === "function";
}

/**
 * Takes the fds that arrived on `stream` with the bytes before stream offset `end` (the end
 * of a framed message): the fds of that message, or of the whitespace before it. Like QEMU,
 * which keeps only the latest fds received, all but the last batch are closed. Returns `[]`
 * for streams that cannot carry fds.
 */
export function takeFramedFds(stream: Duplex, end: number): readonly number[] {
  if (!canReceiveFds(stream)) return [];
  const batches = stream.takeReceivedFds(end);
  const last = batches.pop();
  for (const batch of batches) batch.fds.forEach(closeFd);
  return last?.fds ?? [];
}

/**
 * The fds one connection holds: batches of messages not served yet, QEMU's "latest received"
 * slot, and the fds `getfd` keeps by name. Everything is closed by {@link close}.
 */
export class ConnectionFds {
  #pending: readonly number[] = [];
  readonly #inFlight = new Set<readonly number[]>();
  readonly #named = new Map<string, number>();
  #closed = false;

  /** A message brought `fds`; they are held until {@link serve} is called for it. */
  arrived(fds: readonly number[]): void {
    if (fds.length === 0) return;
    if (this.#closed) fds.forEach(closeFd);
    else this.#inFlight.add(fds);
  }

  /**
   * The server got to the message that brought `fds` (the array given to {@link arrived}):
   * like QEMU, they replace the latest-received fds, which are closed unless taken.
   */
  serve(fds: readonly number[]): void {
    if (fds.length === 0 || !this.#inFlight.delete(fds)) return;
    this.#pending.forEach(closeFd);
    this.#pending = fds;
  }

  /**
   * Like QEMU's `qemu_chr_fe_get_msgfd`: takes the first of the latest fds received and
   * closes the others of that batch. The caller owns the fd returned.
   */
  takeFd(): number | undefined {
    const [fd, ...rest] = this.#pending;
    this.#pending = [];
    rest.forEach(closeFd);
    return fd;
  }

  /** Keeps `fd` under `name` (`getfd`), closing the fd previously kept under it. */
  name(name: string, fd: number): void {
    if (this.#closed) return closeFd(fd);
    const previous = this.#named.get(name);
    this.#named.set(name, fd);
    if (previous !== undefined) closeFd(previous);
  }

  /** Closes the fd kept under `name` (`closefd`); false when there is none. */
  unname(name: string): boolean {
    const fd = this.#named.get(name);
    if (fd === undefined) return false;
    this.#named.delete(name);
    closeFd(fd);
    return true;
  }

  /** Closes every fd held; later arrivals are closed at once. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#pending.forEach(closeFd);
    this.#pending = [];
    for (const fds of this.#inFlight) fds.forEach(closeFd);
    this.#inFlight.clear();
    for (const fd of this.#named.values()) closeFd(fd);
    this.#named.clear();
  }
}

/** What the default fd handlers reach through their context. */
export interface FdHandlerState {
  readonly connection: ConnectionFds;
  readonly fdsets: FdsetTable;
}

const states = new WeakMap<HandlerContext, FdHandlerState>();

/** Ties a handler context to its connection's fd state (for the default fd handlers). */
export function bindFdState(ctx: HandlerContext, state: FdHandlerState): void {
  states.set(ctx, state);
}

/**
 * The fd state behind `ctx`.
 * @throws {Error} for a context the server did not make.
 */
export function fdStateOf(ctx: HandlerContext): FdHandlerState {
  const state = states.get(ctx);
  if (state === undefined) throw new Error("not a handler context of a QmpTestServer connection");
  return state;
}
