/**
 * Writes a byte stream to a TLS socket as one TLS record per byte.
 *
 * QEMU (seen with 7.2) reads its TLS monitor one byte per socket wake-up: gnutls decrypts a
 * whole record, QEMU takes one byte, and the rest of the record waits, undecrypted by the
 * monitor, until more data arrives on the socket. A command sent in one record therefore
 * stalls after its first byte. One record per byte (each written after the previous one
 * was flushed, so Node cannot coalesce them) gets every byte through.
 * @module
 */
import type { Duplex } from "node:stream";

type Done = (error?: Error | null) => void;

/** @internal A FIFO of pending output, pumped one byte per write callback. */
export class ByteRecordWriter {
  private readonly queue: Array<{ bytes: Buffer; done: Done | undefined }> = [];
  private offset = 0;
  private pumping = false;

  constructor(private readonly stream: Duplex) {
    // A write still in flight when the stream dies may never get its callback.
    stream.once("close", () => this.failAll(destroyedError()));
  }

  /** Queues `data`; `done` is called once its last byte was handed to the socket, or with the error that stopped it. */
  write(data: string | Buffer, done?: Done): void {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    if (this.stream.destroyed) {
      process.nextTick(() => done?.(destroyedError()));
      return;
    }
    if (bytes.length === 0) {
      process.nextTick(() => done?.());
      return;
    }
    this.queue.push({ bytes, done });
    if (!this.pumping) this.pump();
  }

  private pump(): void {
    const head = this.queue[0];
    if (head === undefined) {
      this.pumping = false;
      return;
    }
    if (this.stream.destroyed) return this.failAll(destroyedError());
    this.pumping = true;
    const byte = head.bytes.subarray(this.offset, this.offset + 1);
    this.offset++;
    this.stream.write(byte, (error) => {
      if (this.queue[0] !== head) return; // already failed by failAll()
      if (error) return this.failAll(error);
      if (this.offset === head.bytes.length) {
        // The entry leaves the queue only once its last byte was accepted.
        this.queue.shift();
        this.offset = 0;
        head.done?.();
      }
      this.pump();
    });
  }

  // Nothing more can be written: every queued message learns why, once.
  private failAll(error: Error): void {
    const pending = this.queue.splice(0);
    this.offset = 0;
    this.pumping = false;
    for (const entry of pending) entry.done?.(error);
  }
}

function destroyedError(): Error {
  return Object.assign(new Error("Cannot call write after a stream was destroyed"), { code: "ERR_STREAM_DESTROYED" });
}
