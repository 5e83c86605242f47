/**
 * Reduces the rST used in QAPI doc comments to readable markdown: inline literals and
 * `@name` references become code spans, `::` literal blocks and code directives become
 * fenced code, admonitions become bold labels, rST comments disappear.
 * @module
 */

const DIRECTIVE = /^(\s*)\.\.\s+([A-Za-z][\w:-]*)::\s*(.*)$/;
const COMMENT = /^(\s*)\.\.(\s|$)/;
const CODE_DIRECTIVES = new Set(["code-block", "code", "sourcecode", "qmp-example", "highlight"]);
const ADMONITIONS: Readonly<Record<string, string>> = {
  note: "Note",
  warning: "Warning",
  important: "Important",
  tip: "Tip",
  caution: "Caution",
  attention: "Attention",
  danger: "Danger",
  hint: "Hint",
  seealso: "See also",
  admonition: "",
};

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Lines after `start` that are blank or indented deeper than `indent` (the block body). */
function blockBody(lines: readonly string[], start: number, indent: number): { body: string[]; next: number } {
  let i = start;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (line.trim() !== "" && indentOf(line) <= indent) break;
    i++;
  }
  let end = i;
  while (end > start && (lines[end - 1] ?? "").trim() === "") end--;
  const body = lines.slice(start, end);
  const cut = Math.min(...body.filter((l) => l.trim() !== "").map(indentOf), Number.MAX_SAFE_INTEGER);
  return { body: body.map((l) => l.slice(Math.min(cut, indentOf(l)))), next: end };
}

/**
 * How many lines at the start of a directive body are options (`:title: Text`, `:annotated:`).
 * Only a leading run counts, and a role such as `` :doc:`x` `` is text, not an option.
 */
function optionLines(body: readonly string[]): number {
  let n = 0;
  while (n < body.length && /^:[\w-]+:(\s|$)/.test(body[n] ?? "")) n++;
  return n;
}

/** `lines` without their common indentation (options may be indented less than the content). */
function dedentLines(lines: readonly string[]): string[] {
  const cut = Math.min(...lines.filter((l) => l.trim() !== "").map(indentOf), Number.MAX_SAFE_INTEGER);
  return lines.map((l) => l.slice(Math.min(cut, indentOf(l))));
}

function fence(body: readonly string[], lang = ""): string[] {
  const content = body.join("\n").replace(/^\n+/, "");
  const ticks = /```/.test(content) ? "~~~~" : "```";
  return [`${ticks}${lang}`, ...content.split("\n"), ticks];
}

/** Reduces inline rST markup in one line of running text. */
export function reduceInline(text: string): string {
  return text
    .replace(/``(.+?)``/g, (_m, code: string) => "`" + code.replace(/`/g, "'") + "`")
    .replace(/`([^`<]+?)\s*<([^>`]+)>`__?/g, (_m, label: string, url: string) => `[${label}](${url})`)
    .replace(/`([^`]+)`__?/g, "$1")
    .replace(/:[a-z][\w:-]*:`([^`]+)`/g, (_m, target: string) => "`" + target.replace(/\s*<[^>]*>$/, "") + "`")
    .replace(/(^|[^\w`@])@([A-Za-z_](?:[\w.-]*[\w])?)/g, "$1`$2`");
}

/**
 * Reduces an rST fragment (one doc comment part, already dedented) to markdown.
 * Literal content inside code blocks is kept verbatim.
 */
export function rstToMarkdown(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const line = lines[i] ?? "";
    const directive = DIRECTIVE.exec(line);
    if (directive !== null) {
      const indent = (directive[1] ?? "").length;
      const name = directive[2] ?? "";
      const { body, next } = blockBody(lines, i + 1, indent);
      // An admonition's text may start on the directive line; then there are no options.
      const inlineText = name in ADMONITIONS && name !== "admonition" && (directive[3] ?? "").trim() !== "";
      const content = dedentLines(body.slice(inlineText ? 0 : optionLines(body)));
      if (CODE_DIRECTIVES.has(name)) {
        if (name !== "highlight") out.push(...fence(content, name === "qmp-example" ? "" : (directive[3] ?? "").trim()));
      } else {
        const arg = (directive[3] ?? "").trim();
        const title = name === "admonition" ? arg : (ADMONITIONS[name] ?? "");
        const lines = name === "admonition" || arg === "" ? content : [arg, ...content];
        const inner = rstToMarkdown(lines.join("\n")).split("\n");
        out.push(`${title === "" ? "" : `**${title}:** `}${inner[0] ?? ""}`, ...inner.slice(1));
      }
      i = next;
      continue;
    }
    if (COMMENT.test(line)) {
      i = blockBody(lines, i + 1, indentOf(line)).next;
      continue;
    }
    if (/::\s*$/.test(line)) {
      const { body, next } = blockBody(lines, i + 1, indentOf(line));
      if (body.some((l) => l.trim() !== "")) {
        // "text::" → "text:"; "text ::" and a lone "::" disappear (rST expanded form).
        const lead = /\s::\s*$/.test(line) || line.trim() === "::" ? line.replace(/\s*::\s*$/, "") : line.replace(/::\s*$/, ":");
        if (lead.trim() !== "") out.push(reduceInline(lead), "");
        out.push(...fence(body));
        i = next;
        continue;
      }
    }
    out.push(reduceInline(line.replace(/^(\s*)\*(\s+)/, "$1-$2").replace(/^(\s*)#\.(\s+)/, "$11.$2")));
    i++;
  }
  return out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * The literal content of an `Example:` section: code directives are unwrapped, anything
 * else is taken verbatim.
 */
export function exampleText(text: string): string {
  if (!/^\s*\.\.\s+[\w-]+::/m.test(text) && !/::\s*$/m.test(text)) return text;
  const md = rstToMarkdown(text);
  return md.replace(/^(```|~~~~)[^\n]*\n?/gm, "").trim();
}

/**
 * Takes the top-level `.. qmp-example::` directives out of an rST fragment (QEMU 9.1+ writes
 * examples that way, outside `Example:` sections).
 * @returns the fragment without them, and the literal text of each example in order.
 */
export function splitQmpExamples(text: string): { readonly rest: string; readonly examples: readonly string[] } {
  const lines = text.split("\n");
  const rest: string[] = [];
  const examples: string[] = [];
  for (let i = 0; i < lines.length;) {
    const line = lines[i] ?? "";
    const directive = DIRECTIVE.exec(line);
    if (directive === null || directive[2] !== "qmp-example" || (directive[1] ?? "") !== "") {
      rest.push(line);
      i++;
      continue;
    }
    const { body, next } = blockBody(lines, i + 1, 0);
    const example = dedentLines(body.slice(optionLines(body)))
      .join("\n")
      .replace(/^\n+|\s+$/g, "");
    if (example !== "") examples.push(example);
    i = next;
  }
  return { rest: rest.join("\n"), examples };
}
