/**
 * Parser for one QAPI schema file: tokens → located JSON-like values, plus the raw
 * documentation comment blocks between the top-level expressions.
 * @module
 */
import { fail, type SourceLocation } from "./errors.js";
import { tokenize, type Token, type TokenKind } from "./lexer.js";

/** A string value. */
export interface QString {
  readonly kind: "string";
  readonly value: string;
  readonly loc: SourceLocation;
}

/** `true` or `false`. */
export interface QBool {
  readonly kind: "bool";
  readonly value: boolean;
  readonly loc: SourceLocation;
}

/** An array. */
export interface QArray {
  readonly kind: "array";
  readonly items: readonly QValue[];
  readonly loc: SourceLocation;
}

/** One `key: value` pair of an object; `keyLoc` is where the key starts. */
export interface QEntry {
  readonly key: string;
  readonly keyLoc: SourceLocation;
  readonly value: QValue;
}

/** An object; entries keep source order and keys are unique. */
export interface QObject {
  readonly kind: "object";
  readonly entries: ReadonlyMap<string, QEntry>;
  readonly loc: SourceLocation;
}

/** Any located value. */
export type QValue = QString | QBool | QArray | QObject;

/** One line of a documentation comment: the text after `# `, located at its first char. */
export interface DocLine {
  readonly text: string;
  readonly loc: SourceLocation;
}

/** A documentation comment: the lines between a `##` line and the closing `##` line. */
export interface DocBlock {
  readonly loc: SourceLocation;
  readonly lines: readonly DocLine[];
}

/** A top-level item of a file, in source order. */
export type TopItem = { readonly kind: "expr"; readonly expr: QObject } | { readonly kind: "doc"; readonly doc: DocBlock };

const DESCRIBE: Record<TokenKind, string> = {
  "{": "'{'",
  "}": "'}'",
  "[": "'['",
  "]": "']'",
  ":": "':'",
  ",": "','",
  string: "a string",
  true: "'true'",
  false: "'false'",
  comment: "a comment",
  eof: "end of file",
};

/** Deeper nesting than any real schema needs; bounds recursion on hostile input. */
const MAX_DEPTH = 64;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  /** The current token, skipping comments unless `keepComments`. */
  peek(keepComments = false): Token {
    if (!keepComments) while (this.tokens[this.pos]?.kind === "comment") this.pos++;
    const tok = this.tokens[this.pos] ?? this.tokens[this.tokens.length - 1];
    if (tok === undefined) throw new Error("token stream without eof");
    return tok;
  }

  next(keepComments = false): Token {
    const tok = this.peek(keepComments);
    if (tok.kind !== "eof") this.pos++;
    return tok;
  }

  value(): QValue {
    const tok = this.next();
    if ((tok.kind === "[" || tok.kind === "{") && this.depth >= MAX_DEPTH)
      fail(tok.loc, `nesting deeper than ${MAX_DEPTH} levels`);
    switch (tok.kind) {
      case "string":
        return { kind: "string", value: tok.value, loc: tok.loc };
      case "true":
      case "false":
        return { kind: "bool", value: tok.kind === "true", loc: tok.loc };
      case "[":
      case "{": {
        this.depth++;
        const v = tok.kind === "[" ? this.array(tok) : this.object(tok);
        this.depth--;
        return v;
      }
      default:
        return fail(tok.loc, `expected a value, found ${DESCRIBE[tok.kind]}`);
    }
  }

  array(open: Token): QArray {
    const items: QValue[] = [];
    if (this.peek().kind === "]") {
      this.next();
      return { kind: "array", items, loc: open.loc };
    }
    for (;;) {
      items.push(this.value());
      const sep = this.next();
      if (sep.kind === "]") return { kind: "array", items, loc: open.loc };
      if (sep.kind !== ",") fail(sep.loc, `expected ',' or ']', found ${DESCRIBE[sep.kind]}`);
      if (this.peek().kind === "]") fail(sep.loc, "trailing comma in array");
    }
  }

  object(open: Token): QObject {
    const entries = new Map<string, QEntry>();
    if (this.peek().kind === "}") {
      this.next();
      return { kind: "object", entries, loc: open.loc };
    }
    for (;;) {
      const key = this.next();
      if (key.kind !== "string") fail(key.loc, `expected a string key, found ${DESCRIBE[key.kind]}`);
      if (entries.has(key.value)) fail(key.loc, `duplicate key '${key.value}'`);
      const colon = this.next();
      if (colon.kind !== ":") fail(colon.loc, `expected ':', found ${DESCRIBE[colon.kind]}`);
      entries.set(key.value, {
        key: key.value,
        keyLoc: key.loc,
        value: this.value(),
      });
      const sep = this.next();
      if (sep.kind === "}") return { kind: "object", entries, loc: open.loc };
      if (sep.kind !== ",") fail(sep.loc, `expected ',' or '}', found ${DESCRIBE[sep.kind]}`);
      if (this.peek().kind === "}") fail(sep.loc, "trailing comma in object");
    }
  }

  /** Collects a documentation comment; `open` is its `##` line. */
  docBlock(open: Token): DocBlock {
    if (open.value.trimEnd() !== "#") fail(open.loc, "junk after '##' at start of documentation comment");
    const lines: DocLine[] = [];
    for (;;) {
      const tok = this.next(true);
      if (tok.kind !== "comment" || !tok.lineStart) fail(open.loc, "documentation comment must end with '##'");
      const text = tok.value.trimEnd();
      if (text === "#") return { loc: open.loc, lines };
      if (text !== "" && !text.startsWith(" ")) {
        fail(tok.loc, "missing space after '#' in documentation comment");
      }
      const loc = {
        file: tok.loc.file,
        line: tok.loc.line,
        col: tok.loc.col + 2,
      };
      lines.push({ text: text.slice(1), loc });
    }
  }

  top(): TopItem[] {
    const items: TopItem[] = [];
    for (;;) {
      const tok = this.next(true);
      if (tok.kind === "eof") return items;
      if (tok.kind === "comment") {
        if (tok.lineStart && tok.value.startsWith("#")) items.push({ kind: "doc", doc: this.docBlock(tok) });
        continue;
      }
      if (tok.kind !== "{") fail(tok.loc, `top-level expression must be an object, found ${DESCRIBE[tok.kind]}`);
      items.push({ kind: "expr", expr: this.object(tok) });
    }
  }
}

/**
 * Parses the text of one schema file into top-level expressions and doc comment blocks.
 * @throws QapiError on a lexical or syntax error.
 */
export function parseSchemaText(file: string, text: string): TopItem[] {
  return new Parser(tokenize(file, text)).top();
}
