/**
 * Opening the byte stream a client talks over: connecting to a unix socket, TCP or TLS
 * endpoint, or adopting a caller's Duplex. (Listening for QEMU: accept.ts.)
 * @module
 */
import net from "node:net";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { assertFdPassingAvailable, connectFdSocket, fdPassingAvailable } from "./fd/index.js";

/** Where to connect: a unix socket path, `{ path }`, `{ host, port, tls? }`, or an open Duplex. */
export type ConnectTarget = string | { path: string } | { host: string; port: number; tls?: tls.ConnectionOptions } | Duplex;

/** How the stream was obtained; fd passing needs a unix socket. */
export type TransportKind = "unix" | "tcp" | "tls" | "duplex";

/** An open stream plus what kind it is. */
export interface OpenTransport {
  stream: Duplex;
  kind: TransportKind;
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
  // Abstract names ("\0name") need the native socket: Node's net pads them to 108 bytes,
  // a different address from the exact-length one QEMU listens on.
  const abstract = path?.startsWith("\0") === true;
  if (abstract) assertFdPassingAvailable();
  if (path !== undefined && (abstract || (fdPassing && fdPassingAvailable()))) {
    return { stream: await connectFdSocket(path, { signal }), kind: "unix" };
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
      resolve({ stream: socket, kind });
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
