/**
 * Renders IR documentation as TSDoc: summary, condition, integer range, features,
 * `@remarks`, `@returns`, `@throws`, `@since`, `@example`, `@deprecated`, `@experimental`.
 * Output is safe to put between `/**` and `*\/`: comment terminators are escaped and a `@`
 * starting a word in prose cannot open a tag.
 * @module
 */
import type { Docs, IntegerBuiltin } from "../ir.js";

/** What one TSDoc comment is made from. All fields optional. */
export interface TsDocInput {
  /** Definition docs (types, commands, events). */
  readonly docs?: Docs | undefined;
  /** Member-level text (members, enum values, branches); used when `docs` has no summary. */
  readonly doc?: string | undefined;
  /** Rendered condition (`Annotated.condition`). */
  readonly condition?: string | undefined;
  /** Feature names (`Annotated.features`). */
  readonly features?: readonly string[] | undefined;
  /** Integer width of a member or alias, to document its range. */
  readonly integer?: IntegerBuiltin | undefined;
}

const RANGES: Readonly<Record<IntegerBuiltin, string>> = {
  int: "-2^63 to 2^63-1",
  int8: "-128 to 127",
  int16: "-32768 to 32767",
  int32: "-2^31 to 2^31-1",
  int64: "-2^63 to 2^63-1",
  uint8: "0 to 255",
  uint16: "0 to 65535",
  uint32: "0 to 2^32-1",
  uint64: "0 to 2^64-1",
  size: "0 to 2^64-1, a size in bytes",
};

/** Whether values of this integer type may exceed `Number.MAX_SAFE_INTEGER` (2^53-1). */
export function mayExceedSafeInteger(type: IntegerBuiltin): boolean {
  return type === "int" || type === "int64" || type === "uint64" || type === "size";
}

/** One-line description of an integer type's range, e.g. for a member's docs. */
export function integerNote(type: IntegerBuiltin): string {
  const base = `\`${type}\`: ${RANGES[type]}.`;
  return mayExceedSafeInteger(type) ? `${base} May exceed 2^53: not exactly representable as a JS number.` : base;
}

/** Escapes text for a doc comment: `*\/` and word-initial `@` in prose; code kept. */
export function escapeDocText(text: string): string {
  let inFence = false;
  return text
    .split("\n")
    .map((line) => {
      if (/^\s*(```|~~~~)/.test(line)) inFence = !inFence;
      const safe = line.replace(/\*\//g, "*\\/");
      if (inFence) return safe;
      // Only outside code spans: split on backticks, escape even (prose) parts.
      return safe
        .split("`")
        .map((part, i) => (i % 2 === 0 ? part.replace(/(^|[\s({[])@/g, "$1\\@") : part))
        .join("`");
    })
    .join("\n");
}

function block(tag: string, text: string | undefined): string[] {
  if (text === undefined) return [tag];
  const [first = "", ...rest] = escapeDocText(text).split("\n");
  return [`${tag} ${first}`.trimEnd(), ...rest];
}

/** The lines of a TSDoc comment (without the `/**` framing); empty when there is nothing. */
export function tsDocLines(input: TsDocInput): string[] {
  const { docs } = input;
  const paragraphs: string[] = [];
  const summary = docs?.summary ?? input.doc;
  if (summary !== undefined && summary !== "") paragraphs.push(escapeDocText(summary));
  if (input.condition !== undefined) paragraphs.push(escapeDocText(`Only when: ${input.condition}`));
  if (input.integer !== undefined) paragraphs.push(escapeDocText(integerNote(input.integer)));
  const features = (input.features ?? []).filter((f) => f !== "deprecated" && f !== "unstable");
  for (const f of features) {
    const text = docs?.features?.[f];
    paragraphs.push(escapeDocText(text === undefined ? `Feature \`${f}\`.` : `Feature \`${f}\`: ${text}`));
  }
  const lines = paragraphs.flatMap((p, i) => (i === 0 ? p.split("\n") : ["", ...p.split("\n")]));
  const tagged: string[][] = [];
  if (docs?.remarks !== undefined && docs.remarks.length > 0) tagged.push(block("@remarks", `\n${docs.remarks.join("\n\n")}`));
  if (docs?.returns !== undefined) tagged.push(block("@returns", docs.returns));
  if (docs?.errors !== undefined) tagged.push(block("@throws", docs.errors));
  if (docs?.since !== undefined) tagged.push(block("@since", docs.since));
  for (const example of docs?.examples ?? []) {
    const body = example.replace(/\*\//g, "*\\/");
    tagged.push(["@example", "```", ...body.split("\n"), "```"]);
  }
  const has = (f: string): boolean => (input.features ?? []).includes(f);
  if (has("deprecated") || docs?.deprecation !== undefined) tagged.push(block("@deprecated", docs?.deprecation));
  if (has("unstable") || docs?.unstable !== undefined) tagged.push(block("@experimental", docs?.unstable));
  for (const t of tagged) {
    if (lines.length > 0) lines.push("");
    lines.push(...t);
  }
  return lines;
}

/** A complete `/** ... *\/` comment for `input` at `indent`, or "" when there is nothing. */
export function renderTsDoc(input: TsDocInput, indent = ""): string {
  const lines = tsDocLines(input);
  if (lines.length === 0) return "";
  if (lines.length === 1) return `${indent}/** ${lines[0] ?? ""} */`;
  return [`${indent}/**`, ...lines.map((l) => (l === "" ? `${indent} *` : `${indent} * ${l}`)), `${indent} */`].join("\n");
}
