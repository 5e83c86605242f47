/**
 * Splits a QMP byte stream into messages and parses them, rejecting structurally invalid
 * input at the byte where it becomes invalid.
 *
 * Fast path: QEMU ends every message with CRLF, so the reader finds the next `\n` with
 * `Buffer.indexOf` and parses the line; a line that parses into an object is a whole, valid
 * message (valid UTF-8 checked first, as decoding would hide bad bytes). Only a line that does
 * not parse — `pretty=on` output spanning lines, several messages on one line, or garbage —
 * goes through {@link JsonScanner}, which finds the message's end by its structure or the
 * first invalid byte. Bytes that wait for the rest of their message are checked by
 * {@link MessageFramer.check}, which the owner runs once the current burst of input is
 * handled (a reply that completes within the burst is never scanned), so garbage without a
 * newline fails as fast as garbage with one. Accepts `\r\n`, `\n`, no separator, pretty
 * output, chunks split anywhere (even inside a UTF-8 sequence) and qemu-ga's 0xFF marker.
 * Allocation matters here (every reply and event passes): a chunk that is one line is
 * checked and decoded in place, a pure-ASCII chunk of many lines is decoded once.
 * @module
 */
import { isAscii, isUtf8 } from "node:buffer";
import { ProtocolError } from "./errors.js";
import { JsonScanner, JsonStructureError } from "./json-scanner.js";

const OPEN = 0x7b; // {
const NEWLINE = 0x0a;
const DELIMITER = 0xff; // qemu-ga's guest-sync-delimited marker

/** What the framer found: a complete message, or qemu-ga's 0xFF sync delimiter. */
export interface FramerSink {
  /** A message: its parsed value (always a JSON object) and its text. */
  message(value: Record<string, unknown>, text: string): void;
  delimiter(): void;
}

/** Parses one message's text; throws on invalid JSON. */
export type JsonParser = (text: string) => unknown;

/** Incremental framer; feed it chunks with {@link MessageFramer.push}. */
export class MessageFramer {
  // The bytes of the message being assembled that arrived in earlier chunks.
  private parts: Buffer[] = [];
  private partBytes = 0;
  // parts[0, checkedParts) went through the scanner, which holds their state.
  private checkedParts = 0;
  // True once the line parse failed: the scanner finds the end of the current message.
  private scanning = false;
  private readonly scanner = new JsonScanner();
  // Set by resync(): everything up to the next 0xFF byte is discarded.
  private discarding = false;
  // A chunk holding several lines is decoded once when it is pure ASCII (its lines are then
  // substrings, byte and character offsets agreeing): `asciiText` is `asciiOf` decoded, or null.
  private asciiOf: Buffer | undefined;
  private asciiText: string | null = null;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly parse: JsonParser = JSON.parse,
  ) {}

  /** True while a message has started but not ended. */
  get midMessage(): boolean {
    return this.partBytes > 0;
  }

  /** True when bytes of an unfinished message have not been checked yet: call {@link check} soon. */
  get unchecked(): boolean {
    return this.checkedParts < this.parts.length;
  }

  /** Feeds one chunk; calls the sink for each complete message. Throws {@link ProtocolError}. */
  push(chunk: Buffer, sink: FramerSink): void {
    const length = chunk.length;
    let pos = 0;
    while (pos < length) {
      if (this.discarding) {
        const at = chunk.indexOf(DELIMITER, pos);
        if (at === -1) return;
        this.discarding = false;
        pos = at + 1;
        sink.delimiter();
        continue;
      }
      if (this.partBytes === 0) {
        // Between messages: whitespace, qemu-ga's 0xFF, or the `{` that starts a message.
        const byte = chunk[pos] as number;
        if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) {
          pos++;
          continue;
        }
        if (byte === DELIMITER) {
          pos++;
          sink.delimiter();
          continue;
        }
        if (byte !== OPEN) {
          throw new ProtocolError(
            `unexpected byte 0x${byte.toString(16).padStart(2, "0")} between messages (a message starts with '{')`,
            chunk.subarray(pos, pos + 64),
          );
        }
      }
      pos = this.scanning ? this.scan(chunk, pos, sink) : this.line(chunk, pos, sink);
    }
  }

  /**
   * Checks the bytes of an unfinished message that no check has seen yet (and frames any
   * message that ends among them). Throws {@link ProtocolError} when they are invalid.
   */
  check(sink: FramerSink): void {
    while (this.checkedParts < this.parts.length) {
      const part = this.parts[this.checkedParts] as Buffer;
      const end = this.feedScanner(part, 0, part.length, this.checkedParts);
      if (end === -1) {
        this.checkedParts++;
        continue;
      }
      // A message ended among the kept bytes (no newline after it): emit it, re-read the rest.
      const rest = this.parts.slice(this.checkedParts + 1);
      const bytes = this.take(part.subarray(0, end), this.checkedParts);
      this.emit(bytes, sink);
      this.push(part.subarray(end), sink);
      for (const piece of rest) this.push(piece, sink);
    }
  }

  /** Discards all input, including a partial message, up to and including the next 0xFF byte (qemu-ga resync). */
  resync(): void {
    this.reset();
    this.discarding = true;
  }

  /** Drops any partial message (after a fatal error or a reset). */
  reset(): void {
    this.clear();
    this.discarding = false;
    this.asciiOf = undefined;
    this.asciiText = null;
  }

  // Fast path: the message (or its rest) up to the next newline, parsed whole.
  private line(chunk: Buffer, pos: number, sink: FramerSink): number {
    const newline = chunk.indexOf(NEWLINE, pos);
    if (newline === -1) {
      this.keep(chunk, pos);
      return chunk.length;
    }
    const end = newline + 1;
    // The message's text stops before the line end (`\r\n`, or `\n` for qemu-ga).
    const last = newline > pos && chunk[newline - 1] === 0x0d ? newline - 1 : newline;
    if (this.partBytes + last - pos > this.maxMessageBytes) this.tooLarge(this.parts[0] ?? chunk.subarray(pos, end));
    let valid: boolean;
    let text: string;
    if (this.partBytes === 0 && pos === 0 && end === chunk.length) {
      // The line is the whole chunk (the usual reply): check it without allocating a view.
      valid = isUtf8(chunk);
      text = valid ? chunk.toString("utf8", pos, last) : "";
    } else if (this.partBytes === 0) {
      if (this.asciiOf !== chunk) {
        this.asciiOf = chunk;
        this.asciiText = isAscii(chunk) ? chunk.toString("latin1") : null;
      }
      valid = this.asciiText !== null || isUtf8(chunk.subarray(pos, last));
      text = this.asciiText !== null ? this.asciiText.slice(pos, last) : valid ? chunk.toString("utf8", pos, last) : "";
    } else {
      const bytes = this.concat(chunk.subarray(pos, last));
      valid = isUtf8(bytes);
      text = valid ? bytes.toString("utf8") : "";
    }
    if (valid) {
      let value: unknown;
      try {
        value = this.parse(text);
      } catch {
        value = undefined;
      }
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        if (this.partBytes !== 0) this.clear();
        sink.message(value as Record<string, unknown>, text);
        return end;
      }
    }
    // Not one whole object: pretty output, several messages on a line, or garbage. The scanner
    // takes over this message from where any earlier check left it.
    this.scanning = true;
    this.check(sink);
    return pos;
  }

  // Slow path: the scanner finds where the message ends.
  private scan(chunk: Buffer, pos: number, sink: FramerSink): number {
    const end = this.feedScanner(chunk, pos, chunk.length, this.parts.length);
    if (end === -1) {
      this.keep(chunk, pos);
      this.checkedParts = this.parts.length;
      return chunk.length;
    }
    this.emit(this.take(chunk.subarray(pos, end), this.parts.length), sink);
    return end;
  }

  // Scans bytes[from, to), which follow the first `count` kept parts.
  private feedScanner(bytes: Buffer, from: number, to: number, count: number): number {
    try {
      return this.scanner.feed(bytes, from, to);
    } catch (error) {
      if (!(error instanceof JsonStructureError)) throw error;
      // The message so far, through the offending byte.
      const raw = this.concat(bytes.subarray(from, to), count).subarray(0, error.offset + 1);
      this.reset();
      throw new ProtocolError(`malformed JSON from server: ${error.message} of the message`, raw);
    }
  }

  // The first `count` kept parts plus `tail` as one buffer; starts a new message.
  private take(tail: Buffer, count: number): Buffer {
    const bytes = this.concat(tail, count);
    this.clear();
    return bytes;
  }

  private concat(tail: Buffer, count = this.parts.length): Buffer {
    if (count === 0) return tail;
    const pieces = this.parts.slice(0, count);
    pieces.push(tail);
    let total = tail.length;
    for (let i = 0; i < count; i++) total += (this.parts[i] as Buffer).length;
    return Buffer.concat(pieces, total);
  }

  // A message the scanner found complete and valid.
  private emit(bytes: Buffer, sink: FramerSink): void {
    if (bytes.length > this.maxMessageBytes) this.tooLarge(bytes);
    const text = bytes.toString("utf8");
    let value: unknown;
    try {
      value = this.parse(text);
    } catch (error) {
      // E.g. nesting deeper than the lossless parser allows.
      throw new ProtocolError(`malformed JSON from server: ${(error as Error).message}`, text);
    }
    sink.message(value as Record<string, unknown>, text);
  }

  private keep(chunk: Buffer, start: number): void {
    const piece = chunk.subarray(start);
    this.partBytes += piece.length;
    // A small piece is copied so that it does not pin its (possibly large) chunk.
    this.parts.push(piece.length * 2 < chunk.length ? Buffer.from(piece) : piece);
    if (this.partBytes > this.maxMessageBytes) this.tooLarge(this.parts[0] as Buffer);
  }

  private clear(): void {
    this.parts = [];
    this.partBytes = 0;
    this.checkedParts = 0;
    this.scanning = false;
    this.scanner.reset();
  }

  private tooLarge(head: Buffer): never {
    const size = Math.max(head.length, this.partBytes);
    this.reset();
    throw new ProtocolError(
      `message exceeds maxMessageBytes (${this.maxMessageBytes} bytes; got at least ${size})`,
      head.subarray(0, 1024),
    );
  }
}
