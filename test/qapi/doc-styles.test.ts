/**
 * Doc comments in QEMU 7.2's style (unindented descriptions after a bare `@member:` or
 * section tag; `Example:` running to the next tag) and in the indented style of QEMU 8.2+
 * read the same.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadQapiSchema } from "../../generator/qapi/index.js";

const fixture = (p: string): string => fileURLToPath(new URL(`./fixtures/doc-styles/${p}`, import.meta.url));

describe("QEMU 7.2 and 8.2 doc comment styles", () => {
  const old = loadQapiSchema(fixture("v7.2.json"));
  const current = loadQapiSchema(fixture("v8.2.json"));

  it("the 7.2 style is accepted and gives the docs the 8.2 style gives", () => {
    expect(old).toEqual(current);
  });

  it("reads unindented member descriptions and a whole unindented example", () => {
    const mode = old.types.find((t) => t.name === "GadgetMode");
    expect(mode?.kind === "enum" ? mode.values.map((v) => v.doc) : []).toEqual([
      "Gently, so that nothing\nfalls off the table.",
      "Quickly; loose parts\nmay fly away.",
    ]);
    const status = old.types.find((t) => t.name === "GadgetStatus");
    expect(status?.kind === "object" ? status.members.map((m) => m.doc) : []).toEqual([
      "the current spin mode",
      "full turns since power-on",
    ]);
    const docs = old.commands[0]?.docs;
    expect(docs?.examples).toEqual([
      '-> { "execute": "query-gadget" }\n<- { "return": { "mode": "slow",\n                 "turns": 7 } }\n\n' +
        'After a spin-up:\n\n<- { "return": { "mode": "fast", "turns": 8 } }',
    ]);
    expect(docs?.remarks).toEqual(["the counter wraps at 2^32."]);
    expect(docs?.since).toBe("1.2");
  });
});
