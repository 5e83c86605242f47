import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { emitBindings } from "../../generator/emit/emit.js";
import { loadQapiSchema } from "../../generator/qapi/index.js";
import { OPTIONS, typecheck, writeFiles } from "../generator/helpers.js";

const fixture = (p: string): string => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "qapi-golden-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CASES = [
  ["full", "full/schema.json", "Widget"],
  ["qga", "qga/qga-schema.json", "GuestAgent"],
] as const;

describe.each(CASES)("golden bindings from the %s source fixture", (name, file, apiName) => {
  it("match the committed files and compile", async () => {
    const ir = loadQapiSchema(fixture(file));
    const files = await emitBindings(ir, { ...OPTIONS, apiName, source: `test/qapi/fixtures/${file}` });
    for (const [out, text] of files) await expect(text).toMatchFileSnapshot(`golden/${name}/${out}`);
    expect(typecheck(writeFiles(join(tmp, name), files))).toEqual([]);
  });
});

describe("docs in generated code", () => {
  it("carry summaries, sections, conditions, features and integer notes, escaped", async () => {
    const files = await emitBindings(loadQapiSchema(fixture("full/schema.json")), { ...OPTIONS, apiName: "Widget" });
    const all = [...files.values()].join("\n");
    expect(all).toContain("Only when: CONFIG_LASER and not TARGET_S390X");
    expect(all).toContain("@since 1.0");
    expect(all).toContain("@throws");
    expect(all).toContain("@remarks");
    expect(all).toContain("@example");
    expect(all).toContain("@deprecated");
    expect(all).toContain("@experimental");
    expect(all).toContain("Echoes `text` back.");
    expect(all).toMatch(/at most this many \*\\\/ results/);
  });
});
