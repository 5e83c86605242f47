/**
 * Masked names never reach the IR: readable, deterministic, collision-free, stable names.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadIntrospection } from "../../generator/introspection/load.js";
import { cmd, enm, ev, obj, ROOT, schemaOf } from "./helpers.js";

const names = (entries: readonly object[]): string[] =>
  schemaOf(entries)
    .types.map((t) => t.name)
    .sort();

describe("derived type names", () => {
  it.each([
    ["command arguments", [cmd("blockdev-create", "1"), obj("1", [["job-id", "str"]])], ["BlockdevCreateArguments"]],
    ["command result", [cmd("query-status", "0", "1"), obj("1", [["running", "bool"]])], ["QueryStatusResult"]],
    ["event data", [ev("JOB_STATUS_CHANGE", "1"), obj("1", [["id", "str"]])], ["JobStatusChangeData"]],
    [
      "array result names the element",
      [cmd("query-jobs", "0", "[1]"), obj("1", [["id", "str"]]), { name: "[1]", "meta-type": "array", "element-type": "1" }],
      ["QueryJobsResult"],
    ],
    [
      "nested member",
      [cmd("blockdev-create", "1"), obj("1", [["options", "2"]]), obj("2", [["x", "str"]])],
      ["BlockdevCreateArguments", "BlockdevCreateArgumentsOptions"],
    ],
    [
      "union variant",
      [
        cmd("add", "1"),
        obj("1", [["driver", "2"]], { tag: "driver", variants: [{ case: "file", type: "3" }] }),
        enm("2", ["file"]),
        obj("3", [["f", "str"]]),
      ],
      ["AddArguments", "AddArgumentsDriver", "AddArgumentsFile"],
    ],
    [
      "collision gets a number",
      [cmd("a-b", "1"), cmd("a_b", "2"), obj("1", [["x", "str"]]), obj("2", [["y", "str"]])],
      ["ABArguments", "ABArguments2"],
    ],
  ] as const)("%s", (_name, entries, want) => {
    expect(names(entries)).toEqual(want);
  });

  it("a shared type is named after its shortest first use, in sorted command order", () => {
    const shared = [obj("9", [["s", "str"]]), cmd("zeta", "1"), obj("1", [["deep", "9"]]), cmd("beta", "0", "9")];
    expect(names(shared)).toEqual(["BetaResult", "ZetaArguments"]);
  });

  it("adding an unrelated command renames nothing", () => {
    const before = [cmd("query-a", "0", "1"), obj("1", [["x", "2"]]), enm("2", ["p", "q"])];
    const after = [cmd("add-zzz", "3"), obj("3", [["y", "str"]]), ...before];
    expect(names(after)).toEqual([...names(before), "AddZzzArguments"].sort());
  });

  it("is independent of entry order and of the masks", () => {
    const a = [cmd("c", "1"), obj("1", [["m", "2"]]), enm("2", ["v"])];
    const b = [enm("7", ["v"]), obj("5", [["m", "7"]]), cmd("c", "5")];
    expect(names(a)).toEqual(names(b));
  });

  it("no masked name survives for the real QEMU 7.2 schema", () => {
    const json = JSON.parse(readFileSync(join(ROOT, "schemas/qemu-7.2-x86_64.json"), "utf8")) as unknown;
    const schema = loadIntrospection(json);
    expect(schema.types.length).toBeGreaterThan(600);
    for (const t of schema.types) expect(t.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    expect(new Set(schema.types.map((t) => t.name)).size).toBe(schema.types.length);
    expect(schema.qemuVersion).toMatchObject({ major: 7, minor: 2 });
    const byName = new Map(schema.types.map((t) => [t.name, t]));
    expect(byName.get("BlockdevCreateArguments")?.kind).toBe("object");
    expect(byName.get("JobStatusChangeData")?.kind).toBe("object");
    expect(byName.get("QueryStatusResult")?.kind).toBe("object");
  });
});
