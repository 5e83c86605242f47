// Transition check (issue: one source of facts): everything the old qemu-7.2-qapi-facts.json
// gave resolves identically through the names data. Deleted together with the old file.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { resolveAnnotations } from "../../runtime/schema/annotations.js";
import { committedSchemaFacts } from "../../runtime/schema/committed.js";
import type { SchemaInfo } from "../../runtime/schema/schema-info.js";
import { widthKey } from "../../runtime/schema/validate.js";
import { qemu72Schema, qsd72Schema } from "../../runtime/testing/index.js";

const old = JSON.parse(readFileSync("schemas/qemu-7.2-qapi-facts.json", "utf8")) as {
  integerWidths: Record<string, string>;
  typeNames: Record<string, string>;
};

function tables(entries: readonly SchemaInfo[], widths: Record<string, string>, names: Record<string, string>) {
  const byName = new Map(entries.map((e) => [e.name, e]));
  return resolveAnnotations(entries, (n) => byName.get(n), widths, names);
}

it.each([
  ["qemu", qemu72Schema()],
  ["qsd", qsd72Schema()],
])("%s: every old fact resolves identically through the names data", (_label, entries) => {
  expect(Object.keys(old.integerWidths)).toHaveLength(131);
  expect(Object.keys(old.typeNames)).toHaveLength(41);
  const before = tables(entries, old.integerWidths, old.typeNames);
  const facts = committedSchemaFacts();
  const after = tables(entries, { ...facts.integerWidths }, { ...facts.typeNames });
  const byName = new Map(entries.map((e) => [e.name, e]));
  let keys = 0;
  // per old key: the members it reaches get the same width
  for (const [path, width] of Object.entries(old.integerWidths)) {
    const one = tables(entries, { [path]: width }, {});
    for (const [key, w] of one.widths) {
      keys++;
      expect([path, key, after.widths.get(key)]).toEqual([path, key, w]);
    }
  }
  for (const [path, name] of Object.entries(old.typeNames)) {
    const one = tables(entries, {}, { [path]: name });
    for (const [masked, n] of one.typeNames) {
      expect(byName.get(masked)?.["meta-type"]).toBe("alternate");
      expect([path, after.typeNames.get(masked)]).toEqual([path, n]);
    }
  }
  for (const [key, w] of before.widths) expect([key, after.widths.get(key)]).toEqual([key, w]);
  for (const [key, n] of before.typeNames) expect([key, after.typeNames.get(key)]).toEqual([key, n]);
  console.log(`${_label}: old widths resolve to ${before.widths.size} members (${keys} via keys), old names to ${before.typeNames.size} alternates; new: ${after.widths.size} members, ${after.typeNames.size} names`);
  void widthKey;
});
