/**
 * Splits a QMP byte stream into JSON messages by brace depth (string- and escape-aware),
 * so it accepts `\r\n`, `\n`, no separator at all, and pretty (multi-line) output, with
 * chunks split anywhere — including inside multi-byte UTF-8 sequences, since every byte
 * that matters here (`{ } " \`) is ASCII and never occurs inside a multi-byte sequence.
 * @module
 */
import { ProtocolError } from "./errors.js";

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const DELIMITER = 0xff; // qemu-ga's guest-sync-delimited marker

/** What the framer found: a complete message, or qemu-ga's 0xFF sync delimiter. */
export interface FramerSink {
  message(text: string): void;
  delimiter(): void;
}

/** Incremental framer; feed it chunks with {@link MessageFramer.push}. */
export class MessageFramer {
  // Pieces of the message being assembled that arrived in earlier chunks.
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  // Set by resync(): everything up to the next 0xFF byte is discarded.
  private discarding = false;

  constructor(private readonly maxMessageBytes: number) {}

  /** True while a message has started but not ended. */
  get midMessage(): boolean {
    return this.depth > 0;
  }

  /** Feeds one chunk; calls the sink for each complete message. Throws {@link ProtocolError}. */
  push(chunk: Buffer, sink: FramerSink): void {
    let start = this.depth > 0 ? 0 : -1; // start of the current message within this chunk
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      const byte = chunk[i] as number;
      if (this.discarding) {
        if (byte === DELIMITER) {
          this.reset();
          start = -1;
          sink.delimiter();
        }
        continue;
      }
      if (this.depth === 0) {
        if (byte === OPEN) {
          this.depth = 1;
          start = i;
        } else if (byte === DELIMITER) {
          sink.delimiter();
        } else if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) {
          throw new ProtocolError(
            `unexpected byte 0x${byte.toString(16).padStart(2, "0")} between messages`,
            chunk.subarray(i, i + 64),
          );
        }
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
      } else if (byte === QUOTE) {
        this.inString = true;
      } else if (byte === OPEN) {
        this.depth++;
      } else if (byte === CLOSE && --this.depth === 0) {
        this.complete(chunk, start, i + 1, sink);
        start = -1;
      }
    }
    if (this.depth > 0) this.keep(chunk, start);
  }

  /** Discards all input, including a partial message, up to and including the next 0xFF byte (qemu-ga resync). */
  resync(): void {
    this.reset();
    this.discarding = true;
  }

  /** Drops any partial message (after a fatal error or a reset). */
  reset(): void {
    this.partial = [];
    this.partialBytes = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.discarding = false;
  }

  private complete(chunk: Buffer, start: number, end: number, sink: FramerSink): void {
    let bytes: Buffer;
    if (this.partial.length === 0) {
      bytes = chunk.subarray(start, end);
    } else {
      this.partial.push(chunk.subarray(0, end));
      bytes = Buffer.concat(this.partial, this.partialBytes + end);
      this.partial = [];
      this.partialBytes = 0;
    }
    if (bytes.length > this.maxMessageBytes) this.tooLarge(bytes);
    sink.message(bytes.toString("utf8"));
  }

  private keep(chunk: Buffer, start: number): void {
    const piece = chunk.subarray(Math.max(start, 0));
    this.partialBytes += piece.length;
    // Copy: the socket may reuse its chunk buffers, and a tiny view must not pin a large one.
    this.partial.push(Buffer.from(piece));
    if (this.partialBytes > this.maxMessageBytes) this.tooLarge(Buffer.concat(this.partial.slice(0, 1)));
  }

  private tooLarge(head: Buffer): never {
    const size = Math.max(head.length, this.partialBytes);
    this.reset();
    throw new ProtocolError(
      `message exceeds maxMessageBytes (${this.maxMessageBytes} bytes; got at least ${size})`,
      head.subarray(0, 1024),
    );
  }
}
