import { describe, expect, it } from "vitest";
import { GeneratorError } from "../../generator/errors.js";
import { QapiError } from "../../generator/qapi/index.js";
import * as cases from "./rejection-cases.js";
import { errorOf, loadMemory } from "./helpers/memory.js";

const groups = {
  lexical: cases.lexical,
  syntax: cases.syntax,
  directives: cases.directives,
  docs: cases.docs,
  keys: cases.keys,
  flags: cases.flags,
  naming: cases.naming,
  semantics: cases.semantics,
};

describe.each(Object.entries(groups))("rejects %s errors", (_group, list) => {
  it.each(list)("%s", (_name, given, want) => {
    expect(errorOf(given)).toBe(`QapiError: ${want}`);
  });
});

describe("rejects what --define leaves dangling", () => {
  it.each(cases.defines)("%s", (_name, given, defines, want) => {
    expect(errorOf(given, defines)).toBe(`QapiError: ${want}`);
  });
});

describe("includes", () => {
  it("takes an absolute include path as is, not relative to the includer", () => {
    const files = { "sub/main.json": "{ 'include': '/abs/a.json' }", "/abs/a.json": "{ 'enum': 'Foo', 'data': [ 'x' ] }" };
    expect(errorOf(files)).toBe("no error");
    expect(loadMemory(files).types.map((t) => t.name)).toEqual(["Foo"]);
  });
});

describe("QapiError", () => {
  it("carries file, line, column and the bare reason", () => {
    try {
      loadMemory({ "main.json": "{ 'include': 'a.json' }", "a.json": "\n  { 'enum': 'Foo', 'data': [ 'x', ] }" });
      expect.unreachable();
    } catch (err: unknown) {
      expect(err).toBeInstanceOf(QapiError);
      const e = err as QapiError;
      expect([e.file, e.line, e.col, e.reason]).toEqual(["a.json", 2, 33, "trailing comma in array"]);
      expect(e.message).toBe("In file included from main.json:1:\na.json:2:33: trailing comma in array");
      expect(e.includedFrom).toEqual([{ file: "main.json", line: 1, col: 14 }]);
    }
  });

  it("is a GeneratorError, so the CLI prints it as one line", () => {
    expect(new QapiError({ file: "f.json", line: 1, col: 2 }, "bad")).toBeInstanceOf(GeneratorError);
  });

  it("reports an unreadable top-level file at 1:1", () => {
    expect(errorOf({ "other.json": "" })).toBe("no error");
    expect(errorOf({})).toBe("QapiError: main.json:1:1: can't read schema file 'main.json': ENOENT");
  });
});

describe("accepts what QEMU's frontend accepts", () => {
  it.each([
    ["an empty file", ""],
    ["an alternate with one branch (degenerate, allowed since 4.2)", "{ 'alternate': 'Alt', 'data': { 'i': 'int' } }"],
    [
      "a union without branches",
      "{ 'enum': 'Kind', 'data': [ 'a' ] }\n{ 'union': 'Uni', 'base': { 'type': 'Kind' }, 'discriminator': 'type', 'data': {} }",
    ],
    [
      "a doc comment whose lines are indented, end marker included",
      "  ##\n  # @foo:\n  #\n  # Does foo.\n  ##\n  { 'command': 'foo' }",
    ],
    ["comments after values and inside objects", "{ 'enum': 'Status', # the name\n  'data': [ 'good', # one\n 'bad' ] } # done"],
    [
      "an include reached twice (included once)",
      {
        "main.json": "{ 'include': 'c.json' }\n{ 'include': 'b.json' }",
        "b.json": "{ 'include': 'c.json' }",
        "c.json": "{ 'enum': 'Color', 'data': [ 'red' ] }",
      },
    ],
  ] as const)("%s", (_name, given) => {
    expect(errorOf(given)).toBe("no error");
  });
});
