/**
 * The C preprocessor conditions of QEMU schemas before 6.1 (`'defined(CONFIG_X)'`,
 * `'!defined(A) && (defined(B) || defined(C))'`): the `#if` subset they use, mapped to
 * {@link Cond}. A bare identifier means "defined" (every real use is a config symbol).
 * @module
 */
import type { Cond } from "./conditions.js";

const TOKEN = /\s*(defined\b|&&|\|\||!|\(|\)|[A-Za-z_][A-Za-z0-9_]*)/y;

function tokens(text: string): string[] | undefined {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (m === null || TOKEN.lastIndex === start) return undefined;
    out.push(m[1] ?? "");
  }
  return out;
}

/** Parses a preprocessor condition; `undefined` when it is not of the supported form. */
export function parsePreprocessorCond(text: string): Cond | undefined {
  const toks = tokens(text);
  if (toks === undefined || toks.length === 0) return undefined;
  let pos = 0;
  let depth = 0;
  const peek = (): string | undefined => toks[pos];
  const isName = (t: string | undefined): t is string => t !== undefined && /^[A-Za-z_]/.test(t) && t !== "defined";

  const primary = (): Cond | undefined => {
    // Deeper nesting than any real condition: refused rather than risking the stack.
    if (++depth > 32) return undefined;
    const t = toks[pos++];
    if (t === "!") {
      const item = primary();
      depth--;
      return item === undefined ? undefined : { kind: "not", item };
    }
    if (t === "(") {
      const inner = or();
      depth--;
      return toks[pos++] === ")" ? inner : undefined;
    }
    depth--;
    if (t === "defined") {
      const paren = peek() === "(";
      if (paren) pos++;
      const name = toks[pos++];
      if (!isName(name) || (paren && toks[pos++] !== ")")) return undefined;
      return { kind: "sym", name };
    }
    return isName(t) ? { kind: "sym", name: t } : undefined;
  };
  const chain = (op: "&&" | "||", kind: "all" | "any", next: () => Cond | undefined) => (): Cond | undefined => {
    const first = next();
    if (first === undefined) return undefined;
    const items = [first];
    while (peek() === op) {
      pos++;
      const item = next();
      if (item === undefined) return undefined;
      items.push(item);
    }
    return items.length === 1 ? first : { kind, items };
  };
  const and = chain("&&", "all", primary);
  const or = chain("||", "any", and);
  const cond = or();
  return pos === toks.length ? cond : undefined;
}
