/**
 * Table-driven emitter tests: a small introspection schema in, TypeScript fragments out.
 * One table per QAPI construct.
 */
import { describe, expect, it } from "vitest";
import { arr, cmd, enm, ev, generate, obj } from "./helpers.js";

interface Case {
  readonly given: readonly object[];
  /** Fragments that must appear, by file. */
  readonly want: Readonly<Record<string, readonly string[]>>;
  /** Fragments that must not appear anywhere. */
  readonly absent?: readonly string[];
}

// Prettier decides line breaks; compare with whitespace collapsed.
const squash = (text: string): string => text.replace(/\s+/g, " ");

function runTable(table: readonly (readonly [string, Case])[]): void {
  it.each(table)("%s", async (_name, { given, want, absent = [] }) => {
    const files = await generate(given);
    for (const [file, fragments] of Object.entries(want)) {
      const text = squash(files.get(file) ?? "");
      for (const fragment of fragments) expect(text, `${file} should contain ${fragment}`).toContain(squash(fragment));
    }
    const all = squash([...files.values()].join("\n"));
    for (const fragment of absent) expect(all).not.toContain(squash(fragment));
  });
}

describe("enum", () => {
  runTable([
    [
      "string-literal union and values array",
      {
        given: [cmd("get-mode", "0", "1"), enm("1", ["on", "off", "x-y"])],
        want: {
          "enums.ts": [
            'export type GetModeResult = "on" | "off" | "x-y";',
            'export const GetModeResultValues = ["on", "off", "x-y"] as const satisfies readonly GetModeResult[];',
          ],
        },
      },
    ],
    [
      "value features listed in docs and metadata",
      {
        given: [
          cmd("get-mode", "0", "1"),
          {
            name: "1",
            "meta-type": "enum",
            values: ["a", "b"],
            members: [{ name: "a" }, { name: "b", features: ["deprecated"] }],
          },
        ],
        want: {
          "enums.ts": ["Value `b`: features `deprecated`"],
          "metadata.ts": ['enumValues: { "GetModeResult.b": ["deprecated"] }'],
        },
      },
    ],
  ]);
});

describe("object", () => {
  runTable([
    [
      "interface with quoted wire keys and optional members",
      {
        given: [
          cmd("do-it", "1"),
          obj("1", [
            ["job-id", "str"],
            ["force", "bool", true],
            ["load", "number"],
          ]),
        ],
        want: { "types.ts": ['export interface DoItArguments { "job-id": string; "force"?: boolean; "load": number; }'] },
      },
    ],
    [
      "int members carry the precision note",
      {
        given: [cmd("do-it", "1"), obj("1", [["size", "int"]])],
        want: { "types.ts": ['/** QAPI `int`: values above 2^53 lose precision as a JavaScript number. */ "size": number;'] },
      },
    ],
    [
      "nested types are named parent + member",
      {
        given: [
          cmd("do-it", "1"),
          obj("1", [["inner-opts", "2"]]),
          obj("2", [
            ["x", "any"],
            ["y", "null"],
          ]),
        ],
        want: {
          "types.ts": [
            '"inner-opts": DoItArgumentsInnerOpts;',
            'export interface DoItArgumentsInnerOpts { "x": unknown; "y": null; }',
          ],
        },
      },
    ],
    [
      "device_add accepts extra properties",
      {
        given: [cmd("device_add", "1"), obj("1", [["driver", "str"]])],
        want: { "types.ts": ["export interface DeviceAddArguments {", "[property: string]: unknown;"] },
      },
    ],
    [
      "member features become docs and metadata",
      {
        given: [
          cmd("do-it", "1"),
          {
            name: "1",
            "meta-type": "object",
            members: [
              { name: "old", type: "str", features: ["deprecated"] },
              { name: "new", type: "str", features: ["unstable", "fdset"] },
            ],
          },
        ],
        want: {
          "types.ts": ['@deprecated */ "old": string;', "Features: `fdset`", '@experimental */ "new": string;'],
          "metadata.ts": ['"DoItArguments.new": ["unstable", "fdset"]', '"DoItArguments.old": ["deprecated"]'],
        },
      },
    ],
  ]);
});

describe("union (flat, with variants)", () => {
  const union = [
    cmd("make", "1"),
    obj(
      "1",
      [
        ["kind", "2"],
        ["name", "str"],
      ],
      {
        tag: "kind",
        variants: [
          { case: "a", type: "3" },
          { case: "b", type: "0" },
        ],
      },
    ),
    enm("2", ["a", "b", "c"]),
    obj("3", [["path", "str"]]),
  ];
  runTable([
    [
      "base interface plus one arm per tag value, values without branch included",
      {
        given: union,
        want: {
          "types.ts": [
            'export interface MakeArgumentsBase { "kind": MakeArgumentsKind; "name": string; }',
            'export type MakeArguments = | (MakeArgumentsBase & { "kind": "a" } & MakeArgumentsA) | (MakeArgumentsBase & { "kind": "b" }) | (MakeArgumentsBase & { "kind": "c" });',
            'export interface MakeArgumentsA { "path": string; }',
          ],
        },
      },
    ],
  ]);
});

describe("alternate", () => {
  runTable([
    [
      "union of branch types, arrays included",
      {
        given: [
          cmd("pick", "1"),
          obj("1", [["v", "2", true]]),
          {
            name: "2",
            "meta-type": "alternate",
            members: [{ type: "int" }, { type: "bool" }, { type: "[int]" }, { type: "null" }],
          },
          arr("int"),
        ],
        want: { "types.ts": ["export type PickArgumentsV = number | boolean | number[] | null;"] },
      },
    ],
    [
      "object branches are named after the alternate",
      {
        given: [
          cmd("pick", "1"),
          obj("1", [["v", "2"]]),
          { name: "2", "meta-type": "alternate", members: [{ type: "3" }, { type: "str" }] },
          obj("3", [["q", "str"]]),
        ],
        want: {
          "types.ts": ["export type PickArgumentsV = PickArgumentsVObject | string;", "export interface PickArgumentsVObject {"],
        },
      },
    ],
  ]);
});

describe("array", () => {
  runTable([
    [
      "arrays of named and built-in types, nested",
      {
        given: [
          cmd("list", "0", "[1]"),
          arr("1"),
          obj("1", [
            ["tags", "[str]"],
            ["grid", "[[int]]"],
          ]),
          arr("str"),
          arr("int"),
          { name: "[[int]]", "meta-type": "array", "element-type": "[int]" },
        ],
        want: {
          "types.ts": ['export interface ListResult { "tags": string[];', '"grid": number[][]; }'],
          "commands.ts": ['"list": { args: undefined; returns: ListResult[] };'],
        },
      },
    ],
  ]);
});

describe("command", () => {
  runTable([
    [
      "no arguments, empty return",
      {
        given: [cmd("stop")],
        want: {
          "commands.ts": ['"stop": { args: undefined; returns: Record<string, never> };'],
          "functions.ts": [
            'export function stop(qmp: QmpExecutor, options?: InBandExecuteOptions): Promise<void> { return qmp.execute("stop", undefined, options).then(() => undefined); }',
          ],
        },
      },
    ],
    [
      "required arguments, built-in return, snake_case name",
      {
        given: [cmd("block_resize", "1", "str"), obj("1", [["size", "int"]])],
        want: {
          "commands.ts": ['"block_resize": { args: BlockResizeArguments; returns: string };'],
          "functions.ts": [
            "export function blockResize( qmp: QmpExecutor, args: BlockResizeArguments, options?: InBandExecuteOptions, ): Promise<string> {",
          ],
        },
      },
    ],
    [
      "all-optional arguments make args optional",
      {
        given: [cmd("query-x", "1", "any"), obj("1", [["flat", "bool", true]])],
        want: {
          "commands.ts": ['"query-x": { args: QueryXArguments | undefined; returns: unknown };'],
          "functions.ts": ["args?: QueryXArguments,"],
        },
      },
    ],
    [
      "oob-capable commands take ExecuteOptions, listed in metadata",
      {
        given: [cmd("query-yank", "0", "0", { "allow-oob": true })],
        want: {
          "functions.ts": ["export function queryYank(qmp: QmpExecutor, options?: ExecuteOptions): Promise<void>"],
          "metadata.ts": ['export const oobCommands = ["query-yank"] as const'],
        },
      },
    ],
    [
      "x- and vendor prefixes are sanitised; features become tags",
      {
        given: [
          cmd("x-debug-thing", "0", "0", { features: ["unstable"] }),
          cmd("__com.redhat_drive-mirror", "0", "0", { features: ["deprecated", "json-cli"] }),
        ],
        want: {
          "functions.ts": [
            "export function xDebugThing(",
            "export function comRedhatDriveMirror(",
            "@experimental",
            "@deprecated",
            "Features: `json-cli`",
          ],
          "metadata.ts": ['"__com.redhat_drive-mirror": ["deprecated", "json-cli"]'],
        },
      },
    ],
  ]);
});

describe("event", () => {
  runTable([
    [
      "events map, union and fallback",
      {
        given: [ev("JOB_STATUS_CHANGE", "1"), obj("1", [["id", "str"]]), ev("STOP")],
        want: {
          "events.ts": [
            'export interface TestEvents { "JOB_STATUS_CHANGE": JobStatusChangeData; "STOP": undefined; }',
            "export type TestEvent = QmpEventOf<TestApi>;",
            "export type TestUnknownEvent = QmpEvent<string, Record<string, unknown> | undefined>;",
          ],
          "types.ts": ['export interface JobStatusChangeData { "id": string; }'],
          "api.ts": ["export interface TestApi { commands: TestCommands; events: TestEvents; }"],
          "metadata.ts": ['"JOB_STATUS_CHANGE", "STOP", ] as const satisfies readonly (keyof TestEvents)[];'],
        },
      },
    ],
  ]);
});

describe("files", () => {
  it("every file starts with the header and imports only types from the runtime", async () => {
    const files = await generate([cmd("stop"), ev("STOP")]);
    expect([...files.keys()]).toEqual([
      "api.ts",
      "commands.ts",
      "enums.ts",
      "events.ts",
      "functions.ts",
      "index.ts",
      "metadata.ts",
      "types.ts",
    ]);
    for (const [name, text] of files) {
      expect(text.split("\n").slice(0, 2), name).toEqual([
        "// Code generated by qapi-gen 0.0.0-test from test. DO NOT EDIT.",
        "/* eslint-disable */",
      ]);
      for (const line of text.split("\n").filter((l) => l.startsWith("import "))) expect(line).toMatch(/^import type /);
      expect(text).not.toContain("\r");
    }
  });

  it("--runtime-import changes only the import specifier", async () => {
    const files = await generate([cmd("stop")], { runtimeImport: "@acme/qmp" });
    expect(files.get("functions.ts")).toContain('from "@acme/qmp";');
  });
});
