/**
 * Regressions found by running the source frontend on QEMU's real QAPI files (7.2 to 10.x
 * styles); the fixture reproduces each construct in its own words.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { emitBindings } from "../../generator/emit/emit.js";
import { errorItems } from "../../generator/emit/docs.js";
import { loadQapiSchema } from "../../generator/qapi/index.js";
import { rstToMarkdown, splitQmpExamples } from "../../generator/qapi/rst.js";
import { OPTIONS, typecheck, writeFiles } from "../generator/helpers.js";
import { errorOf, loadMemory } from "./helpers/memory.js";

const fixture = fileURLToPath(new URL("./fixtures/real-constructs/schema.json", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "qapi-real-constructs-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the real-constructs fixture", () => {
  const ir = loadQapiSchema(fixture);
  const files = emitBindings(ir, { ...OPTIONS, apiName: "Kitchen", source: "real-constructs" });
  const text = async (name: string): Promise<string> => (await files).get(name) ?? "";

  it("loads: undocumented members under doc-required (QEMU < 9.1), a later '=' line in free-form text", () => {
    expect(ir.types.map((t) => t.name)).toEqual(["Kettle", "KettleMode", "KettleFillArguments"]);
  });

  it("gives members and enum values the descriptions of their features", async () => {
    const kettle = ir.types.find((t) => t.name === "Kettle");
    expect(kettle?.kind === "object" ? kettle.members.map((m) => m.featureDocs) : []).toEqual([
      { unstable: "Member `litres` may change its unit." },
      undefined,
      { deprecated: "Member `whistle` is deprecated.  Listen to the\n`KETTLE_BOILED` event instead." },
    ]);
    const types = await text("types.ts");
    expect(types).toContain("   * @experimental Member `litres` may change its unit.\n");
    expect(types).toContain(
      "   * @deprecated Member `whistle` is deprecated.  Listen to the\n   * `KETTLE_BOILED` event instead.\n",
    );
    expect(await text("enums.ts")).toContain(
      " * Value `simmer`: a synonym for `warm`; features `deprecated` (Member `simmer` is deprecated.  Use `warm` instead.)\n",
    );
  });

  it("renders a command's docs: one @throws per error, roles kept, no 'Arguments:' label, titled example", async () => {
    const fns = await text("functions.ts");
    const doc = fns.slice(fns.indexOf("/**\n * Fill the kettle."), fns.indexOf("export function kettleFill"));
    expect(doc).toBe(
      [
        "/**",
        " * Fill the kettle.",
        " *",
        " * Executes `kettle-fill`.",
        " * @throws If the kettle is already full, GenericError",
        " * @throws If there is no kettle, DeviceNotFound; this happens",
        " * when it was unplugged",
        " * @remarks **Note:** Check the water level first (see",
        " * `/kitchen/kettle-manual`).",
        " * @example",
        ' * -> { "execute": "kettle-fill", "arguments": { "litres": 0.5 } }',
        ' * <- { "return": {} }',
        " * @since 2.1",
        " */",
        "",
      ].join("\n"),
    );
  });

  it("compiles", async () => {
    expect(typecheck(writeFiles(join(tmp, "out"), await files))).toEqual([]);
  });
});

describe("member documentation under doc-required", () => {
  const schema = (pragma: string): string =>
    `{ 'pragma': { 'doc-required': true${pragma} } }\n##\n# @Pan:\n#\n# @size: across\n##\n` +
    "{ 'struct': 'Pan', 'data': { 'size': 'int', 'lid': 'bool' } }\n";

  it("is optional without a documentation-exceptions pragma (QEMU 7.2 to 9.0)", () => {
    expect(errorOf(schema(""))).toBe("no error");
  });

  it("is required once the schema declares documentation-exceptions (QEMU 9.1+), except for listed names", () => {
    expect(errorOf(schema(", 'documentation-exceptions': []"))).toBe(
      "QapiError: main.json:7:45: 'lid' of struct 'Pan' is not documented",
    );
    expect(errorOf(schema(", 'documentation-exceptions': [ 'Pan' ]"))).toBe("no error");
  });
});

describe("free-form comments", () => {
  it("take a heading only from the first line; a later '=' line is text", () => {
    const files = "##\n# Recipes\n#\n# = not a heading here\n##\n\n##\n# @Spice:\n##\n{ 'enum': 'Spice', 'data': [ 'salt' ] }\n";
    expect(loadMemory(files).types.map((t) => t.name)).toEqual(["Spice"]);
  });

  it("cannot stand in for a definition's documentation (every QEMU release refuses it)", () => {
    expect(errorOf("##\n# = Recipes\n##\n{ 'enum': 'Spice', 'data': [ 'salt' ] }\n")).toBe(
      "QapiError: main.json:1:1: definition documentation required",
    );
  });
});

describe("rST directives", () => {
  it("keep a continuation line that starts with a role (only leading lines are options)", () => {
    expect(rstToMarkdown(".. note:: Read the manual\n   first (see\n   :doc:`/manual`).")).toBe(
      "**Note:** Read the manual\nfirst (see\n`/manual`).",
    );
  });

  it("drop options and their indentation from a qmp-example", () => {
    const text = "Intro.\n\n.. qmp-example::\n   :title: A title\n   :annotated:\n\n    -> { }\n      <- { }\n";
    expect(splitQmpExamples(text)).toEqual({ rest: "Intro.\n\n", examples: ["-> { }\n  <- { }"] });
  });
});

describe("errorItems", () => {
  it.each<[string, string, string[]]>([
    ["a list", "- If a, X\n- If b, Y", ["If a, X", "If b, Y"]],
    ["a list with continuations", "- If a,\n  X\n- If b, Y", ["If a,\nX", "If b, Y"]],
    ["plain text", "Whenever it fails", ["Whenever it fails"]],
    ["a list followed by text", "- If a, X\n\nOtherwise fine", ["- If a, X\n\nOtherwise fine"]],
  ])("splits %s", (_name, given, want) => {
    expect(errorItems(given)).toEqual(want);
  });
});

describe("headings", () => {
  it("accepts a module that starts at a deeper heading level, as QEMU's generator does", () => {
    const files: Record<string, string> = {
      "/virtual/module.json":
        "##\n# == Second level first\n##\n\n##\n# @Thing:\n#\n# A thing.\n#\n# @name: its name\n#\n# Since: 1.0\n##\n{ 'struct': 'Thing', 'data': { 'name': 'str' } }\n",
    };
    const readFile = (file: string): string => {
      const text = files[file];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: "ENOENT" });
      return text;
    };
    const schema = loadQapiSchema("/virtual/module.json", { readFile });
    expect(JSON.stringify(schema)).toContain("Thing");
  });
});
