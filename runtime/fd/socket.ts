/**
 * A unix stream socket as a `stream.Duplex` whose writes can carry file descriptors
 * (SCM_RIGHTS) and whose reads report the fds that arrived, with their byte offsets.
 * @module
 */
import { fstatSync } from "node:fs";
import { Duplex } from "node:stream";
import { getSystemErrorName } from "node:util";
import { POLL_DISCONNECT, POLL_READABLE, POLL_WRITABLE, type FdNative, type FdPoller } from "./native.js";

/** Linux's per-message limit (SCM_MAX_FD). */
export const MAX_FDS_PER_WRITE = 253;

const READ_SIZE = 64 * 1024;

/** File descriptors that arrived on a socket, and where in the byte stream. */
export interface ReceivedFds {
  /**
   * Offset in the socket's byte stream (counted like `bytesRead`) of the first byte that
   * arrived with these fds. On sockets from `listenFdServer` this is exact: the peer's
   * `sendmsg` that carried the fds started with this byte.
   */
  readonly offset: number;
  /** The received fds, now open in this process (close-on-exec). */
  readonly fds: readonly number[];
}

/**
 * A connected unix stream socket, a `stream.Duplex` of bytes like `net.Socket`, that can
 * attach fds to a write.
 */
export interface FdCapableSocket extends Duplex {
  /**
   * Queue `data` so that `fds` travel in the same `sendmsg` as its first byte, in order with
   * every other write (plain `write()`s before it go out before it). `data` must not be empty.
   *
   * The socket never closes `fds`: they must stay open until `cb` is called; closing them
   * afterwards (or whenever the caller likes) is the caller's business, as the peer got its
   * own copies. `cb` gets an error, and nothing of `data` is sent, when an fd turned out to be
   * closed at send time (the stream stays usable), or when the stream fails or is destroyed.
   *
   * @returns like `write()`: false when the caller should wait for 'drain'.
   * @throws {RangeError} for empty data, a bad fd number, or more than 253 fds.
   * @throws the `EBADF` error of `fstat` when an fd is not open.
   */
  writeWithFds(data: Uint8Array, fds: readonly number[], cb?: (err?: Error | null) => void): boolean;
  /** Bytes received so far. */
  readonly bytesRead: number;
  /** Bytes sent so far. */
  readonly bytesWritten: number;
  /** Let this socket keep the process alive (the default). */
  ref(): this;
  /** Do not let this socket alone keep the process alive. */
  unref(): this;
}

/** A server-side socket from `listenFdServer`: an {@link FdCapableSocket} that keeps the fds it receives. */
export interface FdReceivingSocket extends FdCapableSocket {
  /**
   * Remove and return, in arrival order, the received fds whose {@link ReceivedFds.offset} is
   * below `before` (default: all). Ownership passes to the caller, who must close them. A
   * batch becomes available before its first byte is emitted as data, so a reader that has
   * framed a message ending at stream offset `end` can take the fds that came with it or
   * earlier. Fds still held when the socket closes are closed with it.
   */
  takeReceivedFds(before?: number): ReceivedFds[];
}

interface FdWrite {
  readonly fds: readonly number[];
  readonly cb: ((err?: Error | null) => void) | undefined;
  settled: boolean;
}

interface Segment {
  readonly buf: Buffer;
  off: number;
  readonly fdWrite: FdWrite | undefined;
}

function settle(w: FdWrite, err: Error | null): void {
  if (w.settled) return;
  w.settled = true;
  w.cb?.(err);
}

function pollError(status: number): Error {
  const code = getSystemErrorName(status);
  return Object.assign(new Error(`poll ${code}`), { code, errno: status, syscall: "poll" });
}

/** Options of the socket implementation. */
export interface FdSocketOptions {
  /** Keep received fds for {@link FdReceivingSocket.takeReceivedFds}; otherwise they are closed at once. */
  readonly keepReceivedFds: boolean;
}

/** The socket implementation behind both interfaces. */
export class FdSocket extends Duplex implements FdReceivingSocket {
  readonly #native: FdNative;
  #fd: number;
  readonly #poller: FdPoller;
  readonly #keepFds: boolean;
  #events = 0;
  #reading = false;
  #waitingWritable = false;
  #queue: Segment[] = [];
  #queueCb: ((err?: Error | null) => void) | undefined;
  readonly #fdWrites = new WeakMap<Buffer, FdWrite>();
  #received: ReceivedFds[] = [];
  #bytesRead = 0;
  #bytesWritten = 0;
  readonly #readBuffer = Buffer.allocUnsafe(READ_SIZE);

  /** Wraps a connected, non-blocking socket fd, which the socket then owns. */
  constructor(native: FdNative, fd: number, options: FdSocketOptions) {
    super({ allowHalfOpen: false });
    this.#native = native;
    this.#fd = fd;
    this.#keepFds = options.keepReceivedFds;
    this.#poller = new native.Poller(fd, (status, events) => this.#onPoll(status, events));
  }

  get bytesRead(): number {
    return this.#bytesRead;
  }

  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  ref(): this {
    if (!this.destroyed) this.#poller.ref(true);
    return this;
  }

  unref(): this {
    if (!this.destroyed) this.#poller.ref(false);
    return this;
  }

  writeWithFds(data: Uint8Array, fds: readonly number[], cb?: (err?: Error | null) => void): boolean {
    if (fds.length === 0) return this.write(data, (err) => cb?.(err));
    if (data.byteLength === 0) throw new RangeError("fds must be sent with at least one byte of data");
    if (fds.length > MAX_FDS_PER_WRITE) throw new RangeError(`at most ${MAX_FDS_PER_WRITE} fds per write`);
    for (const fd of fds) {
      if (!Number.isInteger(fd) || fd < 0 || fd > 0x7fffffff) throw new RangeError(`not a file descriptor: ${fd}`);
      fstatSync(fd);
    }
    // A fresh view nobody else holds: _write recognises it by identity, so the fds cannot
    // attach to another write of the same bytes.
    const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const w: FdWrite = { fds: [...fds], cb, settled: false };
    this.#fdWrites.set(view, w);
    return this.write(view, (err) => settle(w, err ?? null));
  }

  takeReceivedFds(before = Infinity): ReceivedFds[] {
    const n = this.#received.findIndex((r) => r.offset >= before);
    return this.#received.splice(0, n === -1 ? this.#received.length : n);
  }

  override _read(): void {
    this.#reading = true;
    this.#updatePoll();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.#send([this.#segment(chunk)], cb);
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    this.#send(
      chunks.map((c) => this.#segment(c.chunk)),
      cb,
    );
  }

  override _final(cb: (err?: Error | null) => void): void {
    try {
      this.#native.shutdown(this.#fd);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#poller.close();
    if (this.#fd >= 0) this.#native.close(this.#fd);
    this.#fd = -1;
    for (const r of this.#received) for (const fd of r.fds) this.#native.close(fd);
    this.#received = [];
    const failure = err ?? new Error("socket destroyed before the write completed");
    for (const s of this.#queue) if (s.fdWrite !== undefined) settle(s.fdWrite, failure);
    this.#queue = [];
    const queueCb = this.#queueCb;
    this.#queueCb = undefined;
    queueCb?.(failure);
    cb(err);
  }

  #segment(buf: Buffer): Segment {
    const fdWrite = this.#fdWrites.get(buf);
    if (fdWrite !== undefined) this.#fdWrites.delete(buf);
    return { buf, off: 0, fdWrite };
  }

  #updatePoll(): void {
    if (this.destroyed) return;
    const events = (this.#reading ? POLL_READABLE | POLL_DISCONNECT : 0) | (this.#waitingWritable ? POLL_WRITABLE : 0);
    if (events === this.#events) return;
    this.#events = events;
    this.#poller.start(events);
  }

  #onPoll(status: number, events: number): void {
    if (this.destroyed) return;
    if (status < 0) {
      // libuv reports an error pending on the socket (POLLERR: the peer reset it, e.g. a killed
      // QEMU) as EBADF; reading delivers what is still buffered and then the real error (ECONNRESET).
      this.#reading = true;
      this.#readLoop();
      if (!this.destroyed) this.destroy(pollError(status));
      return;
    }
    if (events & POLL_WRITABLE && this.#waitingWritable) this.#pump();
    if (events & (POLL_READABLE | POLL_DISCONNECT) && this.#reading) this.#readLoop();
  }

  #readLoop(): void {
    while (this.#reading && !this.destroyed) {
      const out: number[] = [];
      let n: number;
      try {
        n = this.#native.recv(this.#fd, this.#readBuffer, this.#keepFds, out);
      } catch (err) {
        this.destroy(err as Error);
        return;
      }
      if (n < 0) return;
      if (out.length > 1) {
        const [at = 0, ...fds] = out;
        if (this.#keepFds) this.#received.push({ offset: this.#bytesRead + at, fds });
        else for (const fd of fds) this.#native.close(fd);
      }
      if (n === 0) {
        this.#reading = false;
        this.#updatePoll();
        this.push(null);
        return;
      }
      this.#bytesRead += n;
      if (!this.push(Buffer.from(this.#readBuffer.subarray(0, n)))) {
        this.#reading = false;
        this.#updatePoll();
      }
    }
  }

  #send(segments: Segment[], cb: (err?: Error | null) => void): void {
    this.#queue = segments;
    this.#queueCb = cb;
    this.#pump();
  }

  // Sends the queued segments in order. Only a segment's first sendmsg carries its fds; a
  // segment that could not start (EAGAIN) keeps them for the retry.
  #pump(): void {
    while (this.#queue.length > 0) {
      const s = this.#queue[0]!;
      const fds = s.fdWrite !== undefined && s.off === 0 ? s.fdWrite.fds : null;
      let n: number;
      try {
        n = this.#native.send(this.#fd, s.off === 0 ? s.buf : s.buf.subarray(s.off), fds);
      } catch (err) {
        if (fds !== null && s.fdWrite !== undefined && (err as { code?: unknown }).code === "EBADF") {
          // The kernel checks the fds before sending anything: drop this message only.
          settle(s.fdWrite, err as Error);
          this.#queue.shift();
          continue;
        }
        this.#finishSend(err as Error);
        return;
      }
      if (n < 0) {
        this.#waitingWritable = true;
        this.#updatePoll();
        return;
      }
      s.off += n;
      this.#bytesWritten += n;
      if (s.off >= s.buf.byteLength) this.#queue.shift();
    }
    this.#finishSend(null);
  }

  #finishSend(err: Error | null): void {
    this.#queue = [];
    this.#waitingWritable = false;
    this.#updatePoll();
    const cb = this.#queueCb;
    this.#queueCb = undefined;
    cb?.(err);
  }
}
