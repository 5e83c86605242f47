/**
 * A byte-level JSON structure checker for one server message: it finds where the message
 * ends and rejects it at the first byte that makes it invalid (whatever would follow), so a
 * garbled reply fails at once instead of leaving the reader waiting for a closing brace.
 * It checks the full JSON grammar (strict: double-quoted strings, no comments) and UTF-8.
 * @module
 */

// What the scanner expects next.
const START = 0; // the `{` that opens a message
const VALUE = 1; // any value (after `:`, or after `,` in an array)
const FIRST_KEY = 2; // a key or `}` (after `{`)
const KEY = 3; // a key (after `,` in an object)
const COLON = 4;
const AFTER = 5; // `,` or a closer (after a value)
const FIRST_ITEM = 6; // a value or `]` (after `[`)
const STRING = 7;
const ESCAPE = 8; // the byte after a backslash
const HEX = 9; // the digits of \uXXXX
const UTF8 = 10; // continuation bytes of a multi-byte character
const MINUS = 11; // after `-`
const ZERO = 12; // a leading 0
const INT = 13;
const DOT = 14; // after `.`
const FRAC = 15;
const EXP = 16; // after `e`
const EXP_SIGN = 17;
const EXP_DIGITS = 18;
const LITERAL = 19; // inside true / false / null

const OBJECT = 1;
const ARRAY = 2;

const EXPECTED: Record<number, string> = {
  [START]: "a message starts with '{'",
  [VALUE]: "expected a value",
  [FIRST_KEY]: "expected a string key or '}'",
  [KEY]: "expected a string key",
  [COLON]: "expected ':'",
  [AFTER]: "expected ',' or a closing bracket",
  [FIRST_ITEM]: "expected a value or ']'",
  [ESCAPE]: "invalid escape sequence",
  [HEX]: "expected a hex digit in \\u escape",
  [MINUS]: "expected a digit",
  [DOT]: "expected a digit",
  [EXP]: "expected a digit or sign",
  [EXP_SIGN]: "expected a digit",
  [LITERAL]: "invalid literal",
};

/** Why and where a message became invalid. */
export class JsonStructureError extends Error {
  override readonly name = "JsonStructureError";
  constructor(
    readonly offset: number,
    reason: string,
  ) {
    super(`${reason} at byte ${offset}`);
  }
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function isHex(byte: number): boolean {
  return isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

function show(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, "0")}`;
  return byte > 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}' (${hex})` : `byte ${hex}`;
}

/** Incremental checker of one message; feed it the message's bytes in order. */
export class JsonScanner {
  private state = START;
  // Container kinds, innermost last.
  private stack = new Uint8Array(64);
  private depth = 0;
  private keyString = false;
  private hexLeft = 0;
  private utf8Left = 0;
  // The range the next UTF-8 continuation byte must be in (narrower after some lead bytes).
  private utf8Low = 0x80;
  private utf8High = 0xbf;
  private literal = "";
  private literalAt = 0;
  /** Bytes of the message consumed so far. */
  offset = 0;
  // offset - index at the start of the current feed, to turn an index into an offset.
  private base = 0;

  /** Starts over for a new message. */
  reset(): void {
    this.state = START;
    this.depth = 0;
    this.offset = 0;
  }

  /**
   * Checks `bytes[from, to)`. Returns the index just after the message's closing brace, or
   * -1 when the message continues past `to`.
   * @throws {@link JsonStructureError} at the first invalid byte.
   */
  feed(bytes: Uint8Array, from: number, to: number): number {
    let state = this.state;
    this.base = this.offset - from;
    for (let i = from; i < to; i++) {
      let byte = bytes[i] as number;
      if (state === STRING) {
        // The hot loop: most bytes of a message are inside strings.
        while (byte !== 0x22 && byte !== 0x5c && byte >= 0x20 && byte < 0x80) {
          if (++i === to) break;
          byte = bytes[i] as number;
        }
        if (i === to) break;
        if (byte === 0x22) state = this.keyString ? COLON : AFTER;
        else if (byte === 0x5c) state = ESCAPE;
        else if (byte < 0x20) this.fail(i, `raw control character ${show(byte)} inside a string`);
        else state = this.utf8Lead(byte, i);
        continue;
      }
      switch (state) {
        case AFTER:
          if (isSpace(byte)) continue;
          if (byte === 0x2c) state = this.stack[this.depth - 1] === OBJECT ? KEY : VALUE;
          else if (byte === 0x7d || byte === 0x5d) {
            if (this.stack[this.depth - 1] !== (byte === 0x7d ? OBJECT : ARRAY)) {
              this.fail(i, `mismatched ${show(byte)}`);
            }
            if (--this.depth === 0) return this.complete(i);
          } else this.fail(i, `unexpected ${show(byte)}, ${EXPECTED[AFTER]}`);
          continue;
        case START:
          if (byte !== 0x7b) this.fail(i, `unexpected ${show(byte)}: ${EXPECTED[START]}`);
          this.push(OBJECT);
          state = FIRST_KEY;
          continue;
        case FIRST_KEY:
        case KEY:
          if (isSpace(byte)) continue;
          if (byte === 0x22) {
            this.keyString = true;
            state = STRING;
          } else if (byte === 0x7d && state === FIRST_KEY) {
            this.depth--;
            state = AFTER;
            if (this.depth === 0) return this.complete(i);
          } else this.fail(i, `unexpected ${show(byte)}, ${EXPECTED[state]}`);
          continue;
        case COLON:
          if (isSpace(byte)) continue;
          if (byte !== 0x3a) this.fail(i, `unexpected ${show(byte)}, ${EXPECTED[COLON]}`);
          state = VALUE;
          continue;
        case FIRST_ITEM:
          if (byte === 0x5d) {
            this.depth--;
            state = AFTER;
          } else if (!isSpace(byte)) state = this.startValue(byte, i, state);
          continue;
        case VALUE:
          if (!isSpace(byte)) state = this.startValue(byte, i, state);
          continue;
        case ESCAPE:
          if (byte === 0x75) {
            state = HEX;
            this.hexLeft = 4;
          } else if ('"\\/bfnrt'.includes(String.fromCharCode(byte))) state = STRING;
          else this.fail(i, `${EXPECTED[ESCAPE]} ${show(byte)}`);
          continue;
        case HEX:
          if (!isHex(byte)) this.fail(i, `unexpected ${show(byte)}, ${EXPECTED[HEX]}`);
          if (--this.hexLeft === 0) state = STRING;
          continue;
        case UTF8:
          if (byte < this.utf8Low || byte > this.utf8High) this.fail(i, `invalid UTF-8 (${show(byte)})`);
          this.utf8Low = 0x80;
          this.utf8High = 0xbf;
          if (--this.utf8Left === 0) state = STRING;
          continue;
        case LITERAL:
          if (byte !== this.literal.charCodeAt(this.literalAt)) this.fail(i, `unexpected ${show(byte)} in '${this.literal}'`);
          if (++this.literalAt === this.literal.length) state = AFTER;
          continue;
        default:
          state = this.number(state, byte, i);
          // A byte that ends a number belongs to what follows it.
          if (state === AFTER) i--;
          continue;
      }
    }
    this.state = state;
    this.offset += to - from;
    return -1;
  }

  private complete(at: number): number {
    this.state = START;
    this.offset = 0;
    return at + 1;
  }

  private startValue(byte: number, at: number, state: number): number {
    if (byte === 0x22) {
      this.keyString = false;
      return STRING;
    }
    if (byte === 0x7b) {
      this.push(OBJECT);
      return FIRST_KEY;
    }
    if (byte === 0x5b) {
      this.push(ARRAY);
      return FIRST_ITEM;
    }
    if (byte === 0x2d) return MINUS;
    if (byte === 0x30) return ZERO;
    if (isDigit(byte)) return INT;
    const literal = byte === 0x74 ? "true" : byte === 0x66 ? "false" : byte === 0x6e ? "null" : undefined;
    if (literal === undefined) return this.fail(at, `unexpected ${show(byte)}, ${EXPECTED[state]}`);
    this.literal = literal;
    this.literalAt = 1;
    return LITERAL;
  }

  // One byte of a number; returns AFTER (without consuming the byte) when the number ended.
  private number(state: number, byte: number, at: number): number {
    const digit = isDigit(byte);
    switch (state) {
      case MINUS:
        if (byte === 0x30) return ZERO;
        if (digit) return INT;
        break;
      case ZERO:
      case INT:
        if (digit && state === INT) return INT;
        if (byte === 0x2e) return DOT;
        if (byte === 0x65 || byte === 0x45) return EXP;
        if (!digit) return AFTER;
        break;
      case DOT:
      case FRAC:
        if (digit) return FRAC;
        if (state === FRAC) return byte === 0x65 || byte === 0x45 ? EXP : AFTER;
        break;
      case EXP:
        if (byte === 0x2b || byte === 0x2d) return EXP_SIGN;
        if (digit) return EXP_DIGITS;
        break;
      case EXP_SIGN:
      case EXP_DIGITS:
        if (digit) return EXP_DIGITS;
        if (state === EXP_DIGITS) return AFTER;
        break;
    }
    return this.fail(at, `unexpected ${show(byte)} in a number, ${EXPECTED[state] ?? "expected a digit"}`);
  }

  private utf8Lead(byte: number, at: number): number {
    this.utf8Low = 0x80;
    this.utf8High = 0xbf;
    if (byte >= 0xc2 && byte <= 0xdf) this.utf8Left = 1;
    else if (byte >= 0xe0 && byte <= 0xef) {
      this.utf8Left = 2;
      if (byte === 0xe0) this.utf8Low = 0xa0; // overlong
      if (byte === 0xed) this.utf8High = 0x9f; // surrogates
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      this.utf8Left = 3;
      if (byte === 0xf0) this.utf8Low = 0x90; // overlong
      if (byte === 0xf4) this.utf8High = 0x8f; // beyond U+10FFFF
    } else this.fail(at, `invalid UTF-8 (${show(byte)})`);
    return UTF8;
  }

  private push(kind: number): void {
    if (this.depth === this.stack.length) {
      const grown = new Uint8Array(this.stack.length * 2);
      grown.set(this.stack);
      this.stack = grown;
    }
    this.stack[this.depth++] = kind;
  }

  // `at` is an index into the current feed; the offset counts from the message's first byte.
  private fail(at: number, reason: string): never {
    throw new JsonStructureError(this.base + at, reason);
  }
}
