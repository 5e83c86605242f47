import { describe, expect, it } from "vitest";
import { evalCond, parseCond, renderCond, type Cond } from "../../generator/qapi/conditions.js";
import { parseDocComment } from "../../generator/qapi/doc-comment.js";
import { docsToIr } from "../../generator/qapi/docs-to-ir.js";
import { parseSchemaText } from "../../generator/qapi/parser.js";
import { exampleText, reduceInline, rstToMarkdown } from "../../generator/qapi/rst.js";
import { escapeDocText, integerNote, renderTsDoc } from "../../generator/qapi/tsdoc.js";

const sym = (name: string): Cond => ({ kind: "sym", name });

describe("conditions", () => {
  it.each<[string, Cond, string]>([
    ["symbol", sym("A"), "A"],
    ["not", { kind: "not", item: sym("A") }, "not A"],
    ["all", { kind: "all", items: [sym("A"), { kind: "not", item: sym("B") }] }, "A and not B"],
    ["any in all", { kind: "all", items: [sym("A"), { kind: "any", items: [sym("B"), sym("C")] }] }, "A and (B or C)"],
    ["not of any", { kind: "not", item: { kind: "any", items: [sym("B"), sym("C")] } }, "not (B or C)"],
    ["single-item all", { kind: "all", items: [sym("A")] }, "A"],
    [
      "not of a one-item all around any",
      { kind: "not", item: { kind: "all", items: [{ kind: "any", items: [sym("B"), sym("C")] }] } },
      "not (B or C)",
    ],
    [
      "one-item all around any, inside all",
      { kind: "all", items: [sym("A"), { kind: "all", items: [{ kind: "any", items: [sym("B"), sym("C")] }] }] },
      "A and (B or C)",
    ],
  ])("renders %s", (_n, cond, want) => {
    expect(renderCond(cond)).toBe(want);
  });

  it("evaluates all/any/not", () => {
    const c: Cond = {
      kind: "all",
      items: [sym("A"), { kind: "not", item: { kind: "any", items: [sym("B"), sym("C")] } }],
    };
    expect(evalCond(c, new Set(["A"]))).toBe(true);
    expect(evalCond(c, new Set(["A", "C"]))).toBe(false);
    expect(evalCond(c, new Set())).toBe(false);
    expect(evalCond(undefined, new Set())).toBe(true);
  });

  it("parses nested conditions from schema values", () => {
    const [item] = parseSchemaText("t.json", "{ 'if': { 'any': [ 'A', { 'not': 'B' } ] } }");
    if (item?.kind !== "expr") throw new Error("no expr");
    const value = item.expr.entries.get("if")?.value;
    if (value === undefined) throw new Error("no if");
    expect(renderCond(parseCond(value, "x"))).toBe("A or not B");
  });
});

const block = (text: string) => {
  const items = parseSchemaText("d.json", text);
  const doc = items.find((i) => i.kind === "doc");
  if (doc?.kind !== "doc") throw new Error("no doc");
  return parseDocComment(doc.doc);
};

describe("doc comments", () => {
  it("splits body, members, features and sections", () => {
    const doc = block(
      "##\n# @cmd:\n#\n# Body text.\n#\n# @a: first\n#     continued\n# @b:\n#     on the next line\n#\n" +
        "# Features:\n#\n# @deprecated: old\n#\n# Returns: a thing\n#\n# Since: 2.1\n#\n# Note: careful\n#\n# Trailing text.\n#\n# TODO: later\n##\n",
    );
    expect(doc.symbol).toBe("cmd");
    expect(doc.body).toBe("Body text.");
    expect([...doc.args].map(([k, v]) => [k, v.text])).toEqual([
      ["a", "first\ncontinued"],
      ["b", "on the next line"],
    ]);
    expect([...doc.features].map(([k, v]) => [k, v.text])).toEqual([["deprecated", "old"]]);
    expect(doc.sections.map((s) => [s.tag, s.text])).toEqual([
      ["Returns", "a thing"],
      ["Since", "2.1"],
      ["Note", "careful"],
      ["plain", "Trailing text."],
      ["TODO", "later"],
    ]);
  });

  it("reads free-form comments with headings", () => {
    const doc = block("##\n# == Section\n#\n# Some text.\n##\n");
    expect(doc.symbol).toBeUndefined();
    expect(doc.heading).toEqual({ level: 2, text: "Section" });
    expect(doc.body).toBe("Some text.");
  });

  it("keeps example text verbatim", () => {
    const doc = block('##\n# @x:\n#\n# Example:\n#\n#     -> { "execute": "x" }\n#     <- { "return": {} }\n##\n');
    expect(doc.sections[0]?.text).toBe('-> { "execute": "x" }\n<- { "return": {} }');
  });
});

describe("rST reduction", () => {
  it.each([
    ["literal", "use ``foo-bar`` here", "use `foo-bar` here"],
    ["reference", "see @blockdev-add and @node-name.", "see `blockdev-add` and `node-name`."],
    ["email is not a reference", "mail a@b.org", "mail a@b.org"],
    ["emphasis kept", "*really* **bold**", "*really* **bold**"],
    ["role", "see :ref:`the spec <qmp-spec>` and :doc:`intro`", "see `the spec` and `intro`"],
    ["link", "`QEMU <https://qemu.org>`_", "[QEMU](https://qemu.org)"],
    ["reference in code span kept", "``@x``", "`@x`"],
  ])("%s", (_n, given, want) => {
    expect(reduceInline(given)).toBe(want);
  });

  it("turns :: literal blocks into fenced code", () => {
    expect(rstToMarkdown("For example::\n\n    a -> b\n      c\n\nAfter.")).toBe(
      "For example:\n\n```\na -> b\n  c\n```\n\nAfter.",
    );
    expect(rstToMarkdown("Intro\n\n::\n\n    raw @x\n")).toBe("Intro\n\n```\nraw @x\n```");
    expect(rstToMarkdown("Words ::\n\n  x")).toBe("Words\n\n```\nx\n```");
  });

  it("unwraps directives and drops comments", () => {
    expect(rstToMarkdown(".. note:: Be careful\n   with @x.\n\nNext")).toBe("**Note:** Be careful\nwith `x`.\n\nNext");
    expect(rstToMarkdown('.. code-block:: json\n\n   { "a": 1 }\n')).toBe('```json\n{ "a": 1 }\n```');
    expect(rstToMarkdown(".. a comment\n   more comment\nText")).toBe("Text");
    expect(rstToMarkdown("* one\n* two\n\n#. first")).toBe("- one\n- two\n\n1. first");
  });

  it("unwraps qmp-example directives in examples", () => {
    expect(exampleText('.. qmp-example::\n\n   -> { "execute": "x" }\n   <- { "return": {} }')).toBe(
      '-> { "execute": "x" }\n<- { "return": {} }',
    );
    expect(exampleText("-> plain\n<- text")).toBe("-> plain\n<- text");
  });
});

describe("qmp-example directives outside Example sections", () => {
  const call = '#    -> { "execute": "x" }\n#    <- { "return": {} }\n';
  const want = '-> { "execute": "x" }\n<- { "return": {} }';

  it("become examples, not remarks", () => {
    const doc = block(
      "##\n# @x:\n#\n# Does x.\n#\n# Since: 9.1\n#\n# .. note:: Mind the gap.\n#\n# .. qmp-example::\n#    :title: Plain call\n#\n" +
        `${call}#\n# Closing words.\n##\n`,
    );
    const docs = docsToIr(doc, [], false);
    expect(docs?.examples).toEqual([want]);
    expect(docs?.remarks).toEqual(["**Note:** Mind the gap.\n\nClosing words."]);
  });

  it("are taken out of the body too", () => {
    const docs = docsToIr(block(`##\n# @x:\n#\n# Does x.\n#\n# .. qmp-example::\n#\n${call}##\n`), [], false);
    expect([docs?.summary, docs?.examples]).toEqual(["Does x.", [want]]);
  });
});

describe("TSDoc rendering", () => {
  it("renders every part with its tag", () => {
    const text = renderTsDoc({
      docs: {
        summary: "Does things.",
        returns: "a value",
        errors: "GenericError",
        since: "1.0",
        remarks: ["Note one."],
        examples: ['-> { "execute": "x" }'],
        deprecation: "Use `y`.",
        unstable: "Might change.",
        features: { "json-cli": "Accepts JSON." },
      },
      condition: "CONFIG_A and not B",
      features: ["deprecated", "unstable", "json-cli"],
    });
    expect(text).toBe(
      [
        "/**",
        " * Does things.",
        " *",
        " * Only when: CONFIG_A and not B",
        " *",
        " * Feature `json-cli`: Accepts JSON.",
        " *",
        " * @remarks",
        " * Note one.",
        " *",
        " * @returns a value",
        " *",
        " * @throws GenericError",
        " *",
        " * @since 1.0",
        " *",
        " * @example",
        " * ```",
        ' * -> { "execute": "x" }',
        " * ```",
        " *",
        " * @deprecated Use `y`.",
        " *",
        " * @experimental Might change.",
        " */",
      ].join("\n"),
    );
  });

  it("never lets text end the comment or open a tag", () => {
    const out = renderTsDoc({ doc: "a */ b\n@evil tag and `@code`", docs: { examples: ["x */ y"] } });
    expect(out.slice(3, -2)).not.toContain("*/");
    expect(out).toContain("\\@evil");
    expect(out).toContain("`@code`");
    expect(escapeDocText("```\n@x */\n```")).toBe("```\n@x *\\/\n```");
  });

  it("documents integer ranges and the 2^53 limit", () => {
    expect(integerNote("uint8")).toBe("`uint8`: 0 to 255.");
    expect(integerNote("uint64")).toContain("May exceed 2^53");
    expect(renderTsDoc({ integer: "int16" })).toBe("/** `int16`: -32768 to 32767. */");
    expect(renderTsDoc({})).toBe("");
  });
});
