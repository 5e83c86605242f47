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

const SYMBOL_LINE = /^@([^\s:]+):(.*)$/;
const TAG_LINE = new RegExp(`^(${SECTION_TAGS.join("|")}):(.*)$`);
const HEADING = /^(=+) +(\S.*)$/;
const UNIQUE_TAGS: ReadonlySet<string> = new Set(["Returns", "Errors", "Since"]);

interface Part {
  readonly kind: "body" | "arg" | "feature" | "section";
  readonly name: string;
  readonly loc: SourceLocation;
  readonly first: string;
  readonly rest: string[];
}

/** Removes common indentation of `lines` and trims blank lines at both ends. */
export function dedent(lines: readonly string[]): string {
  const indents = lines.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  const out = lines.map((l) => l.slice(cut).trimEnd());
  while (out.length > 0 && out[0] === "") out.shift();
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.join("\n");
}

/**
 * Whether `part` is a QEMU 7.2-style tagged section (`Example:` the usual case): the tag alone
 * on its line, then unindented text. Such a section runs to the next section tag, blank and
 * unindented lines included. From QEMU 8.2 on, section text is indented and ends at the
 * de-indent, so an indented first line keeps those rules.
 */
function runsToNextTag(part: Part): boolean {
  if (part.kind !== "section" || part.name === "plain" || part.first.trim() !== "") return false;
  const firstText = part.rest.find((l) => l.trim() !== "");
  return firstText === undefined || !firstText.startsWith(" ");
}

function partText(part: Part): string {
  const first = part.first.trim();
  const rest = dedent(part.rest);
  if (first === "") return rest;
  return rest === "" ? first : `${first}\n${rest}`;
}

/**
 * Parses the structure of a doc comment block.
 * @throws QapiError on structural errors (order, duplicates, indentation, headings).
 */
export function parseDocComment(block: DocBlock): DocComment {
  const [firstLine, ...lines] = block.lines;
  if (firstLine === undefined)
    return {
      loc: block.loc,
      body: "",
      args: new Map(),
      features: new Map(),
      sections: [],
    };
  const symbolMatch = SYMBOL_LINE.exec(firstLine.text);
  if (symbolMatch === null) return freeForm(block, firstLine, lines);
  if ((symbolMatch[2] ?? "").trim() !== "") {
    fail(firstLine.loc, `text after '@${symbolMatch[1] ?? ""}:' in the first line of a documentation comment`);
  }

  const args = new Map<string, DocText>();
  const features = new Map<string, DocText>();
  const sections: DocSection[] = [];
  const body: string[] = [];
  const seenTags = new Set<string>();
  let phase: "body" | "args" | "features" | "sections" = "body";
  let current: Part | undefined;
  let afterBlank = true;

  const finish = (): void => {
    if (current === undefined || current.kind === "body") return;
    const text = partText(current);
    if (current.kind === "arg") args.set(current.name, { text, loc: current.loc });
    else if (current.kind === "feature") features.set(current.name, { text, loc: current.loc });
    else {
      if (text === "" && current.name !== "TODO" && current.name !== "plain") {
        fail(current.loc, `text required after '${current.name}:'`);
      }
      sections.push({
        tag: current.name as SectionTag | "plain",
        text,
        loc: current.loc,
      });
    }
  };
  const start = (part: Part): void => {
    finish();
    current = part;
  };

  for (const line of lines) {
    const { text, loc } = line;
    if (text.trim() === "") {
      if (current === undefined || current.kind === "body") body.push("");
      else current.rest.push("");
      afterBlank = true;
      continue;
    }
    const indented = text.startsWith(" ");
    const member = indented ? null : SYMBOL_LINE.exec(text);
    const tag = indented ? null : TAG_LINE.exec(text);
    if (member !== null) {
      const name = member[1] ?? "";
      if (phase === "sections") fail(loc, `description of '@${name}' must come before tagged sections`);
      const isFeature = phase === "features";
      const map = isFeature ? features : args;
      if (map.has(name) || (current?.kind === (isFeature ? "feature" : "arg") && current.name === name)) {
        fail(loc, `'@${name}' is documented twice`);
      }
      if (phase === "body") phase = "args";
      start({
        kind: isFeature ? "feature" : "arg",
        name,
        loc,
        first: member[2] ?? "",
        rest: [],
      });
    } else if (!indented && text.trimEnd() === "Features:") {
      if (phase === "sections") fail(loc, "'Features:' must come before tagged sections");
      if (phase === "features") fail(loc, "duplicate 'Features:' line");
      finish();
      current = undefined;
      phase = "features";
    } else if (tag !== null) {
      const name = tag[1] ?? "";
      if (UNIQUE_TAGS.has(name) && seenTags.has(name)) fail(loc, `duplicate '${name}:' section`);
      seenTags.add(name);
      phase = "sections";
      start({ kind: "section", name, loc, first: tag[2] ?? "", rest: [] });
    } else if (current === undefined && phase === "body") {
      if (HEADING.test(text)) fail(loc, "a heading is only allowed in a free-form documentation comment");
      body.push(text);
    } else if (current === undefined || current.kind === "body") {
      // Text after `Features:` that is not a feature description.
      phase = "sections";
      start({ kind: "section", name: "plain", loc, first: "", rest: [text] });
    } else if (indented || current.name === "plain" || runsToNextTag(current)) {
      current.rest.push(text);
    } else if (!afterBlank && current.first.trim() === "") {
      // QEMU 7.2 style: a description that starts on the line after `@member:` (or a
      // section tag) is not indented; it runs to the next blank line.
      current.rest.push(text);
    } else if (!afterBlank) {
      const what = current.kind === "section" ? `'${current.name}:'` : `'@${current.name}:'`;
      fail(loc, `unexpected de-indent: continuation lines of ${what} must be indented`);
    } else {
      phase = "sections";
      start({ kind: "section", name: "plain", loc, first: "", rest: [text] });
    }
    afterBlank = false;
  }
  finish();
  return {
    loc: block.loc,
    symbol: symbolMatch[1],
    body: dedent(body),
    args,
    features,
    sections,
  };
}

function freeForm(block: DocBlock, firstLine: DocLine, lines: readonly DocLine[]): DocComment {
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
