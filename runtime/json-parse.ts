/**
 * JSON input parsing the way QEMU's monitor accepts it: single-quoted strings are allowed
 * and integers beyond 2^53 survive as `bigint`, so ids and uint64 arguments are echoed
 * exactly.
 * @module
 */

/** Input QEMU would reject; `message` is the text after "JSON parse error, ". */
export class JsonInputError extends Error {
  override readonly name = "JsonInputError";
}

// Any 16+ digit run may be an unsafe integer; only then is the slow lossless path needed.
const MAYBE_UNSAFE_INTEGER = /\d{16}/;
const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const KEYWORD = /[A-Za-z_$][\w$]*/y;
const MAX_DEPTH = 1024;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Parses one framed QMP message. Integers that a `number` cannot hold exactly become
 * `bigint`; everything else is what `JSON.parse` gives.
 * @throws {@link JsonInputError} when the text is not acceptable JSON.
 */
export function parseQmpJson(text: string): unknown {
  if (!MAYBE_UNSAFE_INTEGER.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Fall through: the lenient parser accepts single quotes and words the error like QEMU.
    }
  }
  return parseLenient(text, true);
}

/**
 * Parses strict JSON (what a QMP server sends: no single quotes), keeping integers that a
 * `number` cannot hold exactly as `bigint`, like {@link parseQmpJson}.
 * @throws {@link JsonInputError} when the text is not JSON.
 */
export function parseLosslessJson(text: string): unknown {
  // Without a long digit run, JSON.parse gives the same values (and throws on invalid JSON).
  if (!MAYBE_UNSAFE_INTEGER.test(text)) return JSON.parse(text);
  return parseLenient(text, false);
}

function parseLenient(text: string, singleQuotes: boolean): unknown {
  const parser = new Parser(text, singleQuotes);
  const value = parser.value(0);
  parser.end();
  return value;
}

class Parser {
  #pos = 0;
  readonly #quotes: string;
  constructor(
    private readonly text: string,
    singleQuotes: boolean,
  ) {
    this.#quotes = singleQuotes ? `"'` : '"';
  }

  end(): void {
    this.#skipSpace();
    if (this.#pos < this.text.length) throw this.#stray();
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new JsonInputError("too many nested data structures");
    this.#skipSpace();
    const c = this.text[this.#pos];
    if (c === "{") return this.#object(depth);
    if (c === "[") return this.#array(depth);
    if (c !== undefined && this.#quotes.includes(c)) return this.#string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.#number();
    KEYWORD.lastIndex = this.#pos;
    const word = KEYWORD.exec(this.text)?.[0];
    if (word === undefined) throw new JsonInputError("expecting value");
    this.#pos += word.length;
    if (word === "true") return true;
    if (word === "false") return false;
    if (word === "null") return null;
    throw new JsonInputError(`invalid keyword '${word}'`);
  }

  #object(depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.#pos++;
    this.#skipSpace();
    if (this.#eat("}")) return result;
    for (;;) {
      this.#skipSpace();
      const c = this.text[this.#pos];
      if (c === undefined || !this.#quotes.includes(c)) {
        throw new JsonInputError(c === "}" || c === undefined ? "expecting value" : "key is not a string in object");
      }
      const key = this.#string();
      this.#skipSpace();
      if (!this.#eat(":")) throw new JsonInputError("missing : in object pair");
      const value = this.value(depth + 1);
      // A "__proto__" key must become an own property, as with JSON.parse.
      Object.defineProperty(result, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.#skipSpace();
      if (this.#eat("}")) return result;
      if (!this.#eat(",")) throw new JsonInputError("expected separator in dict");
    }
  }

  #array(depth: number): unknown[] {
    const result: unknown[] = [];
    this.#pos++;
    this.#skipSpace();
    if (this.#eat("]")) return result;
    for (;;) {
      result.push(this.value(depth + 1));
      this.#skipSpace();
      if (this.#eat("]")) return result;
      if (!this.#eat(",")) throw new JsonInputError("expected separator in list");
    }
  }

  #string(): string {
    const quote = this.text[this.#pos];
    let out = "";
    let i = this.#pos + 1;
    for (;;) {
      const c = this.text[i];
      if (c === undefined) throw new JsonInputError("missing quote");
      if (c === quote) break;
      if (c !== "\\") {
        if (c < " ") throw new JsonInputError("control character in string");
        out += c;
        i++;
        continue;
      }
      const e = this.text[i + 1];
      i += 2;
      switch (e) {
        case '"':
        case "\\":
        case "/":
          out += e;
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hex = this.text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonInputError("invalid escape sequence in string");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        case "'":
          if (this.#quotes.length === 1) throw new JsonInputError("invalid escape sequence in string");
          out += e;
          break;
        default:
          throw new JsonInputError("invalid escape sequence in string");
      }
    }
    this.#pos = i + 1;
    return out;
  }

  #number(): number | bigint {
    NUMBER.lastIndex = this.#pos;
    const raw = NUMBER.exec(this.text)?.[0];
    if (raw === undefined) throw new JsonInputError("expecting value");
    this.#pos += raw.length;
    const n = Number(raw);
    if (!INTEGER.test(raw) || Number.isSafeInteger(n)) return n;
    // QEMU keeps integers exactly within int64/uint64 and turns the rest into doubles.
    const big = BigInt(raw);
    return big >= INT64_MIN && big <= UINT64_MAX ? big : n;
  }

  #skipSpace(): void {
    const t = this.text;
    while (this.#pos < t.length) {
      const c = t.charCodeAt(this.#pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.#pos++;
    }
  }

  #eat(c: string): boolean {
    if (this.text[this.#pos] !== c) return false;
    this.#pos++;
    return true;
  }

  #stray(): JsonInputError {
    const c = this.text[this.#pos] ?? "";
    return c === "}" || c === "]" || c === "," || c === ":"
      ? new JsonInputError("expecting value")
      : new JsonInputError(`stray '${c}'`);
  }
}
