/**
 * qmp-shell's words: splitting a line into tokens, and reading one `value` of `key=value`.
 * @module
 */
import { parseQmpJson } from "../json-parse.js";

/** A word of the input line, with its position (for completion). */
export interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Splits at whitespace outside quotes and brackets, so `a={"x": 1}` and `b="two words"` stay
 * one token each. `open` is true when the line ends inside a quote or bracket.
 */
export function tokenize(line: string): { tokens: Token[]; open: boolean } {
  const tokens: Token[] = [];
  let open = false;
  let i = 0;
  while (i < line.length) {
    if (/\s/.test(line[i] as string)) {
      i++;
      continue;
    }
    const start = i;
    let depth = 0;
    while (i < line.length) {
      const c = line[i] as string;
      if (c === '"' || c === "'") {
        const close = closingQuote(line, i);
        if (close < 0) {
          open = true;
          i = line.length;
          break;
        }
        i = close + 1;
        continue;
      }
      if (c === "{" || c === "[") depth++;
      else if ((c === "}" || c === "]") && depth > 0) depth--;
      else if (depth === 0 && /\s/.test(c)) break;
      i++;
    }
    if (depth > 0) open = true;
    tokens.push({ text: line.slice(start, i), start, end: i });
  }
  return { tokens, open };
}

/** Index of the quote closing the one at `at` (backslash escapes), or -1. */
function closingQuote(text: string, at: number): number {
  const quote = text[at];
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** A parsed value; `bare` when it came from an unquoted scalar word (a schema may retype it). */
export interface ParsedValue {
  readonly value: unknown;
  readonly bare: boolean;
}

const INTEGER = /^[-+]?\d+$/;

/**
 * Reads a value as qmp-shell does: an integer, `true`/`false`, `null`, a JSON (or
 * Python-style single-quoted) object or array, else a string. A fully quoted word is a
 * string with its escapes applied (`"123"` stays a string).
 */
export function parseValue(text: string): ParsedValue {
  const first = text[0];
  if ((first === '"' || first === "'") && closingQuote(text, 0) === text.length - 1) {
    try {
      return { value: parseQmpJson(text), bare: false };
    } catch {
      return { value: text, bare: false };
    }
  }
  if (INTEGER.test(text)) {
    const n = Number(text);
    return { value: Number.isSafeInteger(n) ? n : BigInt(text), bare: true };
  }
  const lower = text.toLowerCase();
  if (lower === "true" || lower === "false") return { value: lower === "true", bare: true };
  if (text === "null") return { value: null, bare: true };
  if (first === "{" || first === "[") {
    const structured = parseStructured(text);
    if (structured !== undefined) return { value: structured.value, bare: false };
  }
  return { value: text, bare: true };
}

/** JSON, or Python-style (single quotes, True/False/None); undefined when it is neither. */
export function parseStructured(text: string): { value: unknown } | undefined {
  try {
    return { value: parseQmpJson(text) };
  } catch {
    try {
      return { value: parseQmpJson(pythonKeywordsToJson(text)) };
    } catch {
      return undefined;
    }
  }
}

/** Replaces True/False/None outside quoted strings. */
function pythonKeywordsToJson(text: string): string {
  let out = "";
  for (let i = 0; i < text.length;) {
    const c = text[i] as string;
    if (c === '"' || c === "'") {
      const close = closingQuote(text, i);
      const end = close < 0 ? text.length : close + 1;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const word = /^[A-Za-z_]\w*/.exec(text.slice(i))?.[0];
    if (word !== undefined) {
      out += word === "True" ? "true" : word === "False" ? "false" : word === "None" ? "null" : word;
      i += word.length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
