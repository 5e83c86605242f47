/**
 * Structural matching of introspection types (masked names) to source types: start from
 * commands and events (arguments, returns, data) and follow members by name, union cases
 * by tag and alternate branches by JSON kind.
 * @module
 */
import { INTEGER_BUILTINS, type NamedType, type Schema, type TypeRef } from "../ir.js";

/** A difference between the source schema and the binary's introspection. */
export interface Mismatch {
  readonly kind: "only-in-binary" | "only-in-source" | "type-differs" | "optional-differs";
  /** Where: `command 'blockdev-add' / member 'node-name'` style path. */
  readonly path: string;
  readonly message: string;
}

const INTEGERS: ReadonlySet<string> = new Set(INTEGER_BUILTINS);

/** Introspection type name → source type name, plus the mismatches found on the way. */
export class Matcher {
  readonly introToSource = new Map<string, string>();
  readonly mismatches: Mismatch[] = [];
  private readonly introTypes: ReadonlyMap<string, NamedType>;
  private readonly sourceTypes: ReadonlyMap<string, NamedType>;

  constructor(source: Schema, intro: Schema) {
    this.introTypes = new Map(intro.types.map((t) => [t.name, t]));
    this.sourceTypes = new Map(source.types.map((t) => [t.name, t]));
  }

  /** The introspection type called `name`. */
  intro(name: string): NamedType | undefined {
    return this.introTypes.get(name);
  }

  /** The source type called `name`. */
  source(name: string): NamedType | undefined {
    return this.sourceTypes.get(name);
  }

  report(kind: Mismatch["kind"], path: string, message: string): void {
    this.mismatches.push({ kind, path, message });
  }

  /** A short description of a reference for messages. */
  show(ref: TypeRef | undefined, side: "intro" | "source"): string {
    if (ref === undefined) return "nothing";
    if (ref.kind === "array") return `[${this.show(ref.element, side)}]`;
    if (ref.kind === "builtin") return ref.name;
    const t = side === "intro" ? this.intro(ref.name) : this.source(ref.name);
    return side === "intro" ? `${t?.kind ?? "type"}` : `'${ref.name}'`;
  }

  /** The JSON kind of a reference, to pair alternate branches. */
  jsonKind(ref: TypeRef, side: "intro" | "source"): string {
    if (ref.kind === "array") return "array";
    if (ref.kind === "builtin") {
      if (INTEGERS.has(ref.name) || ref.name === "number") return "number";
      return ref.name === "str" || ref.name === "QType" ? "string" : ref.name;
    }
    const t = side === "intro" ? this.intro(ref.name) : this.source(ref.name);
    return t?.kind === "enum" ? "string" : (t?.kind ?? "unknown");
  }

  /** Pairs two references found at the same place. */
  pairRefs(intro: TypeRef | undefined, source: TypeRef | undefined, path: string): void {
    if (intro === undefined || source === undefined) {
      if (intro !== source) {
        this.report("type-differs", path, `binary has ${this.show(intro, "intro")}, source has ${this.show(source, "source")}`);
      }
      return;
    }
    if (intro.kind === "array" && source.kind === "array") return this.pairRefs(intro.element, source.element, path);
    if (intro.kind === "named" && source.kind === "named") return this.pairNamed(intro.name, source.name, path);
    if (intro.kind === "builtin" && source.kind === "builtin") {
      const same = intro.name === source.name || (intro.name === "int" && INTEGERS.has(source.name));
      if (same) return;
    }
    this.report("type-differs", path, `binary has ${this.show(intro, "intro")}, source has ${this.show(source, "source")}`);
  }

  /** Pairs two named types and, the first time, their contents. */
  pairNamed(introName: string, sourceName: string, path: string): void {
    const known = this.introToSource.get(introName);
    if (known !== undefined) {
      if (known !== sourceName)
        this.report("type-differs", path, `binary type is already matched to '${known}', not '${sourceName}'`);
      return;
    }
    const it = this.intro(introName);
    const st = this.source(sourceName);
    if (it === undefined || st === undefined) return;
    if (it.kind !== st.kind) {
      this.report("type-differs", path, `binary has ${it.kind}, source has ${st.kind} '${sourceName}'`);
      return;
    }
    this.introToSource.set(introName, sourceName);
    if (it.kind === "object" && st.kind === "object") {
      for (const im of it.members) {
        const sm = st.members.find((m) => m.name === im.name);
        if (sm !== undefined) this.pairRefs(im.type, sm.type, `${path} / member '${im.name}'`);
      }
      for (const ic of it.variants?.cases ?? []) {
        const sc = st.variants?.cases.find((c) => c.tag === ic.tag);
        if (ic.type !== undefined && sc?.type !== undefined) this.pairNamed(ic.type, sc.type, `${path} / case '${ic.tag}'`);
      }
    } else if (it.kind === "alternate" && st.kind === "alternate") {
      for (const ib of it.branches) {
        const kind = this.jsonKind(ib.type, "intro");
        const sb = st.branches.find((b) => this.jsonKind(b.type, "source") === kind);
        if (sb !== undefined) this.pairRefs(ib.type, sb.type, `${path} / ${kind} branch`);
      }
    }
  }
}
