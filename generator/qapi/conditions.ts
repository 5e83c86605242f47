/**
 * Conditions (`'if'`): parse, evaluate against a set of defined symbols, render as text.
 *
 * Two syntaxes, by QEMU release: up to 6.0 a condition is a C preprocessor expression in a
 * string (`'defined(CONFIG_SPICE)'`, `'defined(A) || defined(B)'`) or a list of such strings
 * (all must hold); from 6.1 on it is a symbol or `{all/any/not}`. Both map to one {@link Cond}.
 * @module
 */
import { fail } from "./errors.js";
import type { QString, QValue } from "./parser.js";
import { parsePreprocessorCond } from "./preprocessor-cond.js";

/** A condition: a config symbol, or all/any/not of conditions. */
export type Cond =
  | { readonly kind: "sym"; readonly name: string }
  | { readonly kind: "all"; readonly items: readonly Cond[] }
  | { readonly kind: "any"; readonly items: readonly Cond[] }
  | { readonly kind: "not"; readonly item: Cond };

const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks and converts the value of an `'if'` key.
 * @param what - what the condition belongs to, for messages (e.g. "member 'foo'").
 * @param legacy - a schema of QEMU before 6.0 (old pragma names): lists of conditions are
 *   allowed; QEMU 6.1 replaced them with `{all: [...]}` and refuses them since.
 * @throws QapiError when the condition is malformed.
 */
export function parseCond(value: QValue, what: string, legacy = false): Cond {
  if (value.kind === "string") return stringCond(value, what);
  if (value.kind === "array" && legacy) {
    // Before QEMU 6.1: a list of C conditions that must all hold.
    if (value.items.length === 0) fail(value.loc, `'if' condition [] of ${what} is useless`);
    const items = value.items.map((item) =>
      item.kind === "string" ? stringCond(item, what) : fail(item.loc, `'if' condition of ${what} must be a string`),
    );
    return items.length === 1 && items[0] !== undefined ? items[0] : { kind: "all", items };
  }
  if (value.kind !== "object") fail(value.loc, `'if' condition of ${what} must be a string or an object`);
  const entries = [...value.entries.values()];
  const [entry] = entries;
  if (entry === undefined || entries.length !== 1) {
    fail(value.loc, `'if' condition of ${what} must have exactly one key: 'all', 'any' or 'not'`);
  }
  if (entry.key === "not") return { kind: "not", item: parseCond(entry.value, what, legacy) };
  if (entry.key !== "all" && entry.key !== "any") {
    fail(entry.keyLoc, `'if' condition of ${what} has unknown operator '${entry.key}'`);
  }
  if (entry.value.kind !== "array") fail(entry.value.loc, `'${entry.key}' condition of ${what} must be an array`);
  if (entry.value.items.length === 0) fail(entry.value.loc, `'${entry.key}' condition of ${what} must not be empty`);
  return {
    kind: entry.key,
    items: entry.value.items.map((item) => parseCond(item, what, legacy)),
  };
}

/** A symbol (any release), or a C preprocessor expression (before QEMU 6.1). */
function stringCond(value: QString, what: string): Cond {
  if (SYMBOL.test(value.value)) return { kind: "sym", name: value.value };
  if (value.value.trim() === "") fail(value.loc, `'if' condition '${value.value}' of ${what} makes no sense`);
  const cond = parsePreprocessorCond(value.value);
  if (cond === undefined)
    fail(value.loc, `'if' condition '${value.value}' of ${what} is not a valid symbol or 'defined(SYMBOL)' expression`);
  return cond;
}

/** Whether `cond` holds when exactly the symbols in `defines` are defined. */
export function evalCond(cond: Cond | undefined, defines: ReadonlySet<string>): boolean {
  if (cond === undefined) return true;
  switch (cond.kind) {
    case "sym":
      return defines.has(cond.name);
    case "not":
      return !evalCond(cond.item, defines);
    case "all":
      return cond.items.every((c) => evalCond(c, defines));
    case "any":
      return cond.items.some((c) => evalCond(c, defines));
  }
}

/** Renders a condition for humans: `CONFIG_SPICE and not (TARGET_S390X or TARGET_PPC)`. */
export function renderCond(cond: Cond): string {
  switch (cond.kind) {
    case "sym":
      return cond.name;
    case "not":
      return `not ${renderOperand(cond.item)}`;
    case "all":
    case "any":
      return cond.items.length === 1 && cond.items[0] !== undefined
        ? renderCond(cond.items[0])
        : cond.items.map(renderOperand).join(cond.kind === "all" ? " and " : " or ");
  }
}

/** A one-item `all`/`any` is just its item: unwrapped before deciding on parentheses. */
function unwrap(cond: Cond): Cond {
  return (cond.kind === "all" || cond.kind === "any") && cond.items.length === 1 && cond.items[0] !== undefined
    ? unwrap(cond.items[0])
    : cond;
}

function renderOperand(cond: Cond): string {
  const inner = unwrap(cond);
  const text = renderCond(inner);
  return (inner.kind === "all" || inner.kind === "any") && inner.items.length > 1 ? `(${text})` : text;
}

/** The conjunction of two optional conditions. */
export function andCond(a: Cond | undefined, b: Cond | undefined): Cond | undefined {
  if (a === undefined) return b;
  if (b === undefined || JSON.stringify(a) === JSON.stringify(b)) return a;
  return { kind: "all", items: [a, b] };
}
