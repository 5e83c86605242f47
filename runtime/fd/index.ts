/**
 * File-descriptor passing (SCM_RIGHTS) over unix sockets: the transport under
 * `execute(..., { fds })` and the fake server's fd receiving. The native part is optional
 * and loaded on first use, never when this module is imported.
 * @module
 */
import type { FileHandle } from "node:fs/promises";
import { StateError } from "../errors.js";
import { loadFdNative } from "./native.js";
import { FdSocket, type FdCapableSocket } from "./socket.js";

export { assertFdPassingAvailable, fdPassingAvailable } from "./native.js";
export { MAX_FDS_PER_WRITE, type FdCapableSocket, type FdReceivingSocket, type ReceivedFds } from "./socket.js";
export { listenFdServer, type FdServer, type ListenFdServerOptions } from "./server.js";

/** Options of {@link connectFdSocket}. */
export interface ConnectFdSocketOptions {
  /** Checked before connecting; an aborted signal rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/**
 * Connect to a unix-socket server (a leading `"\0"` means an abstract address) with a socket
 * that can attach fds to writes. A unix-domain connect completes at once, so the socket is
 * connected when the promise resolves. Fds the peer sends are closed on arrival (QEMU sends
 * none).
 *
 * @throws {StateError} (as a rejection) when fd passing is unavailable; the message says how to enable it.
 * @throws the OS error of `connect` (as a rejection): `ENOENT`, `ECONNREFUSED`, `EAGAIN`
 *   (the server's backlog is full), `ENAMETOOLONG` (path over 107 bytes)...
 */
export async function connectFdSocket(path: string, options: ConnectFdSocketOptions = {}): Promise<FdCapableSocket> {
  const native = loadFdNative();
  options.signal?.throwIfAborted();
  const fd = native.connect(path);
  return new FdSocket(native, fd, { keepReceivedFds: false });
}

/**
 * The fd number of a `number | FileHandle`, for {@link FdCapableSocket.writeWithFds}. The
 * FileHandle stays owned by the caller (closing it is the caller's business).
 *
 * @throws {StateError} for a closed FileHandle.
 * @throws {RangeError} for a number that cannot be an fd.
 */
export function toFd(fd: number | FileHandle): number {
  if (typeof fd === "number") {
    if (!Number.isInteger(fd) || fd < 0 || fd > 0x7fffffff) throw new RangeError(`not a file descriptor: ${fd}`);
    return fd;
  }
  if (fd.fd < 0) throw new StateError("cannot pass a closed FileHandle");
  return fd.fd;
}
