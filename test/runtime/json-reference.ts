/**
 * A reference reader for framer tests: a plain recursive-descent JSON checker over a whole
 * byte stream (written independently of runtime/json-scanner.ts's state machine, with
 * TextDecoder as the judge of UTF-8). It says where each message starts and ends and at
 * which byte, if any, the stream stops being a prefix of a valid stream of JSON objects.
 */

/** What the reference found in a stream. */
export interface ReferenceResult {
  /** [start, end) of every complete message, in order. */
  messages: Array<[number, number]>;
  /** Index of the first byte that cannot be part of a valid stream. */
  bad?: number;
  /** Start of the message the bad byte is in (undefined: it is between messages). */
  badMessageStart?: number;
}

class Incomplete {}
class Bad {
  constructor(readonly at: number) {}
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function viableUtf8(prefix: Uint8Array, length: number): boolean {
  for (const second of [0x80, 0x90, 0xa0]) {
    const candidate = new Uint8Array(length).fill(0x80);
    candidate.set(prefix);
    if (prefix.length === 1) candidate[1] = second;
    try {
      decoder.decode(candidate);
      return true;
    } catch {
      // try the next completion
    }
  }
  return false;
}

/** Reads `bytes` as a stream of JSON objects separated by whitespace or 0xFF bytes. */
export function referenceRead(bytes: Uint8Array): ReferenceResult {
  const n = bytes.length;
  let i = 0;
  const peek = (): number => {
    if (i >= n) throw new Incomplete();
    return bytes[i] as number;
  };
  const bad = (): never => {
    throw new Bad(i);
  };
  const isWs = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
  const ws = (): void => {
    while (i < n && isWs(bytes[i])) i++;
  };
  const expect = (c: number): void => {
    if (peek() !== c) bad();
    i++;
  };
  const str = (): void => {
    expect(0x22);
    for (;;) {
      const c = peek();
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        i++;
        const e = peek();
        if (e === 0x75) {
          i++;
          for (let k = 0; k < 4; k++) {
            if (!/[0-9a-fA-F]/.test(String.fromCharCode(peek()))) bad();
            i++;
          }
        } else if ('"\\/bfnrt'.includes(String.fromCharCode(e))) i++;
        else bad();
      } else if (c < 0x20) bad();
      else if (c < 0x80) i++;
      else {
        const length = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        if (length === 0) bad();
        const start = i;
        for (let m = 1; m < length; m++) {
          i = start + m;
          peek();
          if (!viableUtf8(bytes.subarray(start, i + 1), length)) bad();
        }
        i = start + length;
      }
    }
  };
  const num = (): void => {
    if (peek() === 0x2d) i++;
    const c = peek();
    if (c === 0x30) i++;
    else if (isDigit(c)) while (i < n && isDigit(bytes[i])) i++;
    else bad();
    if (i < n && bytes[i] === 0x2e) {
      i++;
      if (!isDigit(peek())) bad();
      while (i < n && isDigit(bytes[i])) i++;
    }
    if (i < n && (bytes[i] === 0x65 || bytes[i] === 0x45)) {
      i++;
      if (peek() === 0x2b || peek() === 0x2d) i++;
      if (!isDigit(peek())) bad();
      while (i < n && isDigit(bytes[i])) i++;
    }
  };
  const word = (w: string): void => {
    for (const ch of w) expect(ch.charCodeAt(0));
  };
  const value = (): void => {
    ws();
    const c = peek();
    if (c === 0x7b) obj();
    else if (c === 0x5b) arr();
    else if (c === 0x22) str();
    else if (c === 0x2d || isDigit(c)) num();
    else if (c === 0x74) word("true");
    else if (c === 0x66) word("false");
    else if (c === 0x6e) word("null");
    else bad();
  };
  const obj = (): void => {
    expect(0x7b);
    ws();
    if (peek() === 0x7d) {
      i++;
      return;
    }
    for (;;) {
      ws();
      str();
      ws();
      expect(0x3a);
      value();
      ws();
      if (peek() === 0x2c) i++;
      else return expect(0x7d);
    }
  };
  const arr = (): void => {
    expect(0x5b);
    ws();
    if (peek() === 0x5d) {
      i++;
      return;
    }
    for (;;) {
      value();
      ws();
      if (peek() === 0x2c) i++;
      else return expect(0x5d);
    }
  };

  const messages: Array<[number, number]> = [];
  for (;;) {
    while (i < n && (isWs(bytes[i]) || bytes[i] === 0xff)) i++;
    if (i >= n) return { messages };
    if (bytes[i] !== 0x7b) return { messages, bad: i };
    const start = i;
    try {
      obj();
    } catch (error) {
      if (error instanceof Incomplete) return { messages };
      if (error instanceof Bad) return { messages, bad: error.at, badMessageStart: start };
      throw error;
    }
    messages.push([start, i]);
  }
}
