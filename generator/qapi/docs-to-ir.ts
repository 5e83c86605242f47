/**
 * Maps a parsed doc comment to IR {@link Docs}: body → summary, tagged sections → returns,
 * errors, since, remarks, examples; feature descriptions → deprecation/unstable/features.
 * All text is reduced from rST to markdown.
 * @module
 */
import type { Docs } from "../ir.js";
import { renderCond } from "./conditions.js";
import type { DocComment } from "./doc-comment.js";
import type { SrcFeature } from "./model.js";
import { exampleText, rstToMarkdown, splitQmpExamples } from "./rst.js";

function nonEmpty(text: string): string | undefined {
  const t = text.trim();
  return t === "" ? undefined : t;
}

/**
 * Builds definition docs; `undefined` when there is nothing to say.
 * @param features - the definition's features, to document conditional ones.
 * @param conditions - whether conditions are rendered (no `--define`).
 */
export function docsToIr(doc: DocComment | undefined, features: readonly SrcFeature[], conditions: boolean): Docs | undefined {
  const featureDocs: Record<string, string> = {};
  let deprecation: string | undefined;
  let unstable: string | undefined;
  for (const [name, text] of doc?.features ?? []) {
    const md = nonEmpty(rstToMarkdown(text.text));
    if (md === undefined) continue;
    if (name === "deprecated") deprecation = md;
    else if (name === "unstable") unstable = md;
    else featureDocs[name] = md;
  }
  if (conditions) {
    for (const f of features) {
      if (f.cond === undefined || f.name === "deprecated" || f.name === "unstable") continue;
      const only = `Only when: ${renderCond(f.cond)}`;
      featureDocs[f.name] = featureDocs[f.name] === undefined ? only : `${featureDocs[f.name] ?? ""} (${only})`;
    }
  }
  let returns: string | undefined;
  let errors: string | undefined;
  let since: string | undefined;
  const remarks: string[] = [];
  const body = splitQmpExamples(doc?.body ?? "");
  const examples: string[] = [...body.examples];
  for (const section of doc?.sections ?? []) {
    switch (section.tag) {
      case "Returns":
        returns = nonEmpty(rstToMarkdown(section.text));
        break;
      case "Errors":
        errors = nonEmpty(rstToMarkdown(section.text));
        break;
      case "Since":
        since = nonEmpty(section.text.replace(/\s+/g, " "));
        break;
      case "Example":
      case "Examples": {
        const text = nonEmpty(exampleText(section.text));
        if (text !== undefined) examples.push(text);
        break;
      }
      case "TODO":
        break;
      case "Note":
      case "Notes":
      case "plain": {
        const { rest, examples: found } = splitQmpExamples(section.text);
        const text = nonEmpty(rstToMarkdown(rest));
        if (text !== undefined) remarks.push(text);
        examples.push(...found);
        break;
      }
    }
  }
  const docs: Docs = {
    summary: nonEmpty(rstToMarkdown(body.rest)),
    returns,
    errors,
    since,
    remarks: remarks.length > 0 ? remarks : undefined,
    examples: examples.length > 0 ? examples : undefined,
    deprecation,
    unstable,
    features: Object.keys(featureDocs).length > 0 ? featureDocs : undefined,
  };
  return Object.values(docs).some((v) => v !== undefined) ? docs : undefined;
}

/** The reduced description of `@name:` in `doc`, if any. */
export function memberDoc(doc: DocComment | undefined, name: string): string | undefined {
  const text = doc?.args.get(name)?.text;
  return text === undefined ? undefined : nonEmpty(rstToMarkdown(text));
}
