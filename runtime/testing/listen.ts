/**
 * Sockets for the fake server: listening on a unix path (receiving fds when fd passing is
 * available) or TCP port, or dialing out.
 * @module
 */

import { chmod, lstat, unlink } from "node:fs/promises";
import { type Server, type Socket, connect, createServer } from "node:net";
import type { Duplex } from "node:stream";
import { connectFdSocket, fdPassingAvailable, listenFdServer } from "../fd/index.js";
import type { QmpTestAddress, QmpTestListenTarget } from "./types.js";

/** A listening server and how to undo it. */
export interface Listener {
  readonly address: QmpTestAddress;
  close(): Promise<void>;
}

function isAbstract(path: string): boolean {
  return path.startsWith("\0");
}

/** Removes a leftover socket file at `path` (like QEMU); refuses to remove anything else. */
async function removeStaleSocket(path: string): Promise<void> {
  try {
    const stat = await lstat(path);
    if (!stat.isSocket()) {
      throw Object.assign(new Error(`listen EADDRINUSE: ${path} exists and is not a socket`), { code: "EADDRINUSE" });
    }
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

function listenOn(server: Server, options: { path: string } | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Restricts a unix socket file to its owner; on failure, closes the server and rethrows. */
async function restrict(path: string, closeServer: () => Promise<void>): Promise<void> {
  if (isAbstract(path)) return;
  // Only the owner may talk to a monitor socket, as with QEMU's 0600-ish sockets.
  await chmod(path, 0o600).catch(async (error: unknown) => {
    await closeServer();
    throw error;
  });
}

/**
 * Listens on unix socket `path` with the fd-passing addon, so accepted sockets keep the fds
 * they receive (`takeReceivedFds`).
 */
async function listenFds(path: string, onSocket: (socket: Duplex) => void): Promise<Listener> {
  if (!isAbstract(path)) await removeStaleSocket(path);
  const server = await listenFdServer(path, onSocket);
  // The fd server removes the socket file itself and waits for its sockets to close.
  const close = (): Promise<void> => server.close();
  await restrict(path, close);
  return { address: { path }, close };
}

/**
 * Listens on `target`, passing each accepted socket to `onSocket`. Unix sockets use the
 * fd-passing addon when it is available, plain `net` otherwise (and for TCP).
 */
export async function listen(target: QmpTestListenTarget, onSocket: (socket: Duplex) => void): Promise<Listener> {
  if ("path" in target && fdPassingAvailable()) return listenFds(target.path, onSocket);
  const server = createServer(onSocket);
  const closeServer = (): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
  if ("path" in target) {
    const { path } = target;
    if (!isAbstract(path)) await removeStaleSocket(path);
    await listenOn(server, { path });
    await restrict(path, closeServer);
    return {
      address: { path },
      // libuv unlinks the socket file itself when the server closes.
      close: closeServer,
    };
  }
  await listenOn(server, {
    host: target.host ?? "127.0.0.1",
    port: target.port ?? 0,
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("unexpected TCP server address");
  return {
    address: { host: address.address, port: address.port },
    close: closeServer,
  };
}

/** Connects to a listening client (QEMU's client mode), resolving once connected. */
export function dial(target: { path: string } | { host?: string; port: number }): Promise<Socket | Duplex> {
  // Abstract names: Node's net pads them to 108 bytes; QEMU and qmpkit use the exact length.
  if ("path" in target && target.path.startsWith("\0")) return connectFdSocket(target.path);
  return new Promise((resolve, reject) => {
    const socket =
      "path" in target ? connect({ path: target.path }) : connect({ host: target.host ?? "127.0.0.1", port: target.port });
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}
