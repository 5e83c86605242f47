import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { AlternateType, EnumType, NamedType, ObjectType, Schema } from "../../generator/ir.js";
import { checkQapiSource, loadQapiSchema } from "../../generator/qapi/index.js";

const fixture = (p: string): string => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const FULL = fixture("full/schema.json");

function typeOf<K extends NamedType["kind"]>(ir: Schema, name: string, kind: K): Extract<NamedType, { kind: K }> {
  const t = ir.types.find((x) => x.name === name);
  if (t?.kind !== kind) throw new Error(`no ${kind} ${name}`);
  return t as Extract<NamedType, { kind: K }>;
}
const command = (ir: Schema, name: string) => ir.commands.find((c) => c.name === name);

describe("full fixture, no defines", () => {
  const ir = loadQapiSchema(FULL);

  it("follows includes relative to the includer and reads each file once", () => {
    const { source } = checkQapiSource(FULL);
    expect(source.files.map((f) => f.replace(/.*fixtures\//, ""))).toEqual([
      "full/schema.json",
      "full/common.json",
      "full/sub/devices.json",
    ]);
    expect(ir.types.filter((t) => t.name === "WidgetColor")).toHaveLength(1);
  });

  it("keeps real names and every definition, in source order", () => {
    expect(ir.types.map((t) => t.name)).toEqual([
      "WidgetColor",
      "WidgetKind",
      "Sizes",
      "WidgetBase",
      "WidgetInfo",
      "GearOptions",
      "SpringOptions",
      "LaserOptions",
      "WidgetOptions",
      "ShapeKind",
      "CircleShape",
      "Shape",
      "WidgetRef",
      "ColorOrCount",
      "LegacyInfo",
      "Undocumented",
      "QueryWidgetsArguments",
      "WidgetAddedData",
      "EchoTextArguments",
    ]);
    expect(ir.commands.map((c) => c.name)).toEqual([
      "widget-add",
      "query-widgets",
      "set-shape",
      "laser-fire",
      "legacy_reset",
      "get-counter",
      "echo-text",
      "query-legacy",
      "query-undocumented",
    ]);
    expect(ir.events.map((e) => e.name)).toEqual(["WIDGET_ADDED", "SHAPE_CHANGED", "RESET"]);
  });

  it("keeps exact integer widths", () => {
    const sizes = typeOf(ir, "Sizes", "object");
    expect(sizes.members.map((m) => m.type)).toEqual(
      ["int", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "size", "number"].map((name) => ({
        kind: "builtin",
        name,
      })),
    );
    expect(command(ir, "get-counter")?.returns).toEqual({ kind: "builtin", name: "uint64" });
  });

  it("renders conditions of definitions, members, values, branches and features", () => {
    expect(command(ir, "laser-fire")?.condition).toBe("CONFIG_LASER and not TARGET_S390X");
    expect(ir.events.find((e) => e.name === "RESET")?.condition).toBe("CONFIG_RESET_EVENT");
    expect(typeOf(ir, "WidgetColor", "enum").values.find((v) => v.name === "green")?.condition).toBe("CONFIG_GREEN");
    const info = typeOf(ir, "WidgetInfo", "object");
    expect(info.members.find((m) => m.name === "secret")?.condition).toBe("CONFIG_SECRET or CONFIG_DEBUG");
    expect(info.docs?.features?.["fast-path"]).toBe("This widget supports the fast path. (Only when: CONFIG_FAST)");
    const cases = typeOf(ir, "WidgetOptions", "object").variants?.cases;
    expect(cases?.find((c) => c.tag === "x-laser")?.condition).toBe("CONFIG_LASER and not TARGET_S390X");
    expect(typeOf(ir, "ColorOrCount", "alternate").branches.find((b) => b.name === "flag")?.condition).toBe("CONFIG_FLAGS");
  });

  it("keeps features on definitions, members and values", () => {
    expect(typeOf(ir, "WidgetInfo", "object").features).toEqual(["fast-path"]);
    expect(typeOf(ir, "WidgetInfo", "object").members.find((m) => m.name === "old-field")?.features).toEqual(["deprecated"]);
    expect(typeOf(ir, "WidgetKind", "enum").values.find((v) => v.name === "x-laser")?.features).toEqual(["unstable"]);
    expect(ir.events.find((e) => e.name === "SHAPE_CHANGED")?.features).toEqual(["deprecated"]);
  });

  it("flattens bases and lists every tag value of a union", () => {
    const info: ObjectType = typeOf(ir, "WidgetInfo", "object");
    expect(info.base).toBe("WidgetBase");
    expect(info.members.map((m) => [m.name, m.optional])).toEqual([
      ["name", false],
      ["kind", false],
      ["color", true],
      ["tags", true],
      ["sizes", false],
      ["secret", true],
      ["old-field", true],
    ]);
    const opts = typeOf(ir, "WidgetOptions", "object");
    expect(opts.variants?.discriminator).toBe("kind");
    expect(opts.variants?.cases.map((c) => [c.tag, c.type])).toEqual([
      ["gear", "GearOptions"],
      ["spring", "SpringOptions"],
      ["lever", undefined],
      ["x-laser", "LaserOptions"],
    ]);
    const shape = typeOf(ir, "Shape", "object");
    expect(shape.base).toBeUndefined();
    expect(shape.members.map((m) => m.name)).toEqual(["kind", "label"]);
    expect(shape.variants?.cases.map((c) => c.type)).toEqual(["CircleShape", undefined]);
  });

  it("maps alternates with array, null, enum and object branches", () => {
    const alt: AlternateType = typeOf(ir, "WidgetRef", "alternate");
    expect(alt.branches.map((b) => [b.name, b.type])).toEqual([
      ["definition", { kind: "named", name: "WidgetOptions" }],
      ["reference", { kind: "builtin", name: "str" }],
      ["nothing", { kind: "builtin", name: "null" }],
      ["colors", { kind: "array", element: { kind: "named", name: "WidgetColor" } }],
    ]);
  });

  it("maps commands: inline args, boxed args, returns, flags", () => {
    expect(command(ir, "query-widgets")).toMatchObject({
      args: { kind: "named", name: "QueryWidgetsArguments" },
      returns: { kind: "array", element: { kind: "named", name: "WidgetInfo" } },
      boxed: false,
      allowOob: false,
      successResponse: true,
    });
    expect(command(ir, "widget-add")).toMatchObject({ args: { kind: "named", name: "WidgetOptions" }, boxed: true });
    expect(command(ir, "legacy_reset")).toMatchObject({ args: undefined, returns: undefined, allowPreconfig: true });
    expect(command(ir, "get-counter")?.allowOob).toBe(true);
    expect(ir.events.find((e) => e.name === "WIDGET_ADDED")?.data).toEqual({ kind: "named", name: "WidgetAddedData" });
    expect(ir.events.find((e) => e.name === "RESET")?.data).toBeUndefined();
  });

  it("turns doc comments into structured docs", () => {
    expect(command(ir, "widget-add")?.docs).toEqual({
      summary: "Adds a widget.\n\nA longer explanation, with a list:\n\n- first, the widget is created\n- then it is attached",
      errors: "- If `name` is already used, GenericError",
      since: "1.0",
      remarks: ["Widgets cannot be removed while *in use*.\nThis text continues the note."],
      examples: [
        '-> { "execute": "widget-add",\n     "arguments": { "name": "w0", "kind": "gear", "teeth": 12 } }\n<- { "return": {} }',
      ],
    });
    expect(command(ir, "query-widgets")?.docs?.summary).toBe(
      "Lists widgets.  A literal block follows:\n\n```\nquery-widgets -> [ ... ]\n```",
    );
    expect(command(ir, "query-widgets")?.docs?.returns).toBe("a list of `WidgetInfo`");
    expect(command(ir, "laser-fire")?.docs?.unstable).toBe("This command is experimental.");
    expect(typeOf(ir, "WidgetColor", "enum").docs?.deprecation).toBe("Use `blue` instead of `ultra-violet`.");
    const args = typeOf(ir, "QueryWidgetsArguments", "object");
    expect(args.members.map((m) => m.doc)).toEqual(["only widgets of this kind", "a reference", "at most this many */ results"]);
    // Members inherited from a base keep the base's docs.
    expect(typeOf(ir, "WidgetInfo", "object").members[0]?.doc).toBe("the widget's name.  See `query-widgets`.");
    const color: EnumType = typeOf(ir, "WidgetColor", "enum");
    expect(color.values.map((v) => v.doc)).toEqual(["red", "green, only with `CONFIG_GREEN`", "blue", "invisible"]);
  });
});

describe("full fixture with defines", () => {
  it("keeps only what holds and drops conditions", () => {
    const ir = loadQapiSchema(FULL, { defines: ["CONFIG_LASER", "CONFIG_FAST"] });
    expect(command(ir, "laser-fire")).toBeDefined();
    expect(command(ir, "laser-fire")?.condition).toBeUndefined();
    expect(ir.events.map((e) => e.name)).toEqual(["WIDGET_ADDED", "SHAPE_CHANGED"]);
    expect(typeOf(ir, "WidgetColor", "enum").values.map((v) => v.name)).toEqual(["red", "blue", "ultra-violet"]);
    expect(typeOf(ir, "WidgetKind", "enum").values.map((v) => v.name)).toContain("x-laser");
    expect(typeOf(ir, "WidgetInfo", "object").members.map((m) => m.name)).not.toContain("secret");
    expect(typeOf(ir, "WidgetInfo", "object").features).toEqual(["fast-path"]);
    expect(typeOf(ir, "ColorOrCount", "alternate").branches.map((b) => b.name)).toEqual(["color", "count"]);
    expect(JSON.stringify(ir)).not.toContain('"condition"');
  });

  it("evaluates not: TARGET_S390X removes the laser everywhere", () => {
    const ir = loadQapiSchema(FULL, { defines: ["CONFIG_LASER", "TARGET_S390X"] });
    expect(command(ir, "laser-fire")).toBeUndefined();
    expect(ir.types.find((t) => t.name === "LaserOptions")).toBeUndefined();
    expect(typeOf(ir, "WidgetOptions", "object").variants?.cases.map((c) => c.tag)).toEqual(["gear", "spring", "lever"]);
    expect(typeOf(ir, "WidgetInfo", "object").features).toEqual([]);
  });

  it("with an empty define set keeps only unconditional things", () => {
    const ir = loadQapiSchema(FULL, { defines: [] });
    expect(ir.commands.map((c) => c.name)).not.toContain("laser-fire");
    expect(ir.events.map((e) => e.name)).not.toContain("RESET");
  });
});

describe("QGA fixture", () => {
  const ir = loadQapiSchema(fixture("qga/qga-schema.json"));

  it("has the guest agent commands", () => {
    expect(ir.commands.map((c) => c.name)).toEqual([
      "guest-sync-delimited",
      "guest-ping",
      "guest-get-time",
      "guest-info",
      "guest-shutdown",
    ]);
    expect(ir.events).toEqual([]);
  });

  it("marks guest-shutdown as never replying", () => {
    expect(command(ir, "guest-shutdown")).toMatchObject({
      successResponse: false,
      args: { kind: "named", name: "GuestShutdownArguments" },
    });
    expect(ir.commands.filter((c) => !c.successResponse).map((c) => c.name)).toEqual(["guest-shutdown"]);
  });

  it("types returns allowed by pragma exceptions, and underscore members", () => {
    expect(command(ir, "guest-get-time")?.returns).toEqual({ kind: "builtin", name: "int" });
    expect(command(ir, "guest-sync-delimited")?.returns).toEqual({ kind: "builtin", name: "int" });
    expect(typeOf(ir, "GuestAgentInfo", "object").members.map((m) => m.name)).toEqual(["version", "supported_commands"]);
  });
});
