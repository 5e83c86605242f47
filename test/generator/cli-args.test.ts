/**
 * qapi-gen usage errors yargs alone does not catch: single-valued flags given twice or
 * without a value, flags config mode would ignore, API names that clash with the runtime.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../generator/cli.js";
import { tempDir } from "../helpers/qemu.js";
import { ROOT } from "./helpers.js";

const FIXTURE = join(ROOT, "test/generator/fixtures/small-schema.json");

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("qapi-gen usage errors", () => {
  // "x" stands for a fresh output directory, "c.json" for a config file there: even a
  // regression cannot write into the repository.
  it.each([
    [
      "--runtime-import twice",
      ["--schema", FIXTURE, "--out", "x", "--runtime-import", "a", "--runtime-import", "b"],
      "--runtime-import given 2 times",
    ],
    ["--out twice", ["--schema", FIXTURE, "--out", "x", "--out", "y"], "--out given 2 times"],
    ["--schema twice, same value", ["--schema", FIXTURE, "--schema", FIXTURE, "--out", "x"], "--schema given 2 times"],
    [
      "--api-name twice (= form)",
      ["--schema", FIXTURE, "--out", "x", "--api-name=A", "--api-name=B"],
      "--api-name given 2 times",
    ],
    ["--qapi three times", ["--qapi", "a", "--qapi", "b", "--qapi", "c", "--out", "x"], "--qapi given 3 times"],
    ["--schema without a value", ["--out", "x", "--schema"], "--schema needs a value"],
    ["--schema followed by a flag", ["--schema", "--out", "x"], "--schema needs a value"],
    ["--api-name empty", ["--schema", FIXTURE, "--out", "x", "--api-name="], "--api-name needs a value"],
    ["--define without a value", ["--qapi", "a.json", "--out", "x", "--define"], "--define needs a value"],
    ["--qemu-arg without a value", ["--qemu", "q", "--out", "x", "--qemu-arg"], "--qemu-arg needs a value"],
    ["--out in config mode", ["--config", "c.json", "--out", "x"], "--out cannot be used without an input flag"],
    [
      "--save-schema in config mode",
      ["--config", "c.json", "--save-schema", "s.json"],
      "--save-schema needs an introspection input",
    ],
  ])("%s", async (_name, argv, message) => {
    using dir = tempDir();
    const out = join(dir.path, "out");
    const config = join(dir.path, "c.json");
    writeFileSync(config, JSON.stringify({ jobs: [{ schema: FIXTURE, out: "job" }] }));
    const run = await cli(...argv.map((a) => (a === "x" ? out : a === "c.json" ? config : a)));
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(/^qapi-gen: .* \(see --help\)\n$/);
    expect(run.stderr).toContain(message);
    expect(existsSync(out) || existsSync(join(dir.path, "job"))).toBe(false);
  });

  it("--define and --qemu-arg stay repeatable", async () => {
    using dir = tempDir();
    const schema = join(dir.path, "s.json");
    writeFileSync(schema, "{ 'command': 'a', 'if': 'A' }\n{ 'command': 'b', 'if': 'B' }\n{ 'command': 'c', 'if': 'C' }\n");
    const run = await cli("--qapi", schema, "--define", "A", "--define", "B", "--out", join(dir.path, "o"));
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(": 2 commands,");
  });

  it("an --api-name that would take a runtime name is rejected", async () => {
    using dir = tempDir();
    const run = await cli("--schema", FIXTURE, "--api-name", "Qmp", "--out", join(dir.path, "o"));
    expect(run).toMatchObject({
      code: 1,
      stderr: 'qapi-gen: error: --api-name "Qmp" would name QmpEvent, which the runtime already exports\n',
    });
  });
});

describe("--qemu-arg values that start with -", () => {
  it("takes the next word as the value", async () => {
    let stderr = "";
    const code = await runCli(["--qemu", "/nonexistent/qemu-binary", "--qemu-arg", "-S", "--out", "/tmp/never-written"], {
      stdout: () => {},
      stderr: (t) => (stderr += t),
    });
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/Unknown argument/);
  });
});
