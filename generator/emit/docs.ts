/**
 * TSDoc for generated declarations, from IR docs, features and conditions.
 * @module
 */
import { StructureKind, type JSDocStructure, type JSDocTagStructure } from "ts-morph";
import type { Annotated, Docs, FeatureDocs } from "../ir.js";
import { docCode, docText } from "./identifiers.js";

/** Input for one doc comment. */
export interface DocInput extends Annotated {
  readonly docs?: Docs | undefined;
  /** Member-level doc text (members, enum values). */
  readonly doc?: string | undefined;
  /** Member-level feature descriptions (members, enum values), used when `docs` has none. */
  readonly featureDocs?: FeatureDocs | undefined;
  /** Extra lines added by the emitter (e.g. the integer precision note). */
  readonly notes?: readonly string[] | undefined;
}

/**
 * The errors of an `Errors:` section, one per `@throws` tag: QEMU writes the section as a
 * bullet list (`- If X, GenericError`), so each item is one error; other text stays whole.
 */
export function errorItems(text: string): string[] {
  const lines = text.split("\n");
  if (!(lines[0] ?? "").startsWith("- ")) return [text];
  const items: string[][] = [];
  for (const line of lines) {
    if (line.startsWith("- ")) items.push([line.slice(2)]);
    else if (/^\s/.test(line)) items.at(-1)?.push(line.trim());
    else return [text]; // a blank line or unindented text: not a plain list
  }
  return items.map((item) => item.join("\n"));
}

/**
 * Builds the doc comment, or returns `[]` when there is nothing to say (no empty comments).
 */
export function buildDocs(input: DocInput): JSDocStructure[] {
  const { docs } = input;
  const featureDoc = (f: string): string | undefined => docs?.features?.[f] ?? input.featureDocs?.[f];
  const lines: string[] = [];
  if (docs?.summary) lines.push(docText(docs.summary));
  if (input.doc) lines.push(docText(input.doc));
  if (input.condition) lines.push(`Only when: ${docText(input.condition)}`);
  const others = input.features.filter((f) => f !== "deprecated" && f !== "unstable");
  if (others.length > 0) {
    lines.push(
      `Features: ${others
        .map((f) => {
          const text = featureDoc(f);
          return text ? `${docCode(f)} (${docText(text)})` : docCode(f);
        })
        .join(", ")}`,
    );
  }
  for (const note of input.notes ?? []) lines.push(docText(note));

  const tags: JSDocTagStructure[] = [];
  const tag = (tagName: string, text?: string): void => {
    tags.push({ kind: StructureKind.JSDocTag, tagName, ...(text ? { text: docText(text) } : {}) });
  };
  if (docs?.returns) tag("returns", docs.returns);
  for (const error of docs?.errors === undefined ? [] : errorItems(docs.errors)) tag("throws", error);
  for (const remark of docs?.remarks ?? []) tag("remarks", remark);
  for (const example of docs?.examples ?? []) tag("example", `\n${example}`);
  if (docs?.since) tag("since", docs.since);
  if (input.features.includes("unstable")) tag("experimental", docs?.unstable ?? input.featureDocs?.["unstable"] ?? "");
  if (input.features.includes("deprecated")) tag("deprecated", docs?.deprecation ?? input.featureDocs?.["deprecated"] ?? "");

  if (lines.length === 0 && tags.length === 0) return [];
  // One short line stays a one-line comment; a leading newline makes ts-morph write a block.
  const text = lines.join("\n\n");
  const description = lines.length === 0 ? undefined : tags.length === 0 && !text.includes("\n") ? text : `\n${text}`;
  return [{ kind: StructureKind.JSDoc, ...(description ? { description } : {}), tags }];
}

/** Doc input for something that only has features. */
export const featuresOnly = (features: readonly string[]): DocInput => ({ features });
