/**
 * Lexer for the QAPI schema syntax: JSON-like, `#` comments, single-quoted strings of
 * printable ASCII with `\\` as the only escape, `true`/`false`, no numbers, no `null`.
 * @module
 */
import { fail, type SourceLocation } from "./errors.js";

/** Kinds of tokens. `comment` carries the text after `#` up to the end of the line. */
export type TokenKind = "{" | "}" | "[" | "]" | ":" | "," | "string" | "true" | "false" | "comment" | "eof";

/** One token with its start position. */
export interface Token {
  readonly kind: TokenKind;
  /** String contents (unescaped) for `string`; text after `#` for `comment`; else "". */
  readonly value: string;
  readonly loc: SourceLocation;
  /** Whether the token is the first non-blank thing on its line (for doc comments). */
  readonly lineStart: boolean;
}

const PUNCTUATION = new Set(["{", "}", "[", "]", ":", ","]);

/** Describes a character for messages, making control characters visible. */
export function showChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f || code > 0x7e) return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `'${ch}'`;
}

/**
 * Splits `text` (the contents of `file`) into tokens, ending with one `eof` token.
 * @throws QapiError on a lexical error.
 */
export function tokenize(file: string, text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStartPos = 0;
  let sawTokenOnLine = false;
  const here = (at: number): SourceLocation => ({
    file,
    line,
    col: at - lineStartPos + 1,
  });
  const push = (kind: TokenKind, value: string, at: number): void => {
    tokens.push({ kind, value, loc: here(at), lineStart: !sawTokenOnLine });
    sawTokenOnLine = true;
  };

  while (pos < text.length) {
    const ch = text[pos] ?? "";
    if (ch === "\n") {
      pos++;
      line++;
      lineStartPos = pos;
      sawTokenOnLine = false;
    } else if (ch === " " || ch === "\t" || ch === "\r") {
      pos++;
    } else if (ch === "#") {
      let end = text.indexOf("\n", pos);
      if (end < 0) end = text.length;
      push("comment", text.slice(pos + 1, end).replace(/\r$/, ""), pos);
      pos = end;
    } else if (PUNCTUATION.has(ch)) {
      push(ch as TokenKind, "", pos);
      pos++;
    } else if (ch === "'") {
      const start = pos;
      let value = "";
      pos++;
      for (;;) {
        const c = text[pos];
        if (c === undefined || c === "\n") fail(here(start), 'missing terminating "\'"');
        if (c === "'") break;
        if (c === "\\") {
          const next = text[pos + 1];
          if (next !== "\\") {
            fail(here(pos), next === undefined || next === "\n" ? 'missing terminating "\'"' : `unknown escape \\${next}`);
          }
          value += "\\";
          pos += 2;
          continue;
        }
        const code = c.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) fail(here(pos), `non-printable or non-ASCII character ${showChar(c)} in string`);
        value += c;
        pos++;
      }
      pos++;
      push("string", value, start);
    } else if (/[A-Za-z]/.test(ch)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos, pos + 64))?.[0] ?? ch;
      if (word === "true" || word === "false") push(word, "", pos);
      else if (word === "null") fail(here(pos), "'null' is not allowed in QAPI schemas");
      else fail(here(pos), `unexpected word '${word}' (only 'true' and 'false' are allowed)`);
      pos += word.length;
    } else if (/[-0-9.]/.test(ch)) {
      fail(here(pos), "numbers are not allowed in QAPI schemas");
    } else if (ch === '"') {
      fail(here(pos), "strings must be in single quotes");
    } else {
      fail(here(pos), `stray character ${showChar(ch)}`);
    }
  }
  tokens.push({
    kind: "eof",
    value: "",
    loc: here(pos),
    lineStart: !sawTokenOnLine,
  });
  return tokens;
}
