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
