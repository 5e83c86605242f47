/**
 * Produces `query-qmp-schema`-style JSON from a source IR, the way QEMU would for a build:
 * masked type names ("1", "2", "[3]"), every integer width as `int`, only what commands
 * and events reach, `"0"` for the empty object. Used to test merge mode.
 * @module
 */
import type { NamedType, Schema, TypeRef } from "../../../generator/ir.js";
import type { RawBuiltin, RawEntry } from "../../../generator/introspection/schema-info.js";

const JSON_TYPES: Readonly<Record<string, RawBuiltin["json-type"]>> = {
  str: "string",
  number: "number",
  int: "int",
  bool: "boolean",
  null: "null",
  any: "value",
};
const INTS = new Set(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "size"]);

const features = (f: readonly string[]): { features?: string[] } => (f.length > 0 ? { features: [...f] } : {});

/** The SchemaInfo entries of `ir`, in a shuffled-looking but deterministic order. */
export function toSchemaInfo(ir: Schema): RawEntry[] {
  const types = new Map(ir.types.map((t) => [t.name, t]));
  const masks = new Map<string, string>();
  const entries = new Map<string, RawEntry>();
  entries.set("0", { name: "0", "meta-type": "object", members: [] });

  const name = (ref: TypeRef | undefined): string => {
    if (ref === undefined) return "0";
    if (ref.kind === "builtin") {
      const b = INTS.has(ref.name) ? "int" : ref.name === "QType" ? "str" : ref.name;
      entries.set(b, { name: b, "meta-type": "builtin", "json-type": JSON_TYPES[b] ?? "value" });
      return b;
    }
    if (ref.kind === "array") {
      const element = name(ref.element);
      const n = `[${element}]`;
      entries.set(n, { name: n, "meta-type": "array", "element-type": element });
      return n;
    }
    const known = masks.get(ref.name);
    if (known !== undefined) return known;
    const t = types.get(ref.name);
    if (t === undefined) throw new Error(`unknown type ${ref.name}`);
    const mask = String(masks.size + 1);
    masks.set(ref.name, mask);
    entries.set(mask, entry(t, mask));
    return mask;
  };

  const entry = (t: NamedType, mask: string): RawEntry => {
    switch (t.kind) {
      case "enum":
        return {
          name: mask,
          "meta-type": "enum",
          ...features(t.features),
          values: t.values.map((v) => v.name),
          members: t.values.map((v) => ({ name: v.name, ...features(v.features) })),
        };
      case "alternate":
        return {
          name: mask,
          "meta-type": "alternate",
          ...features(t.features),
          members: t.branches.map((b) => ({ type: name(b.type) })),
        };
      case "object":
        return {
          name: mask,
          "meta-type": "object",
          ...features(t.features),
          members: t.members.map((m) => ({
            name: m.name,
            type: name(m.type),
            ...(m.optional ? { default: null } : {}),
            ...features(m.features),
          })),
          ...(t.variants === undefined
            ? {}
            : {
                tag: t.variants.discriminator,
                variants: t.variants.cases.map((c) => ({
                  case: c.tag,
                  type: c.type === undefined ? "0" : name({ kind: "named", name: c.type }),
                })),
              }),
        };
    }
  };

  const out: RawEntry[] = [];
  for (const c of ir.commands) {
    out.push({
      name: c.name,
      "meta-type": "command",
      ...features(c.features),
      "arg-type": name(c.args),
      "ret-type": name(c.returns),
      ...(c.allowOob ? { "allow-oob": true } : {}),
    });
  }
  for (const e of ir.events) out.push({ name: e.name, "meta-type": "event", ...features(e.features), "arg-type": name(e.data) });
  return [...out, ...entries.values()].reverse();
}
