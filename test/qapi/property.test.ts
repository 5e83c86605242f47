import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QapiError, loadQapiSchema } from "../../generator/qapi/index.js";
import { memoryReader } from "./helpers/memory.js";

const dir = fileURLToPath(new URL("./fixtures/full/", import.meta.url));
const FILES = ["schema.json", "common.json", "sub/devices.json"] as const;
const ORIGINAL: Record<string, string> = Object.fromEntries(FILES.map((f) => [f, readFileSync(dir + f, "utf8")]));

/** Loads in-memory files; returns "ok" or the QapiError; rethrows anything else. */
function outcome(files: Readonly<Record<string, string>>, entry = "schema.json", defines?: string[]): "ok" | QapiError {
  try {
    loadQapiSchema(entry, { readFile: memoryReader(files), ...(defines === undefined ? {} : { defines }) });
    return "ok";
  } catch (err: unknown) {
    if (err instanceof QapiError) {
      // A located error points into a file that exists, at a real position.
      const lines = (files[err.file] ?? "").split("\n");
      if (files[err.file] !== undefined) {
        expect(err.line).toBeGreaterThanOrEqual(1);
        expect(err.line).toBeLessThanOrEqual(lines.length);
        expect(err.col).toBeGreaterThanOrEqual(1);
      }
      expect(err.message).toMatch(/^(In file included from [^:\n]+:\d+:\n)*[^:\n]+:\d+:\d+: \S/);
      return err;
    }
    throw err;
  }
}

const VOCAB = [
  "{",
  "}",
  "[",
  "]",
  ":",
  ",",
  " ",
  "\n",
  "'",
  "\\",
  "#",
  "##\n",
  "# @Foo:\n",
  "# Since: 1\n",
  "#  x\n",
  "'enum'",
  "'struct'",
  "'union'",
  "'alternate'",
  "'command'",
  "'event'",
  "'include'",
  "'pragma'",
  "'data'",
  "'base'",
  "'discriminator'",
  "'returns'",
  "'boxed'",
  "'if'",
  "'features'",
  "'type'",
  "'name'",
  "'all'",
  "'any'",
  "'not'",
  "'Foo'",
  "'Bar'",
  "'foo'",
  "'*a'",
  "'a'",
  "'b-c'",
  "'int'",
  "'str'",
  "'uint64'",
  "'deprecated'",
  "'doc-required'",
  "'common.json'",
  "true",
  "false",
  "null",
  "1",
  '"x"',
  "\t",
  "é",
];

const tokenSoup = fc.array(fc.constantFrom(...VOCAB), { maxLength: 60 }).map((t) => t.join(""));

/** A QAPI-syntax rendering of arbitrary nested values with schema-like keys. */
const { value: qapiValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom("'Foo'", "'int'", "'str'", "'a'", "'Bar'", "true", "false", "'CONFIG_X'", "'x-y'", "'*opt'"),
    fc.array(tie("value"), { maxLength: 4 }).map((items) => `[ ${items.join(", ")} ]`),
    tie("object"),
  ),
  object: fc
    .uniqueArray(
      fc.tuple(
        fc.constantFrom(
          "enum",
          "struct",
          "union",
          "alternate",
          "command",
          "event",
          "data",
          "base",
          "discriminator",
          "returns",
          "boxed",
          "if",
          "features",
          "type",
          "name",
          "all",
          "any",
          "not",
          "*a",
          "b",
          "Foo",
          "gen",
          "prefix",
        ),
        tie("value"),
      ),
      { maxLength: 5, selector: ([k]) => k },
    )
    .map((entries) => `{ ${entries.map(([k, v]) => `'${k}': ${String(v)}`).join(", ")} }`),
}));

const schemaOfObjects = fc.array(qapiValue, { maxLength: 8 }).map((vs) => vs.join("\n"));

describe("never anything but a located QapiError", () => {
  it("on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        outcome({ "schema.json": text });
      }),
      { numRuns: 500 },
    );
  });

  it("on token soup", () => {
    fc.assert(
      fc.property(tokenSoup, (text) => {
        outcome({ "schema.json": text, "common.json": text });
      }),
      { numRuns: 1000 },
    );
  });

  it("on random definition-shaped objects", () => {
    fc.assert(
      fc.property(schemaOfObjects, fc.boolean(), (text, define) => {
        outcome({ "schema.json": text }, "schema.json", define ? ["CONFIG_X"] : undefined);
      }),
      { numRuns: 1000 },
    );
  });

  it("on random mutations of the valid fixture", () => {
    expect(outcome(ORIGINAL)).toBe("ok");
    const mutation = fc.record({
      file: fc.constantFrom(...FILES),
      at: fc.nat(),
      len: fc.nat({ max: 12 }),
      insert: fc.oneof(fc.constantFrom("", ...VOCAB), fc.string({ maxLength: 4 })),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (muts, define) => {
        const files = { ...ORIGINAL };
        for (const m of muts) {
          const text = files[m.file] ?? "";
          const at = m.at % (text.length + 1);
          files[m.file] = text.slice(0, at) + m.insert + text.slice(at + m.len);
        }
        outcome(files, "schema.json", define ? ["CONFIG_LASER"] : undefined);
      }),
      { numRuns: 1500 },
    );
  });

  it("on line-level mutations (drop, duplicate, swap lines)", () => {
    const op = fc.record({
      file: fc.constantFrom(...FILES),
      kind: fc.constantFrom("drop", "dup", "swap"),
      at: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 4 }), (ops) => {
        const files = { ...ORIGINAL };
        for (const o of ops) {
          const lines = (files[o.file] ?? "").split("\n");
          const i = o.at % lines.length;
          const j = (i + 1) % lines.length;
          if (o.kind === "drop") lines.splice(i, 1);
          else if (o.kind === "dup") lines.splice(i, 0, lines[i] ?? "");
          else [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
          files[o.file] = lines.join("\n");
        }
        outcome(files);
      }),
      { numRuns: 1000 },
    );
  });
});
