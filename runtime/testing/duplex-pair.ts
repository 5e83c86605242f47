/**
 * An in-memory, connected pair of duplex streams (Node 20 has no `stream.duplexPair`).
 * What one side writes, the other reads; ending or destroying one side ends the other's
 * readable side, like closing a socket.
 * @module
 */

import { Socket } from "node:net";
import { Duplex } from "node:stream";

/** Options for {@link createDuplexPair}. */
export interface DuplexPairOptions {
  /** Keep a side writable after its peer ended (as `net.Socket` with `allowHalfOpen`). Default false. */
  allowHalfOpen?: boolean;
}

class PairSide extends Duplex {
  peer: PairSide | undefined;
  /** Set by {@link resetDuplex}: the peer gets ECONNRESET instead of a clean end. */
  reset = false;

  override _read(): void {
    // Data arrives by the peer pushing it; there is nothing to pull.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    // Deliver asynchronously, as a socket would, so a write never re-enters the reader.
    if (peer !== undefined) queueMicrotask(() => peer.#deliver(chunk));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    if (peer !== undefined) queueMicrotask(() => peer.#deliver(null));
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    if (peer !== undefined) {
      peer.peer = undefined;
      // The peer sees what a socket peer sees: end of data, or a reset when we failed.
      queueMicrotask(() => {
        if (this.reset) peer.destroy(connectionResetError());
        else peer.#deliver(null);
      });
    }
    callback(error);
  }

  #deliver(chunk: Buffer | null): void {
    if (this.destroyed || this.readableEnded) return;
    this.push(chunk);
  }
}

/**
 * Creates two connected duplex streams. Writes to a side whose peer is gone are dropped
 * silently; the writer learns about the close from its own readable side ending.
 */
export function createDuplexPair(options: DuplexPairOptions = {}): [Duplex, Duplex] {
  const allowHalfOpen = options.allowHalfOpen ?? false;
  const a = new PairSide({ allowHalfOpen });
  const b = new PairSide({ allowHalfOpen });
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/**
 * Destroys a stream so that the peer sees a connection reset rather than a clean end:
 * `resetAndDestroy()` for sockets, an `ECONNRESET` error on the peer for pair sides.
 */
export function resetDuplex(stream: Duplex): void {
  if (stream instanceof PairSide) {
    stream.reset = true;
    stream.destroy();
  } else if (stream instanceof Socket) {
    stream.resetAndDestroy();
  } else {
    stream.destroy();
  }
}

/** An `ECONNRESET` error like the one a socket reports when its peer resets it. */
export function connectionResetError(): NodeJS.ErrnoException {
  return Object.assign(new Error("read ECONNRESET"), {
    code: "ECONNRESET",
    errno: -104,
    syscall: "read",
  });
}
