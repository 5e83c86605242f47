/**
 * Every way a parsed JSON value can fail to be an introspection schema, with its message.
 */
import { describe, expect, it } from "vitest";
import { loadIntrospection } from "../../generator/introspection/load.js";
import { SchemaValidationError } from "../../generator/introspection/validate.js";
import { arr, BASE_ENTRIES, cmd, ev, obj } from "./helpers.js";

// Entry indices in messages count the base entries (7 of them).
const at = (i: number): number => BASE_ENTRIES.length + i;

const cases: readonly (readonly [string, unknown, string])[] = [
  ["a number", 42, 'expected an array of SchemaInfo entries or {"return": [...]}, got a number'],
  ["an object without return", { foo: 1 }, 'got an object without "return"'],
  ["return not an array", { return: {} }, '"return" must be an array of SchemaInfo entries, got an object'],
  ["a QMP error reply", { error: { class: "GenericError", desc: "x" } }, "the reply is a QMP error"],
  ["an empty array", [], "the schema has no entries"],
  ["entry not an object", [...BASE_ENTRIES, 7], `entry ${at(0)}: must be object`],
  ["missing name", [...BASE_ENTRIES, { "meta-type": "command" }], `entry ${at(0)}: missing "name"`],
  [
    "unknown meta-type",
    [...BASE_ENTRIES, { name: "x", "meta-type": "widget" }],
    `entry ${at(0)} ("x"): "meta-type": must be one of "builtin"`,
  ],
  [
    "command without ret-type",
    [...BASE_ENTRIES, { name: "query-foo", "meta-type": "command", "arg-type": "0" }],
    `entry ${at(0)} ("query-foo"): missing "ret-type"`,
  ],
  [
    "member type not a string",
    [...BASE_ENTRIES, { name: "1", "meta-type": "object", members: [{ name: "a", type: 3 }] }],
    `entry ${at(0)} ("1"): "members[0].type": must be string`,
  ],
  [
    "tag without variants",
    [...BASE_ENTRIES, { name: "1", "meta-type": "object", members: [], tag: "t" }],
    `entry ${at(0)} ("1"): must have property variants when property tag is present`,
  ],
  [
    "features not strings",
    [...BASE_ENTRIES, { ...cmd("c"), features: [1] }],
    `entry ${at(0)} ("c"): "features[0]": must be string`,
  ],
  [
    "duplicate name",
    [...BASE_ENTRIES, cmd("c"), cmd("c")],
    `entry ${at(1)} ("c"): duplicate name, first defined by entry ${at(0)}`,
  ],
  ["unknown type reference", [...BASE_ENTRIES, cmd("c", "99")], `entry ${at(0)} ("c"): "arg-type" refers to unknown type "99"`],
  [
    "arg-type not an object",
    [...BASE_ENTRIES, cmd("c", "str")],
    `entry ${at(0)} ("c"): "arg-type" refers to "str", a builtin, but must be an object`,
  ],
  [
    "member type is a command",
    [...BASE_ENTRIES, cmd("foo", "1"), obj("1", [["x", "bar"]]), cmd("bar")],
    `entry ${at(1)} ("1"): "members"[0].type refers to "bar", a command, but must be a type`,
  ],
  [
    "array of an event",
    [...BASE_ENTRIES, cmd("foo", "0", "[e]"), arr("e"), ev("e")],
    `entry ${at(1)} ("[e]"): "element-type" refers to "e", an event, but must be a type`,
  ],
  [
    "alternate branch is a command",
    [
      ...BASE_ENTRIES,
      cmd("foo", "1"),
      obj("1", [["x", "2"]]),
      { name: "2", "meta-type": "alternate", members: [{ type: "foo" }] },
    ],
    `entry ${at(2)} ("2"): "members"[0].type refers to "foo", a command, but must be a type`,
  ],
  [
    "ret-type is an event",
    [...BASE_ENTRIES, cmd("foo", "0", "E"), ev("E")],
    `entry ${at(0)} ("foo"): "ret-type" refers to "E", an event, but must be a type`,
  ],
  [
    "unknown member type",
    [...BASE_ENTRIES, obj("1", [["a", "nope"]])],
    `entry ${at(0)} ("1"): "members"[0].type refers to unknown type "nope"`,
  ],
  [
    "duplicate member",
    [
      ...BASE_ENTRIES,
      obj("1", [
        ["a", "str"],
        ["a", "int"],
      ]),
    ],
    `entry ${at(0)} ("1"): duplicate member "a"`,
  ],
  [
    "tag not a member",
    [...BASE_ENTRIES, obj("1", [["a", "str"]], { tag: "k", variants: [] })],
    `entry ${at(0)} ("1"): "tag" "k" is not a member`,
  ],
  [
    "tag not an enum",
    [...BASE_ENTRIES, obj("1", [["k", "str"]], { tag: "k", variants: [] })],
    `"tag" member "k" must have an enum type, not a builtin`,
  ],
  [
    "variant case not an enum value",
    [
      ...BASE_ENTRIES,
      { name: "e", "meta-type": "enum", values: ["a"] },
      obj("1", [["k", "e"]], { tag: "k", variants: [{ case: "b", type: "0" }] }),
    ],
    `entry ${at(1)} ("1"): "variants"[0].case "b" is not a value of the tag's enum`,
  ],
  [
    "array cycle",
    [
      ...BASE_ENTRIES,
      { name: "[a]", "meta-type": "array", "element-type": "[b]" },
      { name: "[b]", "meta-type": "array", "element-type": "[a]" },
    ],
    'type cycle "[a]" -> "[b]" -> "[a]"',
  ],
  [
    "alternate cycle",
    [...BASE_ENTRIES, { name: "a", "meta-type": "alternate", members: [{ type: "a" }] }],
    'entry 7 ("a"): type cycle "a" -> "a"',
  ],
];

describe("invalid introspection schemas", () => {
  it.each(cases)("%s", (_name, input, message) => {
    let caught: unknown;
    try {
      loadIntrospection(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SchemaValidationError);
    const error = caught as SchemaValidationError;
    expect(error.problems.join("\n")).toContain(message);
    expect(error.message).not.toContain("\n");
  });

  it("counts further problems in the one-line message", () => {
    expect(() => loadIntrospection([...BASE_ENTRIES, cmd("a", "x"), cmd("b", "y")])).toThrow(/\(and 1 more problem\)$/);
  });

  it("accepts recursion through object members (like a backing-image chain)", () => {
    const schema = loadIntrospection([...BASE_ENTRIES, cmd("info", "0", "1"), obj("1", [["backing", "1", true]])]);
    expect(schema.types.map((t) => t.name)).toEqual(["InfoResult"]);
  });
});
