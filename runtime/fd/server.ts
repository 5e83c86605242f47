/**
 * A unix-socket server whose connections receive file descriptors, for fake QMP servers.
 * @module
 */
import { unlinkSync } from "node:fs";
import { loadFdNative, POLL_READABLE, type FdPoller } from "./native.js";
import { FdSocket, type FdReceivingSocket } from "./socket.js";

/** A listening fd-receiving server, from {@link listenFdServer}. */
export interface FdServer {
  /** The path it listens on, as given. */
  readonly path: string;
  /** Stop accepting and remove the socket file (unless abstract); accepted connections stay open. Idempotent. */
  stopListening(): void;
  /**
   * Stop accepting, remove the socket file (unless abstract), and destroy the connections
   * still open. Resolves once they have closed. Idempotent.
   */
  close(): Promise<void>;
}

/** Options of {@link listenFdServer}. */
export interface ListenFdServerOptions {
  /** The listen backlog. Default 16. */
  readonly backlog?: number;
}

/**
 * Listen on a unix-socket path (a leading `"\0"` means an abstract address) and hand every
 * accepted connection to `onConnection` as an {@link FdReceivingSocket}. Like `net.Server`,
 * an existing file at `path` makes it fail with `EADDRINUSE`.
 *
 * @throws {StateError} (as a rejection) when fd passing is unavailable; the message says how to enable it.
 * @throws the OS error of `bind`/`listen` (as a rejection), e.g. `EADDRINUSE`, `ENOENT`.
 */
export async function listenFdServer(
  path: string,
  onConnection: (socket: FdReceivingSocket) => void,
  options: ListenFdServerOptions = {},
): Promise<FdServer> {
  const native = loadFdNative();
  const fd = native.listen(path, options.backlog ?? 16);
  const sockets = new Set<FdSocket>();
  let closed = false;
  let poller: FdPoller | undefined;
  const acceptAll = (status: number): void => {
    if (closed || status < 0) return;
    for (;;) {
      let conn: number;
      try {
        conn = native.accept(fd);
      } catch {
        return; // transient (EMFILE, ENOBUFS...): the next readiness tries again
      }
      if (conn < 0) return;
      const socket = new FdSocket(native, conn, { keepReceivedFds: true });
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      onConnection(socket);
      if (closed) return; // the callback may stop listening: the fd is gone (or reused)
    }
  };
  poller = new native.Poller(fd, acceptAll);
  poller.start(POLL_READABLE);
  const stopListening = (): void => {
    if (closed) return;
    closed = true;
    poller?.close();
    poller = undefined;
    native.close(fd);
    if (!path.startsWith("\0")) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  };
  return {
    path,
    stopListening,
    async close(): Promise<void> {
      stopListening();
      await Promise.all(
        [...sockets].map(
          (s) =>
            new Promise<void>((resolve) => {
              if (s.closed) resolve();
              else {
                s.once("close", () => resolve());
                s.destroy();
              }
            }),
        ),
      );
    },
  };
}
