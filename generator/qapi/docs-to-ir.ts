/**
 * Maps a parsed doc comment to IR {@link Docs}: body → summary, tagged sections → returns,
 * errors, since, remarks, examples; feature descriptions → deprecation/unstable/features.
 * All text is reduced from rST to markdown.
 * @module
 */
import type { Docs, FeatureDocs } from "../ir.js";
import { renderCond } from "./conditions.js";
import type { DocComment } from "./doc-comment.js";
import type { SrcFeature } from "./model.js";
import { exampleText, rstToMarkdown, splitQmpExamples } from "./rst.js";

function nonEmpty(text: string): string | undefined {
  const t = text.trim();
  return t === "" ? undefined : t;
}

/**
 * The body without a closing `Arguments:` line: QEMU up to 8.2 wrote that label between a
 * command's description and its argument descriptions, which TSDoc places elsewhere.
 */
function withoutArgumentsLabel(body: string): string {
  return body.replace(/(^|\n)\s*Arguments:\s*$/, "");
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
    summary: nonEmpty(rstToMarkdown(withoutArgumentsLabel(body.rest))),
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

/**
 * Descriptions of a member's (or enum value's) features, taken from the `Features:` section
 * of the definition documenting it; `undefined` when none of them is described.
 */
export function featureDocsOf(doc: DocComment | undefined, features: readonly SrcFeature[]): FeatureDocs | undefined {
  const out: Record<string, string> = {};
  for (const f of features) {
    const text = doc?.features.get(f.name)?.text;
    const md = text === undefined ? undefined : nonEmpty(rstToMarkdown(text));
    if (md !== undefined) out[f.name] = md;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The reduced description of `@name:` in `doc`, if any. */
export function memberDoc(doc: DocComment | undefined, name: string): string | undefined {
  const text = doc?.args.get(name)?.text;
  return text === undefined ? undefined : nonEmpty(rstToMarkdown(text));
}
