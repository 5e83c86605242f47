import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { NamedType, Schema } from "../../generator/ir.js";
import { loadIntrospection } from "../../generator/introspection/load.js";
import type { RawEntry, RawObject } from "../../generator/introspection/schema-info.js";
import { formatMismatches, loadQapiSchema, mergeWithIntrospection } from "../../generator/qapi/index.js";
import { toSchemaInfo } from "./helpers/schema-info.js";

const FULL = fileURLToPath(new URL("./fixtures/full/schema.json", import.meta.url));
const DEFINES = ["CONFIG_LASER", "CONFIG_GREEN", "CONFIG_FLAGS"];

/** The binary: the source built with DEFINES, then deliberately edited. */
function binaryEntries(): RawEntry[] {
  const entries = toSchemaInfo(loadQapiSchema(FULL, { defines: DEFINES }));
  const byName = (n: string) => entries.find((e) => e.name === n);
  const command = (n: string) => {
    const c = byName(n);
    if (c?.["meta-type"] !== "command") throw new Error(n);
    return c;
  };
  const object = (name: string): RawObject => {
    const e = byName(name);
    if (e?.["meta-type"] !== "object") throw new Error(name);
    return e;
  };
  const edited = entries
    // Compiled out of this binary although unconditional in the source.
    .filter((e) => e.name !== "query-legacy")
    .map((e): RawEntry => {
      if (e["meta-type"] === "enum" && e.values.includes("ultra-violet")) {
        // A value the source does not know.
        return { ...e, values: [...e.values, "purple"], members: [...(e.members ?? []), { name: "purple" }] };
      }
      return e;
    });
  // A command only the binary has.
  edited.push({ name: "x-debug-widgets", "meta-type": "command", "arg-type": "0", "ret-type": "0" });
  // query-widgets returns [WidgetInfo]: drop 'tags', make 'sizes' optional.
  const ret = command("query-widgets")["ret-type"];
  const elem = byName(ret);
  const info = object(elem?.["meta-type"] === "array" ? elem["element-type"] : ret);
  const infoIndex = edited.indexOf(info);
  edited[infoIndex] = {
    ...info,
    members: info.members.filter((m) => m.name !== "tags").map((m) => (m.name === "sizes" ? { ...m, default: null } : m)),
  };
  // echo-text's argument 'text' becomes a bool in the binary.
  const echo = object(command("echo-text")["arg-type"]);
  edited[edited.indexOf(echo)] = { ...echo, members: echo.members.map((m) => ({ ...m, type: "bool" })) };
  if (!edited.some((e) => e.name === "bool")) edited.push({ name: "bool", "meta-type": "builtin", "json-type": "boolean" });
  return edited;
}

const find = (ir: Schema, name: string): NamedType | undefined => ir.types.find((t) => t.name === name);

describe("merge mode", () => {
  const source = loadQapiSchema(FULL);
  const intro = loadIntrospection(binaryEntries());
  const { ir, mismatches } = mergeWithIntrospection(source, intro);

  it("starts from masked, derived names", () => {
    expect(intro.types.some((t) => t.name === "WidgetInfo")).toBe(false);
    expect(intro.types.every((t) => /^\d+$/.test(t.schemaName))).toBe(true);
  });

  it("gives the binary's types their source names", () => {
    const names = ir.types.map((t) => t.name).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        "WidgetInfo",
        "WidgetOptions",
        "WidgetColor",
        "WidgetKind",
        "Sizes",
        "GearOptions",
        "SpringOptions",
        "LaserOptions",
        "Shape",
        "CircleShape",
        "WidgetRef",
        "QueryWidgetsArguments",
        "WidgetAddedData",
      ]),
    );
    // Only types reachable in the binary exist: bases are flattened away, unused types are absent.
    expect(names).not.toContain("WidgetBase");
    expect(names).not.toContain("ColorOrCount");
    expect(names).not.toContain("LegacyInfo");
  });

  it("restores integer widths and docs from the source", () => {
    const sizes = find(ir, "Sizes");
    if (sizes?.kind !== "object") throw new Error("Sizes");
    expect(sizes.members.map((m) => (m.type.kind === "builtin" ? m.type.name : "?"))).toEqual([
      "int",
      "int8",
      "int16",
      "int32",
      "int64",
      "uint8",
      "uint16",
      "uint32",
      "uint64",
      "size",
      "number",
    ]);
    expect(sizes.members.find((m) => m.name === "u64")?.doc).toBe("unsigned 64 bits, may exceed 2^53");
    expect(ir.commands.find((c) => c.name === "get-counter")?.returns).toEqual({ kind: "builtin", name: "uint64" });
    expect(ir.commands.find((c) => c.name === "widget-add")?.docs?.since).toBe("1.0");
    expect(find(ir, "WidgetInfo")?.docs?.summary).toBe("A widget with its sizes.");
    const info = find(ir, "WidgetInfo");
    const oldField = info?.kind === "object" ? info.members.find((m) => m.name === "old-field") : undefined;
    expect(oldField?.featureDocs).toEqual({ deprecated: "Member `old-field` is deprecated.  Use `sizes`." });
    const color = find(ir, "WidgetColor");
    const uv = color?.kind === "enum" ? color.values.find((v) => v.name === "ultra-violet") : undefined;
    expect(uv?.featureDocs).toEqual({ deprecated: "Use `blue` instead of `ultra-violet`." });
  });

  it("lets the binary decide what exists, without source conditions", () => {
    expect(ir.commands.map((c) => c.name)).toContain("x-debug-widgets");
    expect(ir.commands.map((c) => c.name)).not.toContain("query-legacy");
    expect(ir.events.map((e) => e.name)).not.toContain("RESET");
    const info = find(ir, "WidgetInfo");
    if (info?.kind !== "object") throw new Error("WidgetInfo");
    expect(info.members.map((m) => m.name)).not.toContain("tags");
    expect(info.members.find((m) => m.name === "sizes")?.optional).toBe(true);
    const color = find(ir, "WidgetColor");
    if (color?.kind !== "enum") throw new Error("WidgetColor");
    expect(color.values.map((v) => v.name)).toEqual(["red", "green", "blue", "ultra-violet", "purple"]);
    expect(JSON.stringify(ir)).not.toContain('"condition"');
  });

  it("reports every deliberate difference, and nothing else", () => {
    expect(formatMismatches(mismatches).split("\n").sort()).toEqual(
      [
        "command 'echo-text' / arguments / member 'text': binary has bool, source has str",
        "command 'query-legacy': command 'query-legacy' is in the source but not in the binary",
        "command 'x-debug-widgets': command 'x-debug-widgets' is in the binary but not in the source",
        "event 'RESET': event 'RESET' is in the source but not in the binary (only when: CONFIG_RESET_EVENT)",
        "type 'WidgetColor': value 'purple' is in the binary but not in the source",
        "type 'WidgetInfo' / member 'sizes': optional in the binary only",
        "type 'WidgetInfo': member 'secret' is in the source but not in the binary (only when: CONFIG_SECRET or CONFIG_DEBUG)",
        "type 'WidgetInfo': member 'tags' is in the source but not in the binary",
      ].sort(),
    );
  });

  it("merging a binary identical to the source reports nothing", () => {
    const same = loadIntrospection(toSchemaInfo(loadQapiSchema(FULL, { defines: DEFINES })));
    const result = mergeWithIntrospection(loadQapiSchema(FULL, { defines: DEFINES }), same);
    expect(result.mismatches).toEqual([]);
    expect(result.ir.types.map((t) => t.name).sort()).toEqual(
      loadQapiSchema(FULL, { defines: DEFINES })
        .types.map((t) => t.name)
        .filter((n) => !["WidgetBase", "ColorOrCount"].includes(n))
        .sort(),
    );
  });
});
