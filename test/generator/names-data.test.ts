/**
 * Names data (`schemas/*.names.json`): real QAPI names and integer widths applied to an
 * introspection schema through query-string paths, never masked names; the committed data
 * re-derives byte-identically from QEMU's 7.2 QAPI tree (when ../shared/qapi is there).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../generator/cli.js";
import type { Schema } from "../../generator/ir.js";
import { loadIntrospection } from "../../generator/introspection/load.js";
import { extractEntries, validateEntries } from "../../generator/introspection/validate.js";
import { applyNamesData } from "../../generator/names-data/apply.js";
import { readNamesData, parseNamesData } from "../../generator/names-data/format.js";
import { loadQapiSchema, mergeWithIntrospection } from "../../generator/qapi/index.js";
import { canonicalTypePaths } from "../../generator/schema-paths.js";
import { tempDir } from "../helpers/qemu.js";
import { BASE_ENTRIES, cmd, enm, ev, obj, ROOT, typecheck } from "./helpers.js";

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function withNames(json: unknown, data: unknown): { schema: Schema; unresolved: readonly string[] } {
  const entries = validateEntries(extractEntries(json));
  return applyNamesData(
    loadIntrospection(json),
    new Map(entries.map((e) => [e.name, e])),
    parseNamesData(data, "test.names.json"),
  );
}

const names = (schema: Schema): string[] => schema.types.map((t) => t.name).sort();

/** A small schema; `mask` renames its masked types to show that only paths matter. */
function small(mask: (n: string) => string = (n) => n): object[] {
  return [
    ...BASE_ENTRIES,
    cmd("query-status", "0", mask("1")),
    cmd("query-jobs", "0", mask("[2]")),
    cmd("set-speed", mask("4")),
    ev("JOB_STATUS_CHANGE", mask("3")),
    obj(mask("1"), [
      ["running", "bool"],
      ["status", mask("5")],
    ]),
    { name: mask("[2]"), "meta-type": "array", "element-type": mask("2") },
    obj(mask("2"), [
      ["id", "str"],
      ["status", mask("6")],
      ["current-progress", "int"],
    ]),
    obj(mask("3"), [
      ["id", "str"],
      ["status", mask("6")],
    ]),
    obj(mask("4"), [
      ["speed", "int"],
      ["limits", "[int]"],
      ["level", mask("7"), true],
    ]),
    { name: "[int]", "meta-type": "array", "element-type": "int" },
    { name: mask("7"), "meta-type": "alternate", members: [{ type: "int" }, { type: mask("5") }] },
    enm(mask("5"), ["running", "paused"]),
    enm(mask("6"), ["created", "concluded"]),
  ];
}

const DATA = {
  format: "qmpkit-names/1",
  types: {
    "query-status/ret-type": "StatusInfo",
    "query-status/ret-type/status": "RunState",
    "query-jobs/ret-type": "JobInfo",
    "JOB_STATUS_CHANGE/arg-type/status": "JobStatus",
    "set-speed/arg-type/level": "SpeedLevel",
    "no-such-command/arg-type": "Gone",
  },
  widths: {
    "query-jobs/ret-type/current-progress": "uint64",
    "set-speed/arg-type/speed": "uint8",
    "set-speed/arg-type/limits": "int32",
    "set-speed/arg-type/level": "uint16",
  },
};

describe("names data", () => {
  it("canonical paths: shortest use, then code-unit order; alternates looked through", () => {
    const entries = validateEntries(small());
    const paths = canonicalTypePaths(new Map(entries.map((e) => [e.name, e])));
    expect(Object.fromEntries(paths)).toMatchObject({
      "1": { path: "query-status/ret-type", key: "query-status/ret-type" },
      "2": { path: "query-jobs/ret-type", key: "query-jobs/ret-type" },
      "6": { path: "JOB_STATUS_CHANGE/arg-type/status" },
      "5": { path: "query-status/ret-type/status" },
      "7": { path: "set-speed/arg-type/level" },
    });
  });

  it("names types by path, whatever their masks; others keep derived names; roots stay as aliases", () => {
    for (const mask of [(n: string) => n, (n: string) => n.replace(/\d/, (d) => String(90 - Number(d)))]) {
      const { schema, unresolved } = withNames(small(mask), DATA);
      expect(unresolved).toEqual(["no-such-command/arg-type"]);
      expect(names(schema)).toEqual([
        "JobInfo",
        "JobStatus",
        "JobStatusChangeData",
        "RunState",
        "SetSpeedArguments",
        "SpeedLevel",
        "StatusInfo",
      ]);
      const aliases = Object.fromEntries(schema.types.map((t) => [t.name, (t.aliases ?? []).map((a) => a.name)]));
      expect(aliases).toMatchObject({
        StatusInfo: ["QueryStatusResult"],
        JobInfo: ["QueryJobsResult"],
        SetSpeedArguments: [],
      });
      // JOB_STATUS_CHANGE's data was not named: it keeps its derived name... which is the root name.
      expect(schema.events[0]?.data).toEqual({ kind: "named", name: "JobStatusChangeData" });
    }
  });

  it("a type keeps its name when another command now reaches it first (another build)", () => {
    const json = [...small(), cmd("a-first", "0", "1"), cmd("a-second", "0", "[2]")];
    const { schema, unresolved } = withNames(json, DATA);
    expect(unresolved).toEqual(["no-such-command/arg-type"]);
    expect(names(schema)).toContain("StatusInfo");
    expect(names(schema)).toContain("JobInfo");
    const job = schema.types.find((t) => t.name === "JobInfo");
    expect(job?.kind === "object" && job.members[2]?.type).toEqual({ kind: "builtin", name: "uint64" });
    const aliases = Object.fromEntries(schema.types.map((t) => [t.name, (t.aliases ?? []).map((a) => a.name)]));
    expect(aliases["StatusInfo"]).toEqual(["AFirstResult", "QueryStatusResult"]);
  });

  it("applies integer widths: members, arrays, alternate branches", () => {
    const { schema } = withNames(small(), DATA);
    const args = schema.types.find((t) => t.name === "SetSpeedArguments");
    const job = schema.types.find((t) => t.name === "JobInfo");
    const level = schema.types.find((t) => t.name === "SpeedLevel");
    expect(args?.kind === "object" && args.members.map((m) => m.type)).toEqual([
      { kind: "builtin", name: "uint8" },
      { kind: "array", element: { kind: "builtin", name: "int32" } },
      { kind: "named", name: "SpeedLevel" },
    ]);
    expect(job?.kind === "object" && job.members[2]?.type).toEqual({ kind: "builtin", name: "uint64" });
    expect(level?.kind === "alternate" && level.branches[0]?.type).toEqual({ kind: "builtin", name: "uint16" });
  });

  it("rejects malformed names data with the file name", () => {
    expect(() => parseNamesData({ format: "qmpkit-names/1", types: {}, widths: { a: "int128" } }, "x.json")).toThrow(
      /names data "x\.json": width of "a" is not a QAPI integer type/,
    );
    expect(() => parseNamesData({ types: {}, widths: {} }, "x.json")).toThrow(/"format" must be "qmpkit-names\/1"/);
  });

  it("CLI: --names applies; flags in the wrong mode are one-line errors", async () => {
    using dir = tempDir();
    const schema = join(dir.path, "s.json");
    const data = join(dir.path, "s.names.json");
    writeFileSync(schema, JSON.stringify(small()));
    writeFileSync(data, JSON.stringify(DATA));
    const run = await cli("--schema", schema, "--names", data, "--out", join(dir.path, "o"));
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/1 type path\(s\) not in this schema \(first: no-such-command\/arg-type\)/);
    const types = readFileSync(join(dir.path, "o", "types.ts"), "utf8");
    expect(types).toContain("export interface StatusInfo {");
    expect(types).toContain("export type QueryStatusResult = StatusInfo;");
    expect(types).toContain("QAPI `uint8`: an integer from 0 to 255.");
    expect(readFileSync(join(dir.path, "o", "index.ts"), "utf8").split("\n")[0]).toContain("with names from");
    expect((await cli("--schema", schema, "--save-names", data, "--out", join(dir.path, "o"))).stderr).toMatch(
      /^qapi-gen: error: --save-names needs merge mode/,
    );
    expect((await cli("--schema", schema, "--names", join(dir.path, "none.json"), "--out", join(dir.path, "o"))).stderr).toMatch(
      /^qapi-gen: error: cannot read names data ".*none\.json": no such file\n$/,
    );
    expect((await cli("--names", data)).code).toBe(2);
  });

  it("golden: the small fixture with its names data (real names, widths, root aliases), and it compiles", async () => {
    using dir = tempDir();
    const out = join(dir.path, "small");
    const fixture = "test/generator/fixtures/small-schema";
    const run = await cli(
      "--schema",
      `${fixture}.json`,
      "--names",
      "test/generator/fixtures/small-names-data.json",
      "--out",
      out,
      "--api-name",
      "Small",
    );
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const files = readdirSync(out).sort();
    for (const name of files)
      await expect(readFileSync(join(out, name), "utf8")).toMatchFileSnapshot(`golden/small-names/${name}`);
    expect(typecheck(files.map((f) => join(out, f)))).toEqual([]);
  });

  it("X.names.json next to --schema X.json applies by default, only for its QEMU version", async () => {
    using dir = tempDir();
    const schema = join(dir.path, "s.json");
    writeFileSync(join(dir.path, "s.names.json"), JSON.stringify({ ...DATA, qemu: "7.2" }));
    const run = async (minor: number) => {
      writeFileSync(schema, JSON.stringify({ version: { qemu: { major: 7, minor, micro: 0 } }, return: small() }));
      const result = await cli("--schema", schema, "--out", join(dir.path, `o${minor}`));
      return { ...result, types: readFileSync(join(dir.path, `o${minor}`, "types.ts"), "utf8") };
    };
    const same = await run(2);
    expect(same.code).toBe(0);
    expect(same.types).toContain("export interface StatusInfo {");
    const other = await run(1);
    expect(other.code).toBe(0);
    expect(other.types).not.toContain("StatusInfo");
    expect(other.stderr).toMatch(/names data .*s\.names\.json is for QEMU 7\.2, not 7\.1: derived names kept/);
  });

  it("the config job writing the same --out lends its names data, only for its QEMU version", async () => {
    // As .ci/run does live: `--qemu qemu-system-x86_64 --out generated/qemu --check`.
    const same = await cli("--schema", "schemas/qemu-7.2-x86_64.json", "--out", "generated/qemu", "--check");
    expect(same).toMatchObject({ code: 0, stderr: "" });
    using dir = tempDir();
    const other = join(dir.path, "qemu-7.1.json");
    writeFileSync(other, readFileSync("schemas/qemu-7.2-x86_64.json", "utf8").replace('"minor":2', '"minor":1'));
    const run = await cli("--schema", other, "--out", "generated/qemu", "--check");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("names data schemas/qemu-7.2-x86_64.names.json is for QEMU 7.2, not 7.1: derived names kept");
  });
});

/** QEMU's QAPI source trees (test data, never copied into the repo). */
const TREES = [process.env["QMPKIT_QAPI_TREES"], resolve(ROOT, "../shared/qapi"), resolve(ROOT, "../../shared/qapi")].find(
  (d): d is string => d !== undefined && existsSync(join(d, "v7.2.0/qapi/qapi-schema.json")),
);
const describeTree = TREES === undefined ? describe.skip : describe;
if (TREES === undefined) console.warn("names-data tests: no QEMU QAPI trees (../shared/qapi, QMPKIT_QAPI_TREES): skipped");

describeTree("names data from QEMU's 7.2 QAPI tree", () => {
  const qapi = join(TREES ?? "", "v7.2.0/qapi/qapi-schema.json");

  it.each([
    ["schemas/qemu-7.2-x86_64.json", "schemas/qemu-7.2-x86_64.names.json"],
    ["schemas/qsd-7.2.json", "schemas/qsd-7.2.names.json"],
  ])("%s: the committed names data re-derives byte-identically (--save-names)", async (schema, committed) => {
    using dir = tempDir();
    const file = join(dir.path, "n.json");
    const run = await cli("--qapi", qapi, "--schema", schema, "--out", join(dir.path, "o"), "--save-names", file);
    expect(run.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(readFileSync(committed, "utf8"));
  });

  it("names data gives the merge mode's names and widths, without the source", async () => {
    const json = JSON.parse(readFileSync("schemas/qemu-7.2-x86_64.json", "utf8")) as unknown;
    const intro = loadIntrospection(json);
    const merged = mergeWithIntrospection(loadQapiSchema(qapi), intro).ir;
    const entries = validateEntries(extractEntries(json));
    const byName = new Map(entries.map((e) => [e.name, e]));
    const { schema, unresolved } = applyNamesData(intro, byName, await readNamesData("schemas/qemu-7.2-x86_64.names.json"));
    expect(unresolved).toEqual([]);
    const shape = (s: Schema) =>
      s.types.map((t) => ({
        name: t.name,
        refs: t.kind === "object" ? t.members.map((m) => m.type) : t.kind === "alternate" ? t.branches.map((b) => b.type) : [],
      }));
    expect(shape(schema)).toEqual(shape(merged));
    expect(schema.commands.map((c) => [c.args, c.returns])).toEqual(merged.commands.map((c) => [c.args, c.returns]));
  });
});
