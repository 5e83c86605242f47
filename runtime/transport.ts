/**
 * Opening the byte stream a client talks over: connecting to a unix socket, TCP or TLS
 * endpoint, adopting a caller's Duplex, or listening for exactly one connection from QEMU.
 * @module
 */
import { chmod, lstat, unlink } from "node:fs/promises";
import net from "node:net";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { connectFdSocket, fdPassingAvailable } from "./fd/index.js";

/** Where to connect: a unix socket path, `{ path }`, `{ host, port, tls? }`, or an open Duplex. */
export type ConnectTarget = string | { path: string } | { host: string; port: number; tls?: tls.ConnectionOptions } | Duplex;

/** Where to listen for QEMU (client-mode QMP): a unix socket path or a TCP endpoint. */
export type AcceptTarget = string | { path: string } | { host?: string; port: number };

/** How the stream was obtained; fd passing needs a unix socket. */
export type TransportKind = "unix" | "tcp" | "tls" | "duplex";

/** An open stream plus what kind it is. */
export interface OpenTransport {
  stream: Duplex;
  kind: TransportKind;
  /** Unix socket path, when there is one. */
  path?: string;
}

function isDuplex(target: unknown): target is Duplex {
  return typeof target === "object" && target !== null && typeof (target as Duplex).pipe === "function";
}

/**
 * Opens a connection; rejects with the OS error (e.g. ECONNREFUSED) or `signal.reason`.
 * With `fdPassing`, a unix path is opened with the native fd-capable socket when it is
 * installed (falling back to `net` when it is not).
 */
export async function openTransport(target: ConnectTarget, signal: AbortSignal, fdPassing: boolean): Promise<OpenTransport> {
  if (isDuplex(target)) return { stream: target, kind: "duplex" };
  const path = typeof target === "string" ? target : "path" in target ? target.path : undefined;
  if (path !== undefined && fdPassing && fdPassingAvailable()) {
    return { stream: await connectFdSocket(path, { signal }), kind: "unix", path };
  }
  return connectNet(target as Exclude<ConnectTarget, Duplex>, path, signal);
}

function connectNet(
  target: Exclude<ConnectTarget, Duplex>,
  path: string | undefined,
  signal: AbortSignal,
): Promise<OpenTransport> {
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    let kind: TransportKind;
    if (path !== undefined) {
      kind = "unix";
      socket = net.connect({ path });
    } else if (typeof target === "object" && "host" in target && target.tls) {
      kind = "tls";
      socket = tls.connect({ ...target.tls, host: target.host, port: target.port });
    } else {
      kind = "tcp";
      const { host, port } = target as { host: string; port: number };
      socket = net.connect({ host, port });
    }
    const readyEvent = kind === "tls" ? "secureConnect" : "connect";
    const cleanup = () => {
      socket.off(readyEvent, onReady);
      socket.off("error", onError);
      signal.removeEventListener("abort", onAbort);
    };
    const onReady = () => {
      cleanup();
      resolve(path === undefined ? { stream: socket, kind } : { stream: socket, kind, path });
    };
    const onError = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => onError(signal.reason as Error);
    socket.once(readyEvent, onReady);
    socket.once("error", onError);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
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
    probe.once("error", () => resolve(false));
  });
  if (live) throw Object.assign(new Error(`${path} is in use by another listener`), { code: "EADDRINUSE" });
  await unlink(path);
}

/**
 * Listens, takes exactly one connection, and stops listening. A unix socket is created
 * with mode 0600 and removed again when listening stops; the listener is closed on every
 * path, including failure and abort. `onListening` (which may be async) runs once the
 * socket accepts connections; if it throws, accepting fails with its error.
 */
export async function acceptTransport(
  target: AcceptTarget,
  signal: AbortSignal,
  onListening?: (address: string | net.AddressInfo) => unknown,
): Promise<OpenTransport> {
  const path = typeof target === "string" ? target : "path" in target ? target.path : undefined;
  signal.throwIfAborted();
  if (path !== undefined) await removeStaleSocket(path);
  signal.throwIfAborted();
  const server = net.createServer({ pauseOnConnect: true });
  let taken: net.Socket | undefined;
  let bound = false; // only a socket file we created is ours to remove
  // Anyone connecting after the one we took (or after we gave up) is turned away.
  server.on("connection", (socket) => {
    if (taken === undefined && !signal.aborted) taken = socket;
    else socket.destroy();
  });
  try {
    const connection = await new Promise<net.Socket>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = () => signal.removeEventListener("abort", onAbort);
      server.once("error", (error) => (settle(), reject(error)));
      server.once("connection", () => (settle(), resolve(taken as net.Socket)));
      const announce = (address: string | net.AddressInfo) => {
        try {
          Promise.resolve(onListening?.(address)).catch(reject);
        } catch (error) {
          reject(error);
        }
      };
      const listening = () => {
        bound = true;
        const address = server.address();
        if (path === undefined) {
          if (address !== null) announce(address);
          return;
        }
        // Owner-only: the socket controls a VM. QEMU connects only after the caller learns
        // (through onListening) that we listen, so chmod before announcing is early enough.
        chmod(path, 0o600).then(() => announce(path), reject);
      };
      if (path !== undefined) server.listen({ path }, listening);
      else {
        const tcp = target as { host?: string; port: number };
        server.listen({ host: tcp.host ?? "127.0.0.1", port: tcp.port }, listening);
      }
    });
    // Still paused (pauseOnConnect): the session resumes it once its reader is attached.
    const kind: TransportKind = path === undefined ? "tcp" : "unix";
    return path === undefined ? { stream: connection, kind } : { stream: connection, kind, path };
  } catch (error) {
    taken?.destroy();
    throw error;
  } finally {
    // close() stops accepting at once; its callback would wait for the accepted connection to end.
    server.close();
    if (path !== undefined && bound) await unlink(path).catch(() => undefined);
  }
}
