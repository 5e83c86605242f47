/**
 * Structure of documentation comments: symbol line or heading, body, `@member:`
 * descriptions, `Features:` with `@feature:` descriptions, and tagged sections.
 * Text stays raw rST here; `rst.ts` reduces it.
 * @module
 */
import { fail, type SourceLocation } from "./errors.js";
import type { DocBlock, DocLine } from "./parser.js";

/** Section tags, as written before the colon. */
export const SECTION_TAGS = ["Returns", "Errors", "Since", "Note", "Notes", "Example", "Examples", "TODO"] as const;

/** A section tag. */
export type SectionTag = (typeof SECTION_TAGS)[number];

/** Raw rST text of one part of a doc comment, dedented, with where it starts. */
export interface DocText {
  readonly text: string;
  readonly loc: SourceLocation;
}

/** A tagged section, or `plain` for untagged paragraphs after the descriptions. */
export interface DocSection extends DocText {
  readonly tag: SectionTag | "plain";
}

/** A parsed documentation comment. */
export interface DocComment {
  readonly loc: SourceLocation;
  /** The documented definition (`@NAME:` first line); absent for free-form comments. */
  readonly symbol?: string | undefined;
  /** `= Heading` first line of a free-form comment: level = number of `=`. */
  readonly heading?: { readonly level: number; readonly text: string } | undefined;
  readonly body: string;
  /** `@member:` descriptions in order (members, arguments, enum values, branches). */
  readonly args: ReadonlyMap<string, DocText>;
  /** `@feature:` descriptions after `Features:`. */
  readonly features: ReadonlyMap<string, DocText>;
  readonly sections: readonly DocSection[];
}

const MEMBER_LINE = /^@([^\s:]*):(.*)$/;
const TAG_LINE = new RegExp(`^(${SECTION_TAGS.join("|")}):(?!:)(.*)$`);
const HEADING = /^(=+) +(\S.*)$/;
const UNIQUE_TAGS: ReadonlySet<string> = new Set(["Returns", "Errors", "Since"]);

interface Part {
  readonly kind: "arg" | "feature" | "section";
  readonly name: string;
  readonly loc: SourceLocation;
  readonly first: string;
  readonly rest: string[];
  /** Indentation set by the first indented continuation line; later lines keep at least it. */
  indent?: number;
  /** A tag alone on its line followed by unindented text (QEMU ≤ 8.0): runs to the next tag. */
  loose?: boolean;
}

/** Removes common indentation of `lines` and trims blank lines at both ends. */
export function dedent(lines: readonly string[]): string {
  const indents = lines.filter((l) => l.trim() !== "").map(indentOf);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  const out = lines.map((l) => l.slice(cut).trimEnd());
  while (out.length > 0 && out[0] === "") out.shift();
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.join("\n");
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function partText(part: Part): string {
  const first = part.first.trim();
  const rest = dedent(part.rest);
  if (first === "") return rest;
  return rest === "" ? first : `${first}\n${rest}`;
}

/**
 * Parses the structure of a doc comment block. The rules are the union of what QEMU's
 * generators accepted from 4.2 on (one fixture per era in test/qapi/eras.test.ts):
 * - a part (`@member:`, `Features:`, a tagged section) continues over following lines;
 *   once a continuation line is indented, later lines must keep that indentation until
 *   a blank line (QEMU ≥ 5.2 and 9.x: "unexpected de-indent"; a schema with the pragma names
 *   of QEMU before 6.0, `legacy`, may de-indent, as 4.2 to 5.1 allowed);
 * - an unindented line after a blank line starts untagged text (QEMU ≥ 5.2), except in a
 *   section whose tag stands alone and whose text is unindented (QEMU ≤ 8.0 `Example:`),
 *   which runs to the next tag;
 * - `Features:` may stand anywhere (QEMU ≥ 9.0), member descriptions may follow untagged
 *   text (QEMU ≥ 9.0) but never a tagged section or the end of the feature list.
 * @throws QapiError on structural errors (order, duplicates, indentation, headings).
 */
export function parseDocComment(block: DocBlock, legacy = false): DocComment {
  const [firstLine, ...lines] = block.lines;
  if (firstLine === undefined)
    return {
      loc: block.loc,
      body: "",
      args: new Map(),
      features: new Map(),
      sections: [],
    };
  if (!firstLine.text.startsWith("@")) return freeForm(block, firstLine, lines);
  const symbol = symbolOf(firstLine);

  const args = new Map<string, DocText>();
  const features = new Map<string, DocText>();
  const sections: DocSection[] = [];
  const body: string[] = [];
  const seenTags = new Set<string>();
  let inFeatures = false;
  let seenFeatures = false;
  let noMoreMembers = false;
  let current: Part | undefined;
  let afterBlank = true;

  const finish = (): void => {
    if (current === undefined) return;
    const text = partText(current);
    if (current.kind === "arg") args.set(current.name, { text, loc: current.loc });
    else if (current.kind === "feature") features.set(current.name, { text, loc: current.loc });
    else {
      if (text === "" && current.name !== "plain") fail(current.loc, `text required after '${current.name}:'`);
      sections.push({ tag: current.name as SectionTag | "plain", text, loc: current.loc });
    }
  };
  const start = (part: Part): void => {
    finish();
    current = part;
  };
  const plain = (text: string, loc: SourceLocation): void => {
    if (inFeatures) noMoreMembers = true;
    inFeatures = false;
    start({ kind: "section", name: "plain", loc, first: "", rest: [text] });
  };

  for (const { text, loc } of lines) {
    if (text.trim() === "") {
      if (current === undefined) body.push("");
      else current.rest.push("");
      afterBlank = true;
      continue;
    }
    const indented = text.startsWith(" ");
    const member = indented ? null : MEMBER_LINE.exec(text);
    const tag = indented ? null : TAG_LINE.exec(text);
    if (member !== null) {
      const name = member[1] ?? "";
      if (name === "") fail(loc, "name required after '@'");
      const isFeature = inFeatures;
      if (noMoreMembers && !isFeature) fail(loc, `description of '@${name}' must come before tagged sections`);
      const map = isFeature ? features : args;
      if (map.has(name) || (current?.kind === (isFeature ? "feature" : "arg") && current.name === name)) {
        fail(loc, `'@${name}' is documented twice`);
      }
      start({ kind: isFeature ? "feature" : "arg", name, loc, first: member[2] ?? "", rest: [] });
    } else if (!indented && text.trimEnd() === "Features:") {
      if (seenFeatures) fail(loc, "duplicate 'Features:' line");
      finish();
      current = undefined;
      inFeatures = seenFeatures = true;
    } else if (tag !== null) {
      const name = tag[1] ?? "";
      if (UNIQUE_TAGS.has(name) && seenTags.has(name)) fail(loc, `duplicate '${name}:' section`);
      seenTags.add(name);
      inFeatures = false;
      noMoreMembers = true;
      start({ kind: "section", name, loc, first: tag[2] ?? "", rest: [] });
    } else if (current === undefined && !inFeatures) {
      if (HEADING.test(text)) fail(loc, "a heading is only allowed in a free-form documentation comment");
      body.push(text);
    } else if (current === undefined) {
      plain(text, loc); // text right after `Features:`
    } else {
      continuation(current, text, loc, afterBlank, plain, legacy);
    }
    afterBlank = false;
  }
  finish();
  return { loc: block.loc, symbol, body: dedent(body), args, features, sections };
}

/** The documented name on a definition comment's first line (`@NAME:`, alone). */
function symbolOf(line: DocLine): string {
  const text = line.text.trimEnd();
  if (!text.endsWith(":")) {
    const match = MEMBER_LINE.exec(text);
    if (match !== null) fail(line.loc, `text after '@${match[1] ?? ""}:' in the first line of a documentation comment`);
    fail(line.loc, `the first line '${text}' of a documentation comment must end with ':'`);
  }
  const symbol = text.slice(1, -1);
  if (symbol === "") fail(line.loc, "name required after '@' in the first line of a documentation comment");
  return symbol;
}

/** Adds a line to the current part, or ends it (see {@link parseDocComment}). */
function continuation(
  part: Part,
  text: string,
  loc: SourceLocation,
  afterBlank: boolean,
  plain: (text: string, loc: SourceLocation) => void,
  legacy: boolean,
): void {
  const indent = indentOf(text);
  if (part.kind === "section" && part.name === "plain") {
    part.rest.push(text);
    return;
  }
  if (part.loose === undefined && part.kind === "section") {
    part.loose = part.first.trim() === "" && part.indent === undefined && indent === 0;
  }
  if (part.loose === true) {
    part.rest.push(text);
    return;
  }
  if (afterBlank && (indent === 0 || (part.indent !== undefined && indent < part.indent))) {
    plain(text, loc);
    return;
  }
  if (part.indent === undefined) {
    if (indent > 0) part.indent = indent;
  } else if (indent < part.indent && !legacy) {
    const what = part.kind === "section" ? `'${part.name}:'` : `'@${part.name}:'`;
    fail(loc, `unexpected de-indent: continuation lines of ${what} must be indented at least ${part.indent} spaces`);
  }
  part.rest.push(text);
}

function freeForm(block: DocBlock, firstLine: DocLine, lines: readonly DocLine[]): DocComment {
  for (const line of lines) {
    const member = MEMBER_LINE.exec(line.text);
    if (member !== null) fail(line.loc, `'@${member[1] ?? ""}:' is not allowed in free-form documentation`);
  }
  // Only the first line can be a heading. QEMU's parser takes a later `= ...` line as text
  // (its own doc-good.json test has one), so it is kept in the body, not rejected.
  const heading = HEADING.exec(firstLine.text);
  const bodyLines = heading === null ? [firstLine, ...lines] : lines;
  return {
    loc: block.loc,
    heading: heading === null ? undefined : { level: (heading[1] ?? "").length, text: (heading[2] ?? "").trim() },
    body: dedent(bodyLines.map((l) => l.text)),
    args: new Map(),
    features: new Map(),
    sections: [],
  };
}
