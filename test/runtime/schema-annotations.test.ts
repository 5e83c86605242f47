/**
 * The facts introspection lacks (declared integer widths, QAPI type names) come from one
 * source: the names data of `qapi-gen --save-names` (`schemas/*.names.json`), which every
 * `QmpSchema` uses by default. Here: every key form of that data resolves, the facts are
 * complete against QEMU 7.2's QAPI source (when ../shared/qapi is there), and the texts
 * they give are QEMU's.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Schema, TypeRef } from "../../generator/ir.js";
import { loadIntrospection } from "../../generator/introspection/load.js";
import { extractEntries, validateEntries } from "../../generator/introspection/validate.js";
import { exactWidth, extractNamesData } from "../../generator/names-data/extract.js";
import { checkQapiSource, loadQapiSchema, mergeWithIntrospection } from "../../generator/qapi/index.js";
import { canonicalTypePaths } from "../../generator/schema-paths.js";
import { QmpSchema } from "../../runtime/index.js";
import { resolveAnnotations, type ResolvedAnnotations } from "../../runtime/schema/annotations.js";
import { committedSchemaFacts } from "../../runtime/schema/committed.js";
import type { SchemaInfo } from "../../runtime/schema/schema-info.js";
import { widthKey } from "../../runtime/schema/validate.js";
import { qemu72Schema, qemu72SchemaOptions, qsd72Schema } from "../../runtime/testing/index.js";

const ROOT = resolve(import.meta.dirname, "../..");

type NamesFile = { types: Record<string, string>; widths: Record<string, string> };
const namesFile = (file: string) => JSON.parse(readFileSync(join(ROOT, "schemas", file), "utf8")) as NamesFile;

/** The committed schemas with their own names data. */
const BINARIES = [
  {
    label: "qemu-system-x86_64",
    entries: qemu72Schema(),
    schemaFile: "qemu-7.2-x86_64.json",
    names: "qemu-7.2-x86_64.names.json",
  },
  { label: "qemu-storage-daemon", entries: qsd72Schema(), schemaFile: "qsd-7.2.json", names: "qsd-7.2.names.json" },
] as const;

function resolveFor(entries: readonly SchemaInfo[], widths: Record<string, string>, names: Record<string, string>) {
  const byName = new Map(entries.map((e) => [e.name, e]));
  return resolveAnnotations(entries, (n) => byName.get(n), widths, names);
}

const defaults = (entries: readonly SchemaInfo[]): ResolvedAnnotations => {
  const facts = committedSchemaFacts();
  return resolveFor(entries, { ...facts.integerWidths }, { ...facts.typeNames });
};

describe("names data as QmpSchema facts", () => {
  it.each(BINARIES)("$label: every key of its names data resolves (root keys, union branches, |object/|enum)", (b) => {
    const data = namesFile(b.names);
    const byName = new Map(b.entries.map((e) => [e.name, e]));
    const all = defaults(b.entries);
    for (const [path, width] of Object.entries(data.widths)) {
      const one = resolveFor(b.entries, { [path]: width }, {});
      // `COMMAND/ret-type` widths describe results, which are not validated
      if (!path.endsWith("/ret-type")) expect([path, one.widths.size > 0]).toEqual([path, true]);
      for (const [key, w] of one.widths) expect([path, all.widths.get(key)]).toEqual([path, w]);
    }
    for (const [key, name] of Object.entries(data.types)) {
      const one = resolveFor(b.entries, {}, { [key]: name });
      expect([key, one.typeNames.size]).toEqual([key, 1]);
      const [masked] = one.typeNames.keys();
      expect([key, all.typeNames.get(masked ?? "")]).toEqual([key, name]);
      if (key.includes("|")) expect(byName.get(masked ?? "")?.["meta-type"]).toBe(key.slice(key.indexOf("|") + 1));
    }
  });

  it("key forms on a small schema: root keys, alternate branches, an alternate's width at every use", () => {
    const entries = [
      { name: "c", "meta-type": "command", "arg-type": "A", "ret-type": "R", features: [] },
      {
        name: "A",
        "meta-type": "object",
        members: [
          { name: "first", type: "Alt" },
          { name: "later", type: "B" },
        ],
      },
      {
        name: "B",
        "meta-type": "object",
        members: [
          { name: "again", type: "[Alt]" },
          { name: "n", type: "int" },
        ],
      },
      { name: "[Alt]", "meta-type": "array", "element-type": "Alt" },
      { name: "Alt", "meta-type": "alternate", members: [{ type: "int" }, { type: "O" }, { type: "E" }] },
      { name: "O", "meta-type": "object", members: [{ name: "x", type: "int" }] },
      { name: "E", "meta-type": "enum", values: ["on"] },
      { name: "R", "meta-type": "object", members: [] },
      { name: "int", "meta-type": "builtin", "json-type": "int" },
    ] as unknown as SchemaInfo[];
    const widths = {
      "c/arg-type/first": "uint8",
      "c/arg-type/first/x": "int16",
      "c/ret-type": "uint64",
      "c/arg-type/later/n": "size",
    };
    const names = {
      "c/ret-type": "Result",
      "c/arg-type/first": "Either",
      "c/arg-type/first|object": "Obj",
      "c/arg-type/first|enum": "En",
    };
    const { widths: w, typeNames } = resolveFor(entries, widths, { ...names, "c/arg-type/first|array": "None", "c//": "Bad" });
    expect(Object.fromEntries(typeNames)).toEqual({ R: "Result", Alt: "Either", O: "Obj", E: "En" });
    expect(Object.fromEntries([...w].map(([k, v]) => [k.replace("\u0000", "."), v]))).toEqual({
      "A.first": "uint8",
      "B.again": "uint8", // the alternate's integer branch, wherever it is used
      "O.x": "int16",
      "B.n": "size",
    });
    const schema = new QmpSchema(entries, { integerWidths: widths, typeNames: names });
    expect(schema.validateArguments("c", { first: 300 })[0]?.message).toBe("Parameter 'first' expects uint8_t");
    expect(schema.validateArguments("c", { first: 1, later: { again: [256] } })[0]?.message).toBe(
      "Parameter 'null' expects uint8_t",
    );
    expect(schema.validateArguments("c", { first: true })[0]?.message).toBe(
      "Invalid parameter type for 'first', expected: Either",
    );
  });
});

describe("QmpSchema uses qmpkit's QEMU 7.2 facts by default", () => {
  const first = (schema: QmpSchema, command: string, args: unknown) => schema.validateArguments(command, args)[0]?.message;

  it("gives QEMU's exact texts with no options", () => {
    const schema = new QmpSchema(qemu72Schema());
    expect(first(schema, "migrate-set-parameters", { "xbzrle-cache-size": "x" })).toBe(
      "Parameter 'xbzrle-cache-size' expects uint64",
    );
    expect(first(schema, "block-dirty-bitmap-add", { node: "n", name: "b", granularity: 2 ** 32 })).toBe(
      "Parameter 'granularity' expects uint32_t",
    );
    expect(first(schema, "blockdev-add", { driver: "blkdebug", image: "n", "max-transfer": 2 ** 31 })).toBe(
      "Parameter 'max-transfer' expects int32_t",
    );
    expect(first(schema, "blockdev-add", { driver: "ssh", path: "p", server: { host: "h", port: "22", to: 70000 } })).toBe(
      "Parameter 'to' expects uint16_t",
    );
    expect(first(schema, "blockdev-add", { driver: "raw", file: { driver: "qcow2", file: 5 } })).toBe(
      "Invalid parameter type for 'file', expected: BlockdevRef",
    );
    expect(first(schema, "x-blockdev-set-iothread", { "node-name": "n", iothread: 1 })).toBe(
      "Invalid parameter type for 'iothread', expected: StrOrNull",
    );
    expect(first(schema, "migrate-set-parameters", { "tls-creds": 5 })).toBe(
      "Invalid parameter type for 'tls-creds', expected: StrOrNull",
    );
  });

  it("for qemu-storage-daemon too (its data keys types by where qsd first uses them)", () => {
    const schema = new QmpSchema(qsd72Schema());
    expect(first(schema, "blockdev-add", { driver: "ssh", path: "p", server: { host: "h", port: "22", to: 70000 } })).toBe(
      "Parameter 'to' expects uint16_t",
    );
    expect(first(schema, "x-blockdev-set-iothread", { "node-name": "n", iothread: 1 })).toBe(
      "Invalid parameter type for 'iothread', expected: StrOrNull",
    );
    expect(first(schema, "block-dirty-bitmap-add", { node: "n", name: "b", granularity: -1 })).toBe(
      "Parameter 'granularity' expects uint32_t",
    );
  });

  it("opts out with empty facts; a field left out keeps the default; qemu72SchemaOptions() is the same data", () => {
    const plain = new QmpSchema(qemu72Schema(), { integerWidths: {}, typeNames: {} });
    expect(first(plain, "migrate-set-parameters", { "downtime-limit": "x" })).toBe(
      "Invalid parameter type for 'downtime-limit', expected: integer",
    );
    const [issue] = plain.validateArguments("migrate-set-parameters", { "tls-creds": 5 });
    expect(issue?.message).toBe(`Invalid parameter type for 'tls-creds', expected: ${issue?.type}`);
    const namesOnly = new QmpSchema(qemu72Schema(), { integerWidths: {} });
    expect(first(namesOnly, "migrate-set-parameters", { "tls-creds": 5 })).toMatch(/StrOrNull$/);
    expect(first(namesOnly, "migrate-set-parameters", { "compress-level": 300 })).toBeUndefined();
    expect(qemu72SchemaOptions()).toBe(committedSchemaFacts());
    expect(Object.isFrozen(qemu72SchemaOptions().integerWidths)).toBe(true);
    const { widths, types } = namesFile("qemu-7.2-x86_64.names.json");
    expect(qemu72SchemaOptions().integerWidths).toMatchObject(widths);
    expect(qemu72SchemaOptions().typeNames).toMatchObject(types);
  });

  it("reads the facts once, when the first QmpSchema without them is built, never at import", () => {
    const script = `
      import fs from "node:fs";
      import { syncBuiltinESMExports } from "node:module";
      const reads = [];
      const read = fs.readFileSync;
      fs.readFileSync = (path, ...rest) => (reads.push(String(path)), read(path, ...rest));
      syncBuiltinESMExports();
      const facts = () => reads.filter((p) => p.endsWith(".names.json")).length;
      const { QmpSchema } = await import("./runtime/index.ts");
      const schema = JSON.parse(read("schemas/qsd-7.2.json", "utf8"));
      const counts = [facts()];
      new QmpSchema(schema, { integerWidths: {}, typeNames: {} });
      counts.push(facts());
      new QmpSchema(schema);
      new QmpSchema(schema);
      counts.push(facts());
      console.log(JSON.stringify(counts));`;
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual([0, 0, 2]);
  });
});

/** QEMU's QAPI source trees (test data, never copied into the repo). */
const TREES = [
  process.env["QMP_QAPI_TREES"],
  process.env["QMPKIT_QAPI_TREES"],
  resolve(ROOT, "../shared/qapi"),
  resolve(ROOT, "../../shared/qapi"),
].find((d): d is string => d !== undefined && existsSync(join(d, "v7.2.0/qapi/qapi-schema.json")));
if (TREES === undefined)
  console.warn(
    "schema-annotations: QEMU's QAPI trees are absent (../shared/qapi, QMP_QAPI_TREES): the QAPI-source checks are skipped",
  );

describe.runIf(TREES !== undefined)("the default facts against QEMU 7.2's QAPI source (../shared/qapi/v7.2.0)", () => {
  const qapi = join(TREES ?? "", "v7.2.0/qapi/qapi-schema.json");
  const source = TREES === undefined ? undefined : loadQapiSchema(qapi);
  const realNames = new Set(
    TREES === undefined
      ? []
      : checkQapiSource(qapi)
          .source.defs.filter((d) => d.meta !== "command" && d.meta !== "event")
          .map((d) => d.name),
  );

  it.each(BINARIES)("$label: the committed names data re-derives with the generator's extraction", (b) => {
    const json = JSON.parse(readFileSync(join(ROOT, "schemas", b.schemaFile), "utf8")) as unknown;
    const merged = mergeWithIntrospection(source as Schema, loadIntrospection(json)).ir;
    const entries = validateEntries(extractEntries(json));
    const paths = canonicalTypePaths(new Map(entries.map((e) => [e.name, e])));
    const derived = extractNamesData(merged, paths, realNames, {});
    const committed = namesFile(b.names);
    expect(derived.types).toEqual(committed.types);
    expect(derived.widths).toEqual(committed.widths);

    // ...and, through the runtime's resolver, every declared width and name reaches its type.
    const byRealName = new Map(merged.types.map((t) => [t.name, t]));
    const alternateWidth = (ref: TypeRef): string | undefined => {
      const inner = ref.kind === "array" ? ref.element : ref;
      const t = inner.kind === "named" ? byRealName.get(inner.name) : undefined;
      return t?.kind === "alternate" ? t.branches.map((br) => exactWidth(br.type)).find((w) => w !== undefined) : undefined;
    };
    const widths = new Map<string, string>();
    const names = new Map<string, string>();
    for (const t of merged.types) {
      if (!paths.has(t.schemaName)) continue;
      if (realNames.has(t.name)) names.set(t.schemaName, t.name);
      if (t.kind !== "object") continue;
      for (const m of t.members) {
        const width = exactWidth(m.type) ?? alternateWidth(m.type);
        if (width !== undefined) widths.set(widthKey(t.schemaName, m.name), width);
      }
    }
    const resolved = defaults(b.entries);
    expect(Object.fromEntries(resolved.widths)).toEqual(Object.fromEntries(widths));
    expect(Object.fromEntries(resolved.typeNames)).toEqual(Object.fromEntries(names));
    const alternates = merged.types.filter((t) => t.kind === "alternate" && paths.has(t.schemaName));
    expect(alternates.length).toBeGreaterThan(3);
    for (const t of alternates) expect(resolved.typeNames.get(t.schemaName)).toBe(t.name);
  });
});
