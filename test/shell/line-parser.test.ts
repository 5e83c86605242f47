import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QmpSchema } from "../../runtime/index.js";
import { qemu72Schema } from "../../runtime/testing/index.js";
import { LineParser, ShellSyntaxError, type ShellLine } from "../../runtime/shell/line-parser.js";
import { parseValue, tokenize } from "../../runtime/shell/values.js";
import { formatJson } from "../../runtime/shell/format.js";

const schema = new QmpSchema(qemu72Schema());
const feed = (line: string, options = {}) => new LineParser({ schema, ...options }).feed(line);
const argsOf = (line: string, options = {}) => (feed(line, options) as Extract<ShellLine, { kind: "command" }>).args;

describe("values (qmp-shell's rules)", () => {
  it.each([
    ["42", 42],
    ["-7", -7],
    ["18446744073709551615", 18446744073709551615n],
    ["true", true],
    ["False", false],
    ["null", null],
    ["on", "on"],
    ["1.5", "1.5"],
    ['"123"', "123"],
    ['"two words"', "two words"],
    ["'single'", "single"],
    ['{"a": [1, 2]}', { a: [1, 2] }],
    ["{'a': True, 'b': None}", { a: true, b: null }],
    ["[1, 'x']", [1, "x"]],
    ["{not json", "{not json"],
  ])("%s", (text, want) => {
    expect(parseValue(text).value).toEqual(want);
  });

  it("any JSON object or array survives as a value (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue())), (value) => {
        const text = JSON.stringify(value);
        expect(tokenize(`cmd k=${text}`).tokens.map((t) => t.text)).toEqual(["cmd", `k=${text}`]);
        // Integers beyond 2^53 come back as exact bigints: compare the JSON text.
        expect(formatJson(parseValue(text).value, false)).toBe(text);
      }),
    );
  });

  it("a quoted string is one token whatever it holds (property)", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const text = JSON.stringify(s);
        expect(tokenize(`a k=${text} b=1`).tokens).toHaveLength(3);
        expect(parseValue(text).value).toBe(s);
      }),
    );
  });
});

describe("line parser", () => {
  it("reads a command with key=value arguments and dotted keys", () => {
    expect(feed("query-status")).toEqual({ kind: "command", command: "query-status", args: undefined });
    expect(
      argsOf("blockdev-add driver=qcow2 node-name=disk file.driver=file file.filename=/tmp/a.qcow2 cache.direct=true"),
    ).toEqual({
      driver: "qcow2",
      "node-name": "disk",
      file: { driver: "file", filename: "/tmp/a.qcow2" },
      cache: { direct: true },
    });
  });

  it("keeps JSON values with spaces in one argument", () => {
    expect(argsOf(`migrate-set-capabilities capabilities=[{"capability": "events", "state": true}]`)).toEqual({
      capabilities: [{ capability: "events", state: true }],
    });
  });

  it("retypes bare words by the member's schema type (str stays text), unless validation is off", () => {
    expect(argsOf("device_del id=1")).toEqual({ id: "1" });
    expect(argsOf("blockdev-add driver=file node-name=123 filename=true")).toEqual({
      driver: "file",
      "node-name": "123",
      filename: "true",
    });
    expect(argsOf("block-dirty-bitmap-add node=n name=b granularity=65536")).toEqual({
      node: "n",
      name: "b",
      granularity: 65536,
    });
    expect(argsOf("device_del id=1", { coerce: false })).toEqual({ id: 1 });
    // An enum, or an alternate with a string branch (StrOrNull, BlockdevRefOrNull), takes text too.
    expect(argsOf("migrate-set-parameters tls-creds=1 tls-hostname=null")).toEqual({ "tls-creds": "1", "tls-hostname": null });
    expect(argsOf("blockdev-add driver=qcow2 node-name=q file=disk0 backing=null")).toEqual({
      driver: "qcow2",
      "node-name": "q",
      file: "disk0",
      backing: null,
    });
    expect(argsOf("blockdev-add driver=qcow2 node-name=q file=true")).toMatchObject({ file: "true" });
    expect(argsOf("set-action panic=1")).toEqual({ panic: "1" });
    // Integers and booleans stay what they are where they fit.
    expect(argsOf("qom-set path=/ property=p value=1")).toEqual({ path: "/", property: "p", value: 1 });
  });

  it("reads raw JSON messages, also Python-style", () => {
    expect(feed('{"execute": "query-status", "id": 7}')).toEqual({
      kind: "message",
      command: "query-status",
      args: undefined,
      message: { execute: "query-status", id: 7 },
    });
    expect(feed("{'execute': 'qom-list', 'arguments': {'path': '/'}}")).toMatchObject({
      command: "qom-list",
      args: { path: "/" },
    });
  });

  it("reads a one-line transaction with several actions", () => {
    expect(argsOf("transaction( block-dirty-bitmap-add node=n name=b granularity=65536 , abort )")).toEqual({
      actions: [
        { type: "block-dirty-bitmap-add", data: { node: "n", name: "b", granularity: 65536 } },
        { type: "abort", data: {} },
      ],
    });
  });

  it("reads a transaction however its commas and parentheses are spaced", () => {
    const twoAborts = {
      actions: [
        { type: "abort", data: {} },
        { type: "abort", data: {} },
      ],
    };
    expect(argsOf("transaction(abort)")).toEqual({ actions: [{ type: "abort", data: {} }] });
    expect(argsOf("transaction( abort )")).toEqual({ actions: [{ type: "abort", data: {} }] });
    expect(argsOf("transaction( abort, abort )")).toEqual(twoAborts);
    expect(argsOf("transaction(abort ,abort)")).toEqual(twoAborts);
    expect(argsOf("transaction( block-dirty-bitmap-add node=n name=b, abort)")).toEqual({
      actions: [
        { type: "block-dirty-bitmap-add", data: { node: "n", name: "b" } },
        { type: "abort", data: {} },
      ],
    });
    // Quoted text keeps its commas and parentheses.
    expect(argsOf('transaction( block-dirty-bitmap-add node=n name="b,)" )')).toEqual({
      actions: [{ type: "block-dirty-bitmap-add", data: { node: "n", name: "b,)" } }],
    });
    const parser = new LineParser({ schema });
    expect(parser.feed("transaction(")).toEqual({ kind: "incomplete" });
    expect(parser.feed("abort,")).toEqual({ kind: "incomplete" });
    expect(parser.feed("block-dirty-bitmap-clear node=n name=b)")).toEqual({
      kind: "command",
      command: "transaction",
      args: {
        actions: [
          { type: "abort", data: {} },
          { type: "block-dirty-bitmap-clear", data: { node: "n", name: "b" } },
        ],
      },
    });
  });

  it("reads a multi-line transaction, one action per line", () => {
    const parser = new LineParser({ schema });
    expect(parser.feed("transaction(")).toEqual({ kind: "incomplete" });
    expect(parser.inTransaction).toBe(true);
    expect(parser.feed("block-dirty-bitmap-add node=n name=b")).toEqual({ kind: "incomplete" });
    expect(parser.feed("# a comment inside")).toEqual({ kind: "incomplete" });
    expect(parser.feed("block-dirty-bitmap-clear node=n name=b )")).toEqual({
      kind: "command",
      command: "transaction",
      args: {
        actions: [
          { type: "block-dirty-bitmap-add", data: { node: "n", name: "b" } },
          { type: "block-dirty-bitmap-clear", data: { node: "n", name: "b" } },
        ],
      },
    });
    expect(parser.inTransaction).toBe(false);
  });

  it("reads the shell's builtins", () => {
    expect(feed("help")).toEqual({ kind: "help", topic: undefined, args: undefined });
    expect(feed("help blockdev-add driver=file")).toEqual({ kind: "help", topic: "blockdev-add", args: { driver: "file" } });
    expect(feed("query-status?")).toEqual({ kind: "help", topic: "query-status", args: undefined });
    expect(feed("events off")).toEqual({ kind: "events", on: false });
    expect(feed("events")).toEqual({ kind: "events", on: undefined });
    expect(feed("events STOP RESUME")).toEqual({ kind: "events", on: true, only: ["STOP", "RESUME"] });
    expect(feed("wait STOP 500")).toEqual({ kind: "wait", event: "STOP", timeout: 500 });
    expect(feed("wait STOP 2s")).toEqual({ kind: "wait", event: "STOP", timeout: 2000 });
    expect(feed("quit")).toEqual({ kind: "quit" });
    expect(feed("exit")).toEqual({ kind: "quit" });
    expect(feed("   ")).toEqual({ kind: "empty" });
  });

  it("sends everything but the shell's builtins to HMP in --hmp mode", () => {
    expect(feed("info status", { hmp: true })).toEqual({ kind: "hmp", commandLine: "info status" });
    expect(feed("help", { hmp: true })).toEqual({ kind: "hmp", commandLine: "help" });
    expect(feed("quit", { hmp: true })).toEqual({ kind: "quit" });
  });

  it.each([
    ["query-status bogus", /key=value/],
    ["a b.=1", /bad argument name/],
    ["a b=1 b=2", /given twice/],
    ["a b=1 b.c=2", /both leaf and non-leaf/],
    ["a b.c=2 b=1", /both leaf and non-leaf/],
    ['a b="open', /unterminated/],
    ["[1]", /not a command name/],
    ['{"arguments": {}}', /execute/],
    ["events on off", /usage: events/],
    ["events STOP on", /usage: events/],
    ["wait", /usage: wait/],
    ["transaction( abort ) extra", /after '\)'/],
  ])("rejects %s", (line, message) => {
    expect(() => feed(line)).toThrow(ShellSyntaxError);
    expect(() => feed(line)).toThrow(message);
  });

  it("drops an open transaction on a syntax error", () => {
    const parser = new LineParser({ schema });
    parser.feed("transaction(");
    expect(() => parser.feed("abort x")).toThrow(ShellSyntaxError);
    expect(parser.inTransaction).toBe(false);
  });
});
