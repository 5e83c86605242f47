/**
 * Root-name aliases: a type shared by several commands/events is named after its first use and
 * every other root name (`<Command>Arguments`, `<Command>Result`, `<Event>Data`) is exported as
 * an alias, so adding a command that reuses a type keeps every earlier root name.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitBindings } from "../../generator/emit/emit.js";
import type { TypeRef } from "../../generator/ir.js";
import { loadIntrospection } from "../../generator/introspection/load.js";
import { pascalCase } from "../../generator/names.js";
import { tempDir } from "../helpers/qemu.js";
import { arr, cmd, enm, ev, obj, OPTIONS, ROOT, schemaOf, typecheck, writeFiles } from "./helpers.js";

/** Whether a reference is (an array of) a named type, i.e. gets a root name. */
const named = (ref: TypeRef | undefined): boolean =>
  ref !== undefined && (ref.kind === "array" ? named(ref.element) : ref.kind === "named");

/** Type name → its alias names, for types that have any. */
const aliasesOf = (entries: readonly object[]): Record<string, string[]> =>
  Object.fromEntries(
    schemaOf(entries)
      .types.filter((t) => (t.aliases ?? []).length > 0)
      .map((t) => [t.name, (t.aliases ?? []).map((a) => a.name)]),
  );

describe("root-name aliases", () => {
  it.each([
    ["shared arguments", [cmd("b-cmd", "1"), cmd("a-cmd", "1"), obj("1", [["x", "str"]])], { ACmdArguments: ["BCmdArguments"] }],
    ["the empty object is never named", [cmd("z", "0", "1"), cmd("y", "0", "1"), cmd("x", "0", "1"), obj("1", [])], {}],
    [
      "result and event data, in root order",
      [cmd("q", "0", "1"), ev("E", "1"), cmd("p", "1"), obj("1", [["x", "str"]])],
      { PArguments: ["QResult", "EData"] },
    ],
    [
      "array result: the element is aliased",
      [cmd("list", "0", "[1]"), cmd("one", "0", "1"), obj("1", [["x", "str"]]), arr("1")],
      { ListResult: ["OneResult"] },
    ],
    ["enum result", [cmd("b", "0", "1"), cmd("a", "0", "1"), enm("1", ["p"])], { AResult: ["BResult"] }],
    [
      "a taken name is skipped",
      [cmd("a", "0", "1"), cmd("b", "0", "2"), cmd("b_", "0", "1"), obj("1", [["x", "str"]]), obj("2", [["y", "str"]])],
      {},
    ],
    ["nested uses get no alias", [cmd("a", "1"), obj("1", [["inner", "2"]]), cmd("b", "0", "2"), obj("2", [["y", "str"]])], {}],
  ] as const)("%s", (_name, entries, want) => {
    expect(aliasesOf(entries)).toEqual(want);
  });

  it("does not depend on entry order", () => {
    const a = [cmd("b-cmd", "1"), cmd("a-cmd", "1"), ev("E", "1"), obj("1", [["x", "str"]])];
    expect(aliasesOf(a)).toEqual(aliasesOf([...a].reverse()));
  });

  it("emits a documented alias next to the type, and it compiles", async () => {
    const entries = [cmd("b-cmd", "0", "[1]"), cmd("a-cmd", "1"), ev("E", "1"), obj("1", [["x", "str"]]), arr("1")];
    const files = await emitBindings(schemaOf(entries), OPTIONS);
    const text = [...files.values()].join("\n");
    expect(text).toContain(
      "/** Same type as {@link ACmdArguments}, named after the element of the result of `b-cmd`. */\n" +
        "export type BCmdResult = ACmdArguments;\n" +
        "/** Same type as {@link ACmdArguments}, named after the data of event `E`. */\n" +
        "export type EData = ACmdArguments;\n",
    );
    using dir = tempDir();
    expect(typecheck(writeFiles(join(dir.path, "o"), files))).toEqual([]);
  });
});

describe("<Command>Result of a built-in result", () => {
  it("is exported for a built-in result and for an array of one (its element); a taken name is skipped", async () => {
    const entries = [cmd("read-text", "0", "str"), cmd("get-any", "0", "any"), cmd("sizes", "0", "[int]"), arr("int")];
    const text = [...(await emitBindings(schemaOf(entries), OPTIONS)).values()].join("\n");
    expect(text).toContain("/** The result of `read-text`. */\nexport type ReadTextResult = string;\n");
    expect(text).toContain("/** The result of `get-any`. */\nexport type GetAnyResult = unknown;\n");
    expect(text).toContain(
      "/**\n * The element of the result of `sizes`.\n *\n * QAPI `int`: values above 2^53 lose precision as a JavaScript number.\n */\nexport type SizesResult = number;\n",
    );
    const taken = [cmd("read-text", "0", "str"), cmd("other", "1"), obj("1", [["x", "str"]], {}), cmd("read_text", "0", "1")];
    const files = await emitBindings(schemaOf(taken), OPTIONS);
    expect([...files.values()].join("\n").match(/export (?:type|interface) ReadTextResult\b/g)).toHaveLength(1);
    using dir = tempDir();
    expect(typecheck(writeFiles(join(dir.path, "o"), files))).toEqual([]);
  });

  it("empty uses get their root names too, as Record<string, never>; a taken name is skipped", async () => {
    const entries = [cmd("stop", "0", "0"), ev("STOP", "0"), cmd("go"), cmd("stop_", "1"), obj("1", [["x", "str"]])];
    const text = [...(await emitBindings(schemaOf(entries), OPTIONS)).values()].join("\n");
    expect(text).toContain("/** Empty: `go` takes no arguments. */\nexport type GoArguments = Record<string, never>;\n");
    expect(text).toContain("/** Empty: `stop` returns an empty object. */\nexport type StopResult = Record<string, never>;\n");
    expect(text).toContain("/** Empty: event `STOP` carries no data. */\nexport type StopData = Record<string, never>;\n");
    expect(text.match(/export (?:type|interface) StopArguments\b/g)).toHaveLength(1);
    expect(text).toContain("export interface StopArguments {");
  });

  it("the committed bindings export every <Command>Arguments, <Command>Result and <Event>Data", () => {
    for (const [schemaFile, dir] of [
      ["schemas/qemu-7.2-x86_64.json", "generated/qemu"],
      ["schemas/qsd-7.2.json", "generated/qsd"],
    ] as const) {
      const ir = loadIntrospection(JSON.parse(readFileSync(join(ROOT, schemaFile), "utf8")) as object);
      const text = ["types.ts", "enums.ts"].map((f) => readFileSync(join(ROOT, dir, f), "utf8")).join("\n");
      const exported = new Set([...text.matchAll(/^export (?:type|interface) (\w+)/gm)].map((m) => m[1]));
      const roots = [
        ...ir.commands.flatMap((c) => [`${pascalCase(c.name)}Arguments`, `${pascalCase(c.name)}Result`]),
        ...ir.events.map((e) => `${pascalCase(e.name)}Data`),
      ];
      expect(roots.length, dir).toBe(2 * ir.commands.length + ir.events.length);
      expect(
        roots.filter((n) => !exported.has(n)),
        dir,
      ).toEqual([]);
    }
  });
});

describe("adding commands that reuse types, QEMU 7.2", () => {
  const base = JSON.parse(readFileSync(join(ROOT, "schemas/qemu-7.2-x86_64.json"), "utf8")) as {
    version: object;
    return: object[];
  };
  const exported = (files: ReadonlyMap<string, string>): Set<string> =>
    new Set(
      [...files.values()].flatMap((text) => [...text.matchAll(/^export (?:type|interface) (\w+)/gm)].map((m) => m[1] ?? "")),
    );
  const generateWith = (extra: readonly object[]): Promise<Map<string, string>> =>
    emitBindings(loadIntrospection({ ...base, return: [...base.return, ...extra] }), OPTIONS);

  // "1": query-status result; "52": blockdev-create arguments; "70": JOB_STATUS_CHANGE data;
  // "[77]": query-jobs result. Names sorting first take over the type's primary name.
  const added: readonly (readonly [string, object, string])[] = [
    ["a result sorting first", cmd("a-query-x", "0", "1"), "AQueryXResult"],
    ["a result sorting last", cmd("zz-query-x", "0", "1"), "ZzQueryXResult"],
    ["arguments sorting first", cmd("a-blockdev-create", "52"), "ABlockdevCreateArguments"],
    ["event data sorting first", ev("A_JOB_EVENT", "70"), "AJobEventData"],
    ["an array result sorting first", cmd("a-query-jobs", "0", "[77]"), "AQueryJobsResult"],
    ["the element alone, sorting first", cmd("a-query-job", "0", "77"), "AQueryJobResult"],
  ];

  it("every previous root name is still exported, and the new one too", async () => {
    const baseIr = loadIntrospection(base);
    const before = exported(await generateWith([]));
    // The root names users may rely on: one per non-empty arguments, result and event data.
    const roots = [
      ...baseIr.commands.flatMap((c) => [
        ...(named(c.args) ? [`${pascalCase(c.name)}Arguments`] : []),
        ...(named(c.returns) ? [`${pascalCase(c.name)}Result`] : []),
      ]),
      ...baseIr.events.flatMap((e) => (named(e.data) ? [`${pascalCase(e.name)}Data`] : [])),
    ];
    expect(roots.filter((n) => !before.has(n))).toEqual([]);
    for (const name of ["QueryStatusResult", "BlockdevCreateArguments", "JobStatusChangeData", "QueryJobsResult"])
      expect(roots).toContain(name);

    for (const [what, entry, name] of added) {
      const after = exported(await generateWith([entry]));
      expect(
        roots.filter((n) => !after.has(n)),
        what,
      ).toEqual([]);
      expect(after, what).toContain(name);
    }
    const all = await generateWith(added.map(([, entry]) => entry));
    const allNames = exported(all);
    expect(roots.filter((n) => !allNames.has(n))).toEqual([]);
    expect(added.map(([, , name]) => name).filter((n) => !allNames.has(n))).toEqual([]);
    using dir = tempDir();
    expect(typecheck(writeFiles(join(dir.path, "o"), all))).toEqual([]);
  }, 120_000);

  it("is deterministic", async () => {
    const extra = added.map(([, entry]) => entry);
    expect(await generateWith(extra)).toEqual(await generateWith([...extra].reverse()));
  }, 30_000);
});
