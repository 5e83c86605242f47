// A stand-in for an fd-receiving socket, to test how the fake server ties fds to messages
// without depending on how the kernel splits reads.
import { Duplex } from "node:stream";

/** A stream that delivers scripted bytes and fd batches, like an fd-receiving socket. */
export class ScriptedFdStream extends Duplex {
  output = "";
  #batches: { offset: number; fds: number[] }[] = [];

  /** Queues `fds` as having arrived with stream byte `offset`. */
  addFds(offset: number, fds: number[]): void {
    this.#batches.push({ offset, fds });
  }

  takeReceivedFds(before = Infinity): { offset: number; fds: number[] }[] {
    const n = this.#batches.findIndex((b) => b.offset >= before);
    return this.#batches.splice(0, n === -1 ? this.#batches.length : n);
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.output += chunk.toString();
    cb();
  }
}
