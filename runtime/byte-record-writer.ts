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

/** @internal A FIFO of pending output, pumped one byte per write callback. */
export class ByteRecordWriter {
  private readonly queue: Buffer[] = [];
  private offset = 0;
  private pumping = false;
  private readonly callbacks = new Map<Buffer, (error?: Error | null) => void>();

  constructor(private readonly stream: Duplex) {}

  /** Queues `data`; `done` is called once its last byte was handed to the socket. */
  write(data: string | Buffer, done?: (error?: Error | null) => void): void {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    if (bytes.length === 0) return done?.();
    this.queue.push(bytes);
    if (done !== undefined) this.callbacks.set(bytes, done);
    if (!this.pumping) this.pump();
  }

  private pump(): void {
    const head = this.queue[0];
    if (head === undefined || this.stream.destroyed) {
      this.pumping = false;
      return;
    }
    this.pumping = true;
    const byte = head.subarray(this.offset, this.offset + 1);
    this.offset++;
    const last = this.offset === head.length;
    if (last) {
      this.queue.shift();
      this.offset = 0;
    }
    this.stream.write(byte, (error) => {
      if (last) {
        const done = this.callbacks.get(head);
        this.callbacks.delete(head);
        done?.(error);
      }
      if (error) {
        this.pumping = false;
        return;
      }
      this.pump();
    });
  }
}
