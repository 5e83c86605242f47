/**
 * One regression fixture per syntax era of QEMU's QAPI language (4.2 to 10.x): minimal
 * schemas of our own that show each rule. Trees of every release must load, so each
 * construct a release's generator accepted is accepted here too.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QapiError } from "../../generator/qapi/index.js";
import type { NamedType, ObjectType, Schema } from "../../generator/ir.js";
import { errorOf, loadMemory } from "./helpers/memory.js";

const find = (schema: Schema, name: string): NamedType | undefined => schema.types.find((t) => t.name === name);
const object = (schema: Schema, name: string): ObjectType => {
  const t = find(schema, name);
  if (t?.kind !== "object") throw new Error(`${name} is not an object`);
  return t;
};

/** Old pragma names mark a schema of QEMU before 6.0. */
const OLD_PRAGMA = "{ 'pragma': { 'returns-whitelist': [ 'get-text' ], 'name-case-whitelist': [ 'Legacy' ] } }\n";

describe("pragmas before 6.0 (returns-whitelist, name-case-whitelist)", () => {
  it("returns-whitelist lets a command return a non-object, like command-returns-exceptions", () => {
    const schema = loadMemory(OLD_PRAGMA + "{ 'command': 'get-text', 'returns': 'str' }");
    expect(schema.commands[0]?.returns).toEqual({ kind: "builtin", name: "str" });
    expect(errorOf(OLD_PRAGMA + "{ 'command': 'get-more', 'returns': 'str' }")).toMatch(
      /'returns' of command 'get-more' must be/,
    );
  });

  it("name-case-whitelist lets a type's members use upper case; other members may not", () => {
    expect(errorOf(OLD_PRAGMA + "{ 'struct': 'Legacy', 'data': { 'EAX': 'int' } }")).toBe("no error");
    expect(errorOf(OLD_PRAGMA + "{ 'struct': 'Modern', 'data': { 'EAX': 'int' } }")).toBe(
      "QapiError: main.json:2:33: member 'EAX' of struct 'Modern' must not use upper case",
    );
  });

  it("keeps that era's looser naming: '_' in commands and members, any case in definition names", () => {
    const schema = loadMemory(
      OLD_PRAGMA +
        "{ 'command': 'block_resize', 'data': { 'node_name': 'str' } }\n" +
        "{ 'struct': 'cpuInfo', 'data': { 'cpu_index': 'int' } }\n{ 'event': 'Shutdown' }",
    );
    expect(schema.commands.map((c) => c.name)).toEqual(["block_resize"]);
    expect(schema.events.map((e) => e.name)).toEqual(["Shutdown"]);
    // The same schema under 6.0's rules (new pragma names) is refused.
    expect(errorOf("{ 'command': 'block_resize' }")).toBe(
      "QapiError: main.json:1:14: command 'block_resize' must use '-', not '_'",
    );
  });

  it("leaves feature descriptions and boxed-argument docs unchecked, as QEMU 4.2 did", () => {
    const text =
      "##\n# @Args:\n##\n{ 'struct': 'Args', 'data': { 'a': 'int' } }\n" +
      "##\n# @frob:\n#\n# @a: documented with the command\n##\n{ 'command': 'frob', 'boxed': true, 'data': 'Args', 'features': [ 'undocumented' ] }";
    expect(errorOf(OLD_PRAGMA + text)).toBe("no error");
    expect(errorOf(text)).toMatch(/documented member '@a' does not exist in command 'frob'/);
  });

  it("still refuses what every release refused", () => {
    expect(errorOf(OLD_PRAGMA + "{ 'struct': 'FooList', 'data': {} }")).toMatch(/must not end in 'List'/);
    // 'Kind' was reserved for simple unions' tag enums until 6.2; later schemas may use it.
    expect(errorOf(OLD_PRAGMA + "{ 'enum': 'UnionKind', 'data': [ 'a' ] }")).toBe(
      "QapiError: main.json:2:11: enum 'UnionKind' must not end in 'Kind' (reserved for simple union tag enums)",
    );
    expect(errorOf("{ 'enum': 'UnionKind', 'data': [ 'a' ] }")).toBe("no error");
    expect(errorOf(OLD_PRAGMA + "{ 'struct': 'Foo', 'data': { 'q_x': 'int' } }")).toMatch(/reserved prefix 'q_'/);
  });
});

describe("conditions before 6.2: C preprocessor strings and lists", () => {
  const schema =
    OLD_PRAGMA +
    "{ 'enum': 'Spice', 'data': [ 'a' ], 'if': 'defined(CONFIG_SPICE)' }\n" +
    "{ 'enum': 'Both', 'data': [ 'a' ], 'if': 'defined(TARGET_S390X) || !defined(CONFIG_X)' }\n" +
    "{ 'enum': 'Listed', 'data': [ 'a' ], 'if': [ 'defined(A)', 'defined(B)' ] }\n" +
    "{ 'struct': 'Mixed', 'data': { 'm': { 'type': 'int', 'if': 'defined(A) && (defined(B) || C)' } } }";

  it("map to the same conditions as {all/any/not}", () => {
    const ir = loadMemory(schema);
    expect(find(ir, "Spice")?.condition).toBe("CONFIG_SPICE");
    expect(find(ir, "Both")?.condition).toBe("TARGET_S390X or not CONFIG_X");
    expect(find(ir, "Listed")?.condition).toBe("A and B");
    expect(object(ir, "Mixed").members[0]?.condition).toBe("A and (B or C)");
  });

  it("evaluate with --define", () => {
    const names = (defines: string[]) => loadMemory(schema, defines).types.map((t) => t.name);
    expect(names(["CONFIG_SPICE", "A"])).toEqual(["Spice", "Both", "Mixed"]);
    expect(names(["TARGET_S390X", "A", "B", "CONFIG_X"])).toEqual(["Both", "Listed", "Mixed"]);
  });

  it("never fail with anything but a located error, whatever the string", () => {
    const word = fc.constantFrom("defined", "(", ")", "!", "&&", "||", "A", "B_1", " ", "&", "|", "1", "x(");
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), (words) => {
        const cond = words.join("").replace(/\\|'/g, "");
        try {
          loadMemory(`{ 'enum': 'Foo', 'data': [], 'if': '${cond}' }`);
        } catch (err: unknown) {
          expect(err).toBeInstanceOf(QapiError);
        }
      }),
    );
  });

  it("are accepted without the old pragma names too (QEMU 6.0 and 6.1 used them)", () => {
    expect(errorOf("{ 'enum': 'Spice', 'data': [ 'a' ], 'if': 'defined(CONFIG_SPICE)' }")).toBe("no error");
  });
});

describe("simple unions (before 6.2)", () => {
  const schema =
    "{ 'enum': 'Key', 'data': [ 'a', 'b' ] }\n" +
    "{ 'union': 'KeyValue', 'data': { 'number': 'int', 'qcode': 'Key',\n" +
    "  'list': [ 'str' ], 'spice': { 'type': 'Key', 'if': 'CONFIG_SPICE' } } }\n" +
    "{ 'command': 'send-key', 'data': { 'keys': [ 'KeyValue' ] } }";

  it("become the flat union QEMU 6.2 wrote out: a 'type' tag of enum <Name>Kind, each value wrapped in 'data'", () => {
    const ir = loadMemory(schema);
    const union = object(ir, "KeyValue");
    expect(union.members.map((m) => [m.name, m.type])).toEqual([["type", { kind: "named", name: "KeyValueKind" }]]);
    expect(union.variants?.discriminator).toBe("type");
    expect(union.variants?.cases).toEqual([
      { tag: "number", type: "IntWrapper", condition: undefined },
      { tag: "qcode", type: "KeyWrapper", condition: undefined },
      { tag: "list", type: "StrListWrapper", condition: undefined },
      { tag: "spice", type: "KeyWrapper", condition: "CONFIG_SPICE" },
    ]);
    const kind = find(ir, "KeyValueKind");
    expect(kind?.kind === "enum" ? kind.values.map((v) => [v.name, v.condition]) : []).toEqual([
      ["number", undefined],
      ["qcode", undefined],
      ["list", undefined],
      ["spice", "CONFIG_SPICE"],
    ]);
    expect(object(ir, "StrListWrapper").members.map((m) => [m.name, m.type])).toEqual([
      ["data", { kind: "array", element: { kind: "builtin", name: "str" } }],
    ]);
  });

  it("need no documentation of their implicit types under doc-required", () => {
    const documented =
      "{ 'pragma': { 'doc-required': true } }\n##\n# @Key:\n##\n{ 'enum': 'Key', 'data': [ 'a' ] }\n" +
      "##\n# @KeyValue:\n#\n# @qcode: a key\n##\n{ 'union': 'KeyValue', 'data': { 'qcode': 'Key' } }";
    expect(errorOf(documented)).toBe("no error");
  });

  it("pick another wrapper name when the schema already has one", () => {
    const ir = loadMemory("{ 'struct': 'IntWrapper', 'data': {} }\n{ 'union': 'Uni', 'data': { 'n': 'int' } }");
    expect(object(ir, "Uni").variants?.cases[0]?.type).toBe("IntWrapper2");
  });
});

describe("flat unions", () => {
  it("may give no branch at all (every tag value gets an empty branch)", () => {
    const ir = loadMemory(
      "{ 'enum': 'Kind', 'data': [ 'one' ] }\n{ 'union': 'Uni', 'base': { 'type': 'Kind' }, 'discriminator': 'type', 'data': {} }",
    );
    expect(object(ir, "Uni").variants?.cases).toEqual([{ tag: "one", type: undefined, condition: undefined }]);
  });
});

const doc = (lines: string, def = "{ 'command': 'frob', 'data': { 'a': 'int', 'b': 'int' } }"): string =>
  `##\n# @frob:\n#\n# Frobnicate.\n#\n${lines}\n##\n${def}\n`;

describe("doc comments of each era", () => {
  const docsOf = (text: string) => loadMemory(text).commands[0]?.docs;

  it("QEMU ≤ 5.1 and ≥ 9.0: an unindented line right after '@a: text' is accepted", () => {
    expect(errorOf(doc("# @a: the first\n# and more\n# @b: second"))).toBe("no error");
  });

  it("QEMU ≤ 5.1: 'Example: text' followed by unindented lines", () => {
    const docs = docsOf(doc('# @a: x\n# @b: y\n#\n# Example: set it\n# [0, 10), [10, 50)\n#\n# -> { "execute": "frob" }'));
    expect(docs?.examples?.[0]).toContain("set it");
  });

  it("QEMU 7.2: a tag alone on its line runs to the next tag, blank lines and all", () => {
    const docs = docsOf(
      doc('# @a: x\n# @b: y\n#\n# Example:\n#\n# -> { "execute": "frob" }\n# <- { "return": {} }\n#\n# Since: 7.2'),
    );
    expect(docs?.examples).toEqual(['-> { "execute": "frob" }\n<- { "return": {} }']);
    expect(docs?.since).toBe("7.2");
  });

  it("QEMU 8.2: 'Note: text' followed by an unindented line", () => {
    const docs = docsOf(doc("# @a: x\n# @b: y\n#\n# Note: the options only matter\n# when it is running.\n#\n# Since: 8.2"));
    expect(docs?.remarks?.join("\n")).toContain("the options only matter\nwhen it is running.");
  });

  it("QEMU ≥ 9.0: 'Features:' after a tagged section, untagged text between member descriptions, 'Errors:'", () => {
    const text = doc(
      "# @a: x\n#\n# Text about @a.\n#\n# @b: y\n#\n# Errors:\n#     - If it fails, GenericError\n#\n# Since: 9.0\n#\n# Features:\n#\n# @unstable: Experimental.",
      "{ 'command': 'frob', 'data': { 'a': 'int', 'b': 'int' }, 'features': [ 'unstable' ] }",
    );
    const docs = docsOf(text);
    expect(docs?.unstable).toBe("Experimental.");
    expect(docs?.errors).toContain("GenericError");
    expect(docs?.remarks).toEqual(["Text about `a`."]);
  });

  it("'Example::' and 'Note::' are rST literal blocks, not sections", () => {
    expect(errorOf(doc("# @a: x\n# @b: y\n#\n# Examples::\n#\n#  - not a section"))).toBe("no error");
  });

  it("QEMU ≥ 5.2: a continuation that is indented sets the indentation the next lines keep", () => {
    expect(errorOf(doc("# @a: line one\n#   line two\n# line three"))).toBe(
      "QapiError: main.json:8:3: unexpected de-indent: continuation lines of '@a:' must be indented at least 2 spaces",
    );
  });

  it("before 5.2 (old pragma names): continuation lines may de-indent, the text runs on", () => {
    const text = doc("# @a: line one\n#   line two\n# line three\n# @b: y\n#\n# Since: 4.2\n#        and on\n# still since");
    expect(errorOf(text)).toMatch(/unexpected de-indent/);
    expect(errorOf(OLD_PRAGMA + text)).toBe("no error");
    expect(docsOf(OLD_PRAGMA + text)?.since).toBe("4.2 and on still since");
    const member = object(loadMemory(OLD_PRAGMA + text), "FrobArguments").members.find((m) => m.name === "a");
    expect(member?.doc).toBe("line one\n  line two\nline three");
  });
});

describe("errors in included files", () => {
  it("name how the file was reached, outermost include first", () => {
    const files = {
      "main.json": "{ 'include': 'a.json' }",
      "a.json": "# comment\n{ 'include': 'b.json' }",
      "b.json": "{ 'command' 'frob' }",
    };
    expect(errorOf(files)).toBe(
      "QapiError: In file included from main.json:1:\nIn file included from a.json:2:\nb.json:1:13: expected ':', found a string",
    );
  });
});
