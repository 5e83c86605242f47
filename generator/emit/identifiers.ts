/**
 * Making schema text safe in generated code: identifiers, string literals, doc comments.
 * Nothing from a schema reaches the output except through these functions.
 * @module
 */

/** Words that cannot (or should not) name a generated declaration. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  // ECMAScript reserved words, strict-mode and contextual ones
  ..."break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with".split(
    " ",
  ),
  ..."implements interface let package private protected public static yield await async arguments eval of get set".split(" "),
  // TypeScript keywords and predefined type names (invalid as type alias names)
  ..."any as asserts bigint boolean declare infer is keyof module namespace never number object readonly require satisfies string symbol type undefined unique unknown abstract accessor global out override".split(
    " ",
  ),
  // Properties with special meaning on every object; an exported `then` makes the module
  // namespace a thenable, so `await import()` of the bindings would call it
  ..."__proto__ constructor prototype toString valueOf hasOwnProperty then".split(" "),
  // Globals the generated code relies on; shadowing them would change its meaning
  ..."Promise Record Omit Pick Partial Readonly ReadonlyArray Array Exclude Extract NonNullable Object String Number Boolean Symbol Error Function Date Map Set JSON Math globalThis".split(
    " ",
  ),
]);

/**
 * Turns arbitrary schema text into a safe identifier: ASCII letters, digits and `_` only,
 * not starting with a digit, not a reserved word. Deterministic; may collide, so callers
 * deduplicate.
 * @param fallback used when nothing usable is left, e.g. `"Type"`.
 */
export function safeIdentifier(raw: string, fallback: string): string {
  let id = raw.replace(/[^A-Za-z0-9_]/g, "");
  if (id === "") id = fallback;
  if (/^\d/.test(id)) id = `_${id}`;
  if (RESERVED_WORDS.has(id)) id = `${id}_`;
  return id;
}

/** A JavaScript string literal for any text (JSON escaping, plus the two line separators). */
export function stringLiteral(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Text for inside a `/** ... *\/` comment: cannot close it, cannot start a tag by accident. */
export function docText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u2028\u2029]/g, "\n")
    .replace(/\*\//g, "*\\/")
    .replace(/(^|\n)(\s*)@/g, "$1$2\\@");
}

/** Schema text inside inline code in docs: one line, no backticks, no comment end. */
export function docCode(text: string): string {
  return "`" + docText(text.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/`/g, "'")) + "`";
}

/** Text for a `//` line comment: one line, no control characters. */
export function lineCommentText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
}
