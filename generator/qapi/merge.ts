/**
 * Merge mode: the binary's introspection decides what exists (commands, events, members,
 * union cases, enum values, features); the source gives names, integer widths and docs.
 * Differences are collected as mismatches, never thrown.
 * @module
 */
import type { AlternateType, Command, EnumType, Event, NamedType, ObjectType, Schema, TypeRef } from "../ir.js";
import { uniqueName } from "../names.js";
import { Matcher, type Mismatch } from "./merge-match.js";

export type { Mismatch } from "./merge-match.js";

/** Result of {@link mergeWithIntrospection}. */
export interface MergeResult {
  readonly ir: Schema;
  /** Differences, in a stable order (commands, events, then types). */
  readonly mismatches: readonly Mismatch[];
}

type Conditional = { readonly condition?: string | undefined };

function when(c: Conditional | undefined): string {
  return c?.condition === undefined ? "" : ` (only when: ${c.condition})`;
}

function diffNames(
  m: Matcher,
  path: string,
  what: string,
  intro: readonly string[],
  source: readonly (Conditional & { readonly name: string })[],
): void {
  const s = new Set(source.map((x) => x.name));
  const i = new Set(intro);
  for (const n of intro) if (!s.has(n)) m.report("only-in-binary", path, `${what} '${n}' is in the binary but not in the source`);
  for (const x of source) {
    if (!i.has(x.name)) m.report("only-in-source", path, `${what} '${x.name}' is in the source but not in the binary${when(x)}`);
  }
}

class Builder {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly m: Matcher,
    intro: Schema,
  ) {
    const taken = new Set<string>();
    // Matched types take their source name first; the rest keep their derived names.
    for (const t of intro.types) {
      const src = m.introToSource.get(t.name);
      if (src !== undefined) this.names.set(t.name, uniqueName(src, taken));
    }
    for (const t of intro.types) if (!this.names.has(t.name)) this.names.set(t.name, uniqueName(t.name, taken));
  }

  /** The introspection reference with names mapped and source integer widths applied. */
  ref(intro: TypeRef, source: TypeRef | undefined): TypeRef {
    if (intro.kind === "array") {
      return { kind: "array", element: this.ref(intro.element, source?.kind === "array" ? source.element : undefined) };
    }
    if (intro.kind === "named") return { kind: "named", name: this.names.get(intro.name) ?? intro.name };
    if (
      intro.name === "int" &&
      source?.kind === "builtin" &&
      source.name !== "int" &&
      this.m.jsonKind(source, "source") === "number" &&
      source.name !== "number"
    ) {
      return source;
    }
    return intro;
  }

  optRef(intro: TypeRef | undefined, source: TypeRef | undefined): TypeRef | undefined {
    return intro === undefined ? undefined : this.ref(intro, source);
  }

  type(t: NamedType): NamedType {
    const name = this.names.get(t.name) ?? t.name;
    const srcName = this.m.introToSource.get(t.name);
    const s = srcName === undefined ? undefined : this.m.source(srcName);
    const path = `type '${name}'`;
    if (s === undefined) {
      this.m.report("only-in-binary", path, `type '${name}' has no counterpart in the source`);
    }
    // Aliases are introspection names; merged output names types after the source instead.
    const common = { name, schemaName: t.schemaName, features: t.features, docs: s?.docs, aliases: undefined };
    if (t.kind === "enum") {
      const se = s?.kind === "enum" ? s : undefined;
      if (se !== undefined)
        diffNames(
          this.m,
          path,
          "value",
          t.values.map((v) => v.name),
          se.values,
        );
      const values = t.values.map((v) => {
        const sv = se?.values.find((x) => x.name === v.name);
        return { ...v, doc: sv?.doc, featureDocs: sv?.featureDocs };
      });
      return { ...t, ...common, values } satisfies EnumType;
    }
    if (t.kind === "alternate") {
      const sa = s?.kind === "alternate" ? s : undefined;
      const branches = t.branches.map((b) => {
        const sb = sa?.branches.find((x) => this.m.jsonKind(x.type, "source") === this.m.jsonKind(b.type, "intro"));
        return { name: sb?.name, type: this.ref(b.type, sb?.type), doc: sb?.doc };
      });
      return { ...t, ...common, branches } satisfies AlternateType;
    }
    const so = s?.kind === "object" ? s : undefined;
    if (so !== undefined) {
      diffNames(
        this.m,
        path,
        "member",
        t.members.map((x) => x.name),
        so.members,
      );
      if (t.variants !== undefined && so.variants !== undefined) {
        diffNames(
          this.m,
          path,
          "union case",
          t.variants.cases.map((c) => c.tag),
          so.variants.cases.map((c) => ({ ...c, name: c.tag })),
        );
      }
    }
    const members = t.members.map((im) => {
      const sm = so?.members.find((x) => x.name === im.name);
      if (sm !== undefined && sm.optional !== im.optional) {
        this.m.report(
          "optional-differs",
          `${path} / member '${im.name}'`,
          `optional in the ${im.optional ? "binary" : "source"} only`,
        );
      }
      return { ...im, type: this.ref(im.type, sm?.type), doc: sm?.doc, featureDocs: sm?.featureDocs, condition: undefined };
    });
    const variants =
      t.variants === undefined
        ? undefined
        : {
            discriminator: t.variants.discriminator,
            cases: t.variants.cases.map((c) => ({
              tag: c.tag,
              type: c.type === undefined ? undefined : (this.names.get(c.type) ?? c.type),
            })),
          };
    // Extra properties: device_add's arguments (introspection) or any `gen: false` command's (source).
    const extraProperties = t.extraProperties === true || so?.extraProperties === true ? true : undefined;
    return { ...t, ...common, members, variants, base: undefined, extraProperties } satisfies ObjectType;
  }
}

/**
 * Merges a source IR (from `loadQapiSchema`, preferably without defines) with the IR of a
 * binary's introspection.
 * @returns the merged IR (the binary's contents with source names, widths and docs) and
 * the list of differences found.
 */
export function mergeWithIntrospection(source: Schema, intro: Schema): MergeResult {
  const m = new Matcher(source, intro);
  const srcCommands = new Map(source.commands.map((c) => [c.name, c]));
  const srcEvents = new Map(source.events.map((e) => [e.name, e]));
  const introCommands = new Set(intro.commands.map((c) => c.name));
  const introEvents = new Set(intro.events.map((e) => e.name));

  for (const c of intro.commands) {
    const s = srcCommands.get(c.name);
    const path = `command '${c.name}'`;
    if (s === undefined) m.report("only-in-binary", path, `command '${c.name}' is in the binary but not in the source`);
    else {
      m.pairRefs(c.args, s.args, `${path} / arguments`);
      m.pairRefs(c.returns, s.returns, `${path} / returns`);
    }
  }
  for (const s of source.commands) {
    if (!introCommands.has(s.name))
      m.report("only-in-source", `command '${s.name}'`, `command '${s.name}' is in the source but not in the binary${when(s)}`);
  }
  for (const e of intro.events) {
    const s = srcEvents.get(e.name);
    const path = `event '${e.name}'`;
    if (s === undefined) m.report("only-in-binary", path, `event '${e.name}' is in the binary but not in the source`);
    else m.pairRefs(e.data, s.data, `${path} / data`);
  }
  for (const s of source.events) {
    if (!introEvents.has(s.name))
      m.report("only-in-source", `event '${s.name}'`, `event '${s.name}' is in the source but not in the binary${when(s)}`);
  }

  const b = new Builder(m, intro);
  const types = intro.types.map((t) => b.type(t));
  const commands = intro.commands.map((c): Command => {
    const s = srcCommands.get(c.name);
    return {
      ...c,
      args: b.optRef(c.args, s?.args),
      returns: b.optRef(c.returns, s?.returns),
      boxed: s?.boxed ?? c.boxed,
      successResponse: s?.successResponse ?? c.successResponse,
      allowPreconfig: s?.allowPreconfig ?? c.allowPreconfig,
      docs: s?.docs,
      condition: undefined,
    };
  });
  const events = intro.events.map((e): Event => {
    const s = srcEvents.get(e.name);
    return { ...e, data: b.optRef(e.data, s?.data), boxed: s?.boxed ?? e.boxed, docs: s?.docs, condition: undefined };
  });
  return { ir: { ...intro, types, commands, events }, mismatches: m.mismatches };
}

/** One line per mismatch, for a CLI summary. */
export function formatMismatches(mismatches: readonly Mismatch[]): string {
  return mismatches.map((x) => `${x.path}: ${x.message}`).join("\n");
}
