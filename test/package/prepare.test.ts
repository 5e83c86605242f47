// The `prepare` script (run by `npm ci` in a clone): it builds the TypeScript and then the
// fd-passing addon. Run here with a stand-in `npm` on PATH, so nothing is really built.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const prepare = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts[
  "prepare"
] as string;

const work = mkdtempSync(join(tmpdir(), "qmpkit-prepare-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A stand-in npm: logs `run SCRIPT`, and fails the scripts named in FAIL.
const bin = join(work, "bin");
spawnSync("mkdir", ["-p", bin]);
writeFileSync(
  join(bin, "npm"),
  '#!/bin/sh\necho "$*" >> "$NPM_LOG"\ncase " $FAIL " in *" $2 "*) echo "$2 failed" >&2; exit 1;; esac\nexit 0\n',
);
chmodSync(join(bin, "npm"), 0o755);

function runPrepare(checkout: boolean, fail: string[]): { status: number | null; stderr: string; ran: string[] } {
  const dir = mkdtempSync(join(work, "project-"));
  if (checkout) writeFileSync(join(dir, "tsconfig.build.json"), "{}");
  const log = join(dir, "npm.log");
  writeFileSync(log, "");
  const result = spawnSync("sh", ["-c", prepare], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env["PATH"] ?? ""}`, NPM_LOG: log, FAIL: fail.join(" ") },
  });
  return { status: result.status, stderr: result.stderr, ran: readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

describe("prepare (npm ci in a clone)", () => {
  it("builds the TypeScript, then the addon", () => {
    expect(runPrepare(true, [])).toEqual({ status: 0, stderr: "", ran: ["run build", "run build:native"] });
  });

  // Bug: without python3/make/gcc the addon's build failed `npm ci` as a whole, although
  // everything but fd passing works without the addon.
  it("warns and goes on when the addon cannot be built", () => {
    const result = runPrepare(true, ["build:native"]);
    expect(result.status).toBe(0);
    expect(result.ran).toEqual(["run build", "run build:native"]);
    expect(result.stderr).toMatch(/fd-passing addon not built \(needs python3, make and a C compiler\)/);
  });

  it("fails when the TypeScript build fails, without trying the addon", () => {
    const result = runPrepare(true, ["build"]);
    expect(result.status).not.toBe(0);
    expect(result.ran).toEqual(["run build"]);
  });

  it("does nothing in an installed package (no tsconfig.build.json)", () => {
    expect(runPrepare(false, [])).toEqual({ status: 0, stderr: "", ran: [] });
  });
});
