/**
 * Reads a schema and its includes: directives (`include`, `pragma`), doc comment
 * attachment, then per-kind definition checks.
 * @module
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DEFINITION_KEYS, checkDefinition } from "./definitions.js";
import { parseDocComment, type DocComment } from "./doc-comment.js";
import { fail, q, withIncludeChains, type SourceLocation } from "./errors.js";
import type { Pragma, SrcDef, SrcSchema } from "./model.js";
import { parseSchemaText, type QObject } from "./parser.js";
import { checkKeys, expectString } from "./shape.js";

/** Reads a file as text; throws (any error) when it cannot. */
export type ReadFile = (file: string) => string;

/** Options of {@link loadSourceSchema}. */
export interface LoadOptions {
  /** Replaces `fs.readFileSync(file, "utf8")` (tests use an in-memory file map). */
  readonly readFile?: ReadFile | undefined;
}

interface MutablePragma {
  docRequired: boolean;
  commandNameExceptions: Set<string>;
  commandReturnsExceptions: Set<string>;
  memberNameExceptions: Set<string>;
  documentationExceptions: Set<string>;
  commandFeatures: Set<string>;
  memberDocsRequired: boolean;
  legacyNames: boolean;
}

/**
 * List pragmas and the field each fills. QEMU 6.0 renamed `returns-whitelist` to
 * `command-returns-exceptions` and split `name-case-whitelist` (types whose members and
 * values may use upper case) into `member-name-exceptions` and `command-name-exceptions`.
 */
const PRAGMA_LISTS = {
  "command-name-exceptions": "commandNameExceptions",
  "command-returns-exceptions": "commandReturnsExceptions",
  "member-name-exceptions": "memberNameExceptions",
  "documentation-exceptions": "documentationExceptions",
  "returns-whitelist": "commandReturnsExceptions",
  "name-case-whitelist": "memberNameExceptions",
  // Special command features the C generator knows (qemu-ga's, QEMU 10.0 on): no effect here.
  "command-features": "commandFeatures",
} as const;

const LEGACY_PRAGMAS: ReadonlySet<string> = new Set(["returns-whitelist", "name-case-whitelist"]);

interface Pending {
  readonly expr: QObject;
  readonly meta: (typeof DEFINITION_KEYS)[number];
  readonly doc: DocComment | undefined;
}

function readSource(read: ReadFile, file: string, at: SourceLocation, what: string): string {
  try {
    return read(file);
  } catch (err: unknown) {
    const code = err instanceof Error && "code" in err && typeof err.code === "string" ? err.code : String(err);
    return fail(at, `can't read ${what} ${q(file)}: ${code}`);
  }
}

/**
 * Loads `file` and everything it includes into the (unresolved) source model.
 * @throws QapiError on any lexical, syntax, directive, doc-structure, shape or naming error.
 */
export function loadSourceSchema(file: string, options: LoadOptions = {}): SrcSchema {
  const read = options.readFile ?? ((f: string) => readFileSync(f, "utf8"));
  const pragma: MutablePragma = {
    docRequired: false,
    commandNameExceptions: new Set(),
    commandReturnsExceptions: new Set(),
    memberNameExceptions: new Set(),
    documentationExceptions: new Set(),
    commandFeatures: new Set(),
    memberDocsRequired: false,
    legacyNames: false,
  };
  const pending: Pending[] = [];
  const loaded = new Set<string>();
  const files: string[] = [];
  const stack: { readonly key: string; readonly display: string }[] = [];
  const includedFrom = new Map<string, readonly SourceLocation[]>([[file, []]]);

  const visit = (display: string, at: SourceLocation, what: string): void => {
    const key = path.resolve(display);
    if (stack.some((s) => s.key === key)) {
      fail(at, `inclusion loop: ${[...stack.map((s) => s.display), display].join(" -> ")}`);
    }
    if (loaded.has(key)) return;
    loaded.add(key);
    files.push(display);
    if (!includedFrom.has(display)) includedFrom.set(display, [...(includedFrom.get(at.file) ?? []), at]);
    stack.push({ key, display });
    const items = parseSchemaText(display, readSource(read, display, at, what));
    let doc: DocComment | undefined;
    const orphan = (d: DocComment): never =>
      fail(d.loc, `documentation for ${q(d.symbol ?? "")} is not followed by its definition`);
    for (const item of items) {
      if (item.kind === "doc") {
        if (doc !== undefined && doc.symbol !== undefined) orphan(doc);
        // Pragmas come first in QEMU's trees, so the era is known before any definition doc.
        doc = parseDocComment(item.doc, pragma.legacyNames);
        // Heading levels are not checked: QEMU's generator accepts any order (only its
        // documentation build cares), and a module run on its own often starts at "==".
        continue;
      }
      const expr = item.expr;
      const include = expr.entries.get("include");
      const pragmaEntry = expr.entries.get("pragma");
      if (include !== undefined || pragmaEntry !== undefined) {
        if (doc?.symbol !== undefined) orphan(doc);
        doc = undefined;
        if (include !== undefined) {
          checkKeys(expr, "'include' directive", ["include"], []);
          const target = expectString(include.value, "value of 'include'");
          // Relative to the including file; an absolute path is taken as is (like QEMU's os.path.join).
          const included = path.isAbsolute(target.value) ? target.value : path.join(path.dirname(display), target.value);
          visit(included, target.loc, "include file");
        } else if (pragmaEntry !== undefined) {
          checkKeys(expr, "'pragma' directive", ["pragma"], []);
          applyPragma(
            pragmaEntry.value.kind === "object"
              ? pragmaEntry.value
              : fail(pragmaEntry.value.loc, "value of 'pragma' must be an object"),
            pragma,
          );
        }
        continue;
      }
      const metas = DEFINITION_KEYS.filter((k) => expr.entries.has(k));
      const [meta, second] = metas;
      if (meta === undefined)
        fail(expr.loc, `expression is not a definition or directive (expected one of ${DEFINITION_KEYS.map(q).join(", ")})`);
      if (second !== undefined) fail(expr.loc, `expression has conflicting keys ${q(meta)} and ${q(second)}`);
      const name = expr.entries.get(meta)?.value;
      // A free-form comment (a heading, say) right before a definition stands in for its docs.
      if (doc !== undefined && doc.symbol === undefined) fail(doc.loc, "definition documentation required");
      if (doc !== undefined && name?.kind === "string" && doc.symbol !== name.value) {
        fail(doc.loc, `documentation comment is for ${q(doc.symbol ?? "")}, but the definition that follows is ${q(name.value)}`);
      }
      pending.push({ expr, meta, doc });
      doc = undefined;
    }
    if (doc?.symbol !== undefined) orphan(doc);
    stack.pop();
  };

  return withIncludeChains(includedFrom, () => {
    visit(file, { file, line: 1, col: 1 }, "schema file");
    return checkAll(pending, pragma, files, includedFrom);
  });
}

function checkAll(
  pending: readonly Pending[],
  pragma: Pragma,
  files: readonly string[],
  includedFrom: ReadonlyMap<string, readonly SourceLocation[]>,
): SrcSchema {
  const frozen: Pragma = pragma;
  const taken = new Set<string>();
  for (const p of pending) {
    const name = p.expr.entries.get(p.meta)?.value;
    if (name?.kind === "string") taken.add(name.value);
  }
  const defs: SrcDef[] = pending.flatMap((p) => checkDefinition(p.expr, p.meta, frozen, p.doc, taken));
  if (frozen.docRequired) {
    for (const def of defs)
      if (def.doc === undefined && def.implicit !== true) fail(def.loc, `documentation required for ${q(def.name)}`);
  }
  return { defs, pragma: frozen, files, includedFrom };
}

function applyPragma(obj: QObject, pragma: MutablePragma): void {
  for (const entry of obj.entries.values()) {
    if (entry.key === "doc-required") {
      if (entry.value.kind !== "bool") fail(entry.value.loc, "pragma 'doc-required' must be true or false");
      pragma.docRequired = entry.value.value;
      continue;
    }
    if (!(entry.key in PRAGMA_LISTS)) fail(entry.keyLoc, `unknown pragma ${q(entry.key)}`);
    const field = PRAGMA_LISTS[entry.key as keyof typeof PRAGMA_LISTS];
    if (LEGACY_PRAGMAS.has(entry.key)) pragma.legacyNames = true;
    if (field === "documentationExceptions") pragma.memberDocsRequired = true;
    const value = entry.value;
    if (value.kind !== "array") fail(value.loc, `pragma ${q(entry.key)} must be a list of strings`);
    for (const item of value.items) {
      if (item.kind !== "string") fail(item.loc, `pragma ${q(entry.key)} must be a list of strings`);
      pragma[field].add(item.value);
    }
  }
}
