/**
 * Maps the checked source model to the IR shared with the introspection frontend: real
 * type names, exact integer widths, flattened bases, every union tag value as a case,
 * implicit `<Command>Arguments` / `<Event>Data` objects for inline members, docs and
 * rendered conditions.
 * @module
 */
import type { Command, EnumType, Event, Member, NamedType, ObjectType, Schema, TypeRef, VariantCase } from "../ir.js";
import { pascalCase, uniqueName } from "../names.js";
import { andCond, renderCond, type Cond } from "./conditions.js";
import { docsToIr, featureDocsOf, memberDoc } from "./docs-to-ir.js";
import type { DocComment } from "./doc-comment.js";
import type { SrcCommand, SrcData, SrcDef, SrcEvent, SrcFeature, SrcMember, SrcSchema, SrcTypeRef, SrcUnion } from "./model.js";
import { isBuiltin, type Namespace } from "./namespace.js";

/** Options of {@link sourceToIr}. */
export interface ToIrOptions {
  /** Render conditions into `condition` fields (true when no defines were given). */
  readonly conditions: boolean;
}

class Mapper {
  private readonly docOf = new Map<SrcMember, DocComment | undefined>();
  private readonly taken: Set<string>;
  /** Types that are the arguments of a `gen: false` command: they accept extra properties. */
  private readonly open = new Set<string>();
  readonly implicit: ObjectType[] = [];

  constructor(
    private readonly schema: SrcSchema,
    private readonly ns: Namespace,
    private readonly opts: ToIrOptions,
  ) {
    this.taken = new Set(schema.defs.map((d) => d.name));
    for (const def of schema.defs) {
      const own =
        def.meta === "struct"
          ? def.members
          : def.meta === "union" && def.base.kind === "members"
            ? def.base.members
            : (def.meta === "command" || def.meta === "event") && def.data?.kind === "members"
              ? def.data.members
              : [];
      for (const m of own) this.docOf.set(m, def.doc);
      // QEMU's own handler parses a `gen: false` command's arguments (device_add: properties
      // of the device, which the schema cannot list).
      if (def.meta === "command" && !def.gen && def.data?.kind === "ref") this.open.add(def.data.ref.name);
    }
  }

  private extra(name: string): { extraProperties?: true } {
    return this.open.has(name) ? { extraProperties: true } : {};
  }

  cond(c: Cond | undefined): string | undefined {
    return this.opts.conditions && c !== undefined ? renderCond(c) : undefined;
  }

  features(fs: readonly SrcFeature[]): string[] {
    return fs.map((f) => f.name);
  }

  ref(r: SrcTypeRef): TypeRef {
    const inner: TypeRef = isBuiltin(r.name) ? { kind: "builtin", name: r.name } : { kind: "named", name: r.name };
    return r.array ? { kind: "array", element: inner } : inner;
  }

  member(m: SrcMember): Member {
    return {
      name: m.name,
      type: this.ref(m.type),
      optional: m.optional,
      features: this.features(m.features),
      condition: this.cond(m.cond),
      doc: memberDoc(this.docOf.get(m), m.name),
      featureDocs: featureDocsOf(this.docOf.get(m), m.features),
    };
  }

  common(def: SrcDef): { name: string; schemaName: string; features: string[]; condition: string | undefined } {
    return {
      name: def.name,
      schemaName: def.name,
      features: this.features(def.features),
      condition: this.cond(def.cond),
    };
  }

  type(def: SrcDef): NamedType | undefined {
    const docs = docsToIr(def.doc, def.features, this.opts.conditions);
    switch (def.meta) {
      case "enum": {
        const values = def.values.map((v) => ({
          name: v.name,
          features: this.features(v.features),
          condition: this.cond(v.cond),
          doc: memberDoc(def.doc, v.name),
          featureDocs: featureDocsOf(def.doc, v.features),
        }));
        return { kind: "enum", ...this.common(def), docs, values } satisfies EnumType;
      }
      case "struct": {
        const base = def.base === undefined ? undefined : def.base.name;
        return {
          kind: "object",
          ...this.common(def),
          docs,
          members: this.ns.members(def).map((m) => this.member(m)),
          base,
          ...this.extra(def.name),
        };
      }
      case "union":
        return this.union(def, docs);
      case "alternate":
        return {
          kind: "alternate",
          ...this.common(def),
          docs,
          branches: def.branches.map((b) => ({
            name: b.name,
            type: this.ref(b.type),
            condition: this.cond(b.cond),
            doc: memberDoc(def.doc, b.name),
          })),
        };
      default:
        return undefined;
    }
  }

  union(def: SrcUnion, docs: ObjectType["docs"]): ObjectType {
    const members = this.ns.unionBase(def);
    const disc = members.find((m) => m.name === def.discriminator);
    const tagDef = disc === undefined ? undefined : this.ns.lookup(disc.type.name);
    const values = tagDef?.meta === "enum" ? tagDef.values : [];
    const cases: VariantCase[] = values.map((v) => {
      const branch = def.branches.find((b) => b.name === v.name);
      return { tag: v.name, type: branch?.type.name, condition: this.cond(andCond(v.cond, branch?.cond)) };
    });
    return {
      kind: "object",
      ...this.common(def),
      docs,
      members: members.map((m) => this.member(m)),
      variants: { discriminator: def.discriminator, cases },
      base: def.base.kind === "ref" ? def.base.ref.name : undefined,
      ...this.extra(def.name),
    };
  }

  /** Arguments/data: a ref, an implicit object for inline members, or none. */
  data(def: SrcCommand | SrcEvent, suffix: string): TypeRef | undefined {
    const data: SrcData | undefined = def.data;
    if (data === undefined) return undefined;
    if (data.kind === "ref") return this.ref(data.ref);
    if (data.members.length === 0) return undefined;
    const name = uniqueName(`${pascalCase(def.name) || "Q"}${suffix}`, this.taken);
    this.implicit.push({
      kind: "object",
      name,
      schemaName: name,
      features: [],
      members: data.members.map((m) => this.member(m)),
      ...(def.meta === "command" && !def.gen ? { extraProperties: true } : {}),
    });
    return { kind: "named", name };
  }

  command(def: SrcCommand): Command {
    return {
      kind: "command",
      name: def.name,
      features: this.features(def.features),
      condition: this.cond(def.cond),
      args: this.data(def, "Arguments"),
      boxed: def.boxed,
      returns: def.returns === undefined ? undefined : this.ref(def.returns),
      allowOob: def.allowOob,
      successResponse: def.successResponse,
      allowPreconfig: def.allowPreconfig,
      docs: docsToIr(def.doc, def.features, this.opts.conditions),
    };
  }

  event(def: SrcEvent): Event {
    return {
      kind: "event",
      name: def.name,
      features: this.features(def.features),
      condition: this.cond(def.cond),
      data: this.data(def, "Data"),
      boxed: def.boxed,
      docs: docsToIr(def.doc, def.features, this.opts.conditions),
    };
  }

  schemaIr(): Schema {
    const types: NamedType[] = [];
    const commands: Command[] = [];
    const events: Event[] = [];
    for (const def of this.schema.defs) {
      if (def.meta === "command") commands.push(this.command(def));
      else if (def.meta === "event") events.push(this.event(def));
      else {
        const t = this.type(def);
        if (t !== undefined) types.push(t);
      }
    }
    return { types: [...types, ...this.implicit], commands, events };
  }
}

/** Maps a checked (and possibly pruned) source schema to the IR. */
export function sourceToIr(schema: SrcSchema, ns: Namespace, opts: ToIrOptions): Schema {
  return new Mapper(schema, ns, opts).schemaIr();
}
