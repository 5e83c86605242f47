/**
 * Client-mode QMP: we listen, QEMU (`-qmp unix:PATH` without `server`) connects. Exactly one
 * connection is taken; the listener is closed on every path, also failure and abort.
 * @module
 */
import { chmod, lstat, unlink } from "node:fs/promises";
import net from "node:net";
import type { Duplex } from "node:stream";
import { assertFdPassingAvailable, fdPassingAvailable, listenFdServer } from "./fd/index.js";
import type { OpenTransport } from "./transport.js";

/** Where to listen for QEMU (client-mode QMP): a unix socket path or a TCP endpoint. */
export type AcceptTarget = string | { path: string } | { host?: string; port: number };

interface OneShotListener {
  /** The socket path or TCP address, once listening. */
  address: string | net.AddressInfo;
  /** Stops accepting and removes a socket file this listener created; accepted connections stay. */
  stop(): Promise<void>;
}

/**
 * Removes a stale unix socket file: one nobody listens on. A live socket (another process
 * listens) or a file that is not a socket is left alone and reported.
 */
async function removeStaleSocket(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return;
  if (!info.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect({ path });
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    // Only "nobody listens" means stale; EAGAIN (a full backlog) is a live, busy listener.
    probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code !== "ECONNREFUSED" && error.code !== "ENOENT"));
  });
  if (live) throw Object.assign(new Error(`${path} is in use (or busy) by another listener`), { code: "EADDRINUSE" });
  await unlink(path);
}

async function listenNet(
  target: { path: string } | { host?: string; port: number },
  onConnection: (socket: Duplex) => void,
): Promise<OneShotListener> {
  // Paused until the session attaches its reader, so no greeting byte is lost.
  const server = net.createServer({ pauseOnConnect: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    if ("path" in target) server.listen({ path: target.path }, resolve);
    else server.listen({ host: target.host ?? "127.0.0.1", port: target.port }, resolve);
  });
  const address = "path" in target ? target.path : (server.address() as net.AddressInfo);
  return {
    address,
    async stop() {
      // close() stops accepting at once; its callback would wait for the accepted connection to end.
      server.close();
      if ("path" in target) await unlink(target.path).catch(() => undefined);
    },
  };
}

async function listenFds(path: string, onConnection: (socket: Duplex) => void): Promise<OneShotListener> {
  const server = await listenFdServer(path, onConnection);
  return { address: path, stop: async () => server.stopListening() };
}

/**
 * Listens, takes exactly one connection, and stops listening. A unix socket is created with
 * mode 0600 (with `fdPassing` and the native part installed, by the fd-capable listener, so
 * fds can be passed on the accepted connection). `onListening` (which may be async) runs once
 * connections are accepted; if it throws (or rejects) before QEMU connected, accepting fails
 * with its error; a failure after that is ignored (the connection is already taken).
 */
export async function acceptTransport(
  target: AcceptTarget,
  signal: AbortSignal,
  onListening: ((address: string | net.AddressInfo) => unknown) | undefined,
  fdPassing: boolean,
): Promise<OpenTransport> {
  const where = typeof target === "string" ? { path: target } : target;
  const path = "path" in where ? where.path : undefined;
  signal.throwIfAborted();
  if (path !== undefined) await removeStaleSocket(path);
  signal.throwIfAborted();
  let taken: Duplex | undefined;
  let deliver!: (socket: Duplex) => void;
  const connected = new Promise<Duplex>((resolve) => (deliver = resolve));
  // Anyone connecting after the one we took (or after we gave up) is turned away.
  const onConnection = (socket: Duplex) => {
    if (taken === undefined && !signal.aborted) deliver((taken = socket));
    else socket.destroy();
  };
  // Abstract names ("\0name") need the native listener: Node's net pads them to 108 bytes,
  // which is a different address from the exact-length one QEMU uses.
  const abstract = path?.startsWith("\0") === true;
  if (abstract) assertFdPassingAvailable();
  const listener =
    path !== undefined && (abstract || (fdPassing && fdPassingAvailable()))
      ? await listenFds(path, onConnection)
      : await listenNet(where, onConnection);
  let onAbort: (() => void) | undefined;
  try {
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {});
    // Owner-only: the socket controls a VM. QEMU connects only after the caller learns
    // (through onListening) that we listen, so chmod before announcing is early enough.
    if (path !== undefined && !path.startsWith("\0")) await Promise.race([chmod(path, 0o600), aborted]);
    const announced = Promise.resolve().then(() => onListening?.(listener.address));
    const failedToAnnounce = announced.then(() => new Promise<never>(() => {}));
    failedToAnnounce.catch(() => {});
    const stream = await Promise.race([connected, aborted, failedToAnnounce]);
    const kind = path === undefined ? "tcp" : "unix";
    return { stream, kind };
  } catch (error) {
    taken?.destroy();
    throw error;
  } finally {
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
    await listener.stop();
  }
}
