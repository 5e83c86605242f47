/**
 * Splits the server's input into messages the way QEMU's JSON streamer does: by brace and
 * bracket depth with string awareness, never by newline. Works on bytes, so a chunk may end
 * anywhere, including inside a multi-byte UTF-8 sequence (all structural characters are
 * ASCII, and bytes of multi-byte sequences are all >= 0x80).
 * @module
 */

/**
 * One unit of framed input. `end` is the index in the chunk passed to
 * {@link JsonFramer.push} just past the frame's last byte, so a caller counting the stream's
 * bytes knows where each frame ends (to tie received fds to it).
 */
export type Frame =
  /** A complete top-level value (or a bare token / stray closer) to parse. */
  | { readonly kind: "message"; readonly bytes: Buffer; readonly end: number }
  /** A byte that resets QEMU's lexer (0xFF, ESC) or an oversized message: one id-less error. */
  | {
      readonly kind: "reset";
      readonly bytes: Buffer;
      readonly end: number;
      readonly reason: string;
    };

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const BACKSLASH = 0x5c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function endsBareToken(b: number): boolean {
  return (
    isSpace(b) ||
    b === OPEN_BRACE ||
    b === CLOSE_BRACE ||
    b === OPEN_BRACKET ||
    b === CLOSE_BRACKET ||
    b === DOUBLE_QUOTE ||
    b === SINGLE_QUOTE
  );
}

/** Incremental framer; feed it chunks with {@link JsonFramer.push}. */
export class JsonFramer {
  #parts: Buffer[] = [];
  #size = 0;
  #inMessage = false;
  #depth = 0;
  #quote = 0;
  #escape = false;
  #bareToken = false;

  /** @param maxMessageBytes - a larger message is dropped with a "reset" frame instead of buffered. */
  constructor(private readonly maxMessageBytes = 64 * 1024 * 1024) {}

  /** Consumes a chunk and returns the frames it completed, in order. */
  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let start = this.#inMessage ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] ?? 0;
      if (b === 0xff || b === 0x1b) {
        // QEMU's lexer rejects these in any state and starts afresh: a way out of a jam.
        frames.push({
          kind: "reset",
          bytes: this.#take(chunk, start, i + 1),
          end: i + 1,
          reason: `stray '${b === 0xff ? "\uFFFD" : "\u001B"}'`,
        });
        start = -1;
        continue;
      }
      if (!this.#inMessage) {
        if (isSpace(b)) continue;
        this.#inMessage = true;
        start = i;
      }
      if (this.#quote !== 0) {
        if (this.#escape) this.#escape = false;
        else if (b === BACKSLASH) this.#escape = true;
        else if (b === this.#quote) {
          this.#quote = 0;
          if (this.#depth === 0) {
            frames.push({
              kind: "message",
              bytes: this.#take(chunk, start, i + 1),
              end: i + 1,
            });
            start = -1;
          }
        }
        continue;
      }
      if (this.#bareToken) {
        if (endsBareToken(b)) {
          frames.push({
            kind: "message",
            bytes: this.#take(chunk, start, i),
            end: i,
          });
          start = -1;
          i--; // the delimiter starts (or separates) what comes next
        }
        continue;
      }
      if (b === OPEN_BRACE || b === OPEN_BRACKET) this.#depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        // A stray closer at depth 0 is passed on alone; parsing it yields QEMU's error.
        if (--this.#depth <= 0) {
          frames.push({
            kind: "message",
            bytes: this.#take(chunk, start, i + 1),
            end: i + 1,
          });
          start = -1;
        }
      } else if (b === DOUBLE_QUOTE || b === SINGLE_QUOTE) this.#quote = b;
      else if (this.#depth === 0) this.#bareToken = true;
    }
    if (this.#inMessage && start >= 0) {
      this.#parts.push(chunk.subarray(start));
      this.#size += chunk.length - start;
      if (this.#size > this.maxMessageBytes) {
        frames.push({
          kind: "reset",
          bytes: this.#take(chunk, chunk.length, chunk.length),
          end: chunk.length,
          reason: "message too big",
        });
      }
    }
    return frames;
  }

  /** Ends the current message at `end` of `chunk` and resets the state. */
  #take(chunk: Buffer, start: number, end: number): Buffer {
    const tail = start < 0 ? chunk.subarray(0, 0) : chunk.subarray(start, end);
    const bytes = this.#parts.length === 0 ? tail : Buffer.concat([...this.#parts, tail]);
    this.#parts = [];
    this.#size = 0;
    this.#inMessage = false;
    this.#depth = 0;
    this.#quote = 0;
    this.#escape = false;
    this.#bareToken = false;
    return bytes;
  }
}
