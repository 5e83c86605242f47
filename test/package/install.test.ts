// The published form: `npm pack`, install the tarball into a fresh project with npm's default
// policy (dependencies' install scripts not approved), and use it there as a user would. Slow
// (~1 min), so it runs only with QMPKIT_PACK_TEST=1: `npm run test:package`, which CI runs.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QEMU } from "../helpers/qemu.js";

const ROOT = resolve(import.meta.dirname, "../..");
const FIXTURE = join(import.meta.dirname, "consumer");
const ADDON = "qmpkit_fd_passing.node";
const enabled = process.env["QMPKIT_PACK_TEST"] === "1";

// npm passes its config to scripts as npm_* variables; a nested npm would take them as its own.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
}

function run(command: string, args: string[], cwd: string, options: RunOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    env: { ...cleanEnv, ...options.env },
    input: options.input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 150_000,
  });
}

/** Runs and expects success; the failure message carries the command's output. */
function ok(command: string, args: string[], cwd: string, options: RunOptions = {}): string {
  const result = run(command, args, cwd, options);
  const shown = `${command} ${args.join(" ")} (in ${cwd}) exited ${result.status ?? result.signal}\n${result.stdout}\n${result.stderr}\n${result.error ?? ""}`;
  expect(result.status, shown).toBe(0);
  return result.stdout;
}

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

describe.runIf(enabled)("the packed package, installed into a fresh project", () => {
  let work = "";
  let tarball = "";
  let project = "";
  let installed = "";
  let installLog = "";
  const gen = () => join(project, "gen");

  beforeAll(() => {
    expect(spawnSync(QEMU, ["--version"]).status, `${QEMU} is needed`).toBe(0);
    work = mkdtempSync(join(tmpdir(), "qmpkit-pack-"));
    // The full published form: prepack builds prebuilds/, prepare builds dist/.
    ok("npm", ["pack", "--pack-destination", work], ROOT);
    const packed = readdirSync(work).filter((name) => name.endsWith(".tgz"));
    expect(packed).toHaveLength(1);
    tarball = join(work, packed[0] as string);

    project = join(work, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
    cpSync(FIXTURE, project, { recursive: true });
    // npm's default policy: nothing approved. The registry is needed for qmpkit's dependencies
    // (the local cache usually has them) and for the consumer's typescript and @types/node.
    const result = run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        tarball,
        `typescript@${installedVersion("typescript")}`,
        `@types/node@${installedVersion("@types/node")}`,
      ],
      project,
    );
    installLog = `${result.stdout}\n${result.stderr}`;
    expect(result.status, installLog).toBe(0);
    installed = join(project, "node_modules", "qmpkit");
  }, 180_000);

  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  it("carries dist, schemas, the prebuilt linux-x64 addon and its sources, and nothing else", () => {
    const files = ok("tar", ["-tzf", tarball], work)
      .split("\n")
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ""));
    for (const file of [
      "package.json",
      "README.md",
      "dist/runtime/index.js",
      "dist/runtime/index.d.ts",
      "dist/runtime/testing/index.js",
      "dist/generated/qemu/index.d.ts",
      "dist/generated/qsd/index.js",
      "dist/generator/bin.js",
      "schemas/qemu-7.2-x86_64.json",
      "schemas/qemu-7.2-x86_64.names.json",
      `prebuilds/linux-x64/${ADDON}`,
      "native/fd-passing/binding.gyp",
      "native/fd-passing/src/fd_passing.c",
    ]) {
      expect(files).toContain(file);
    }
    const tops = new Set(files.map((f) => f.split("/")[0]));
    expect([...tops].sort()).toEqual(["README.md", "dist", "native", "package.json", "prebuilds", "schemas"]);
    expect(files.filter((f) => f.startsWith("native/fd-passing/build/") || f.includes("tsbuildinfo"))).toEqual([]);
  });

  it("is clean for publint (warnings are errors)", () => {
    ok(join(ROOT, "node_modules/.bin/publint"), ["run", tarball, "--strict"], ROOT);
  });

  it("is clean for @arethetypeswrong/cli (ESM-only profile)", () => {
    ok(join(ROOT, "node_modules/.bin/attw"), [tarball, "--profile", "esm-only", "--format", "table-flipped"], ROOT);
  });

  it("installs with no install script to run or approve, and no dangling links", () => {
    const installedManifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    };
    for (const hook of ["preinstall", "install", "postinstall"]) expect(installedManifest.scripts?.[hook]).toBeUndefined();
    // npm would invent `node-gyp rebuild` for a binding.gyp at the package root.
    expect(existsSync(join(installed, "binding.gyp"))).toBe(false);
    // npm lists `prepare` of non-registry sources such as this tarball (never of registry
    // packages); it builds only in a checkout (tsconfig.build.json), so approving it is harmless.
    const listed = installLog.split("\n").filter((line) => /qmpkit|fd-passing/.test(line));
    expect(
      listed.every((line) => /qmpkit@[\d.]+ \(prepare: if \[ -f tsconfig\.build\.json \]/.test(line)),
      installLog,
    ).toBe(true);
    ok("npm", ["explore", "qmpkit", "--", "npm", "run", "prepare"], project);
    expect(existsSync(join(installed, "dist", "runtime", "index.js"))).toBe(true);
    expect(existsSync(join(installed, "native", "fd-passing", "build"))).toBe(false);
    const dangling = readdirSync(join(project, "node_modules"))
      .map((name) => join(project, "node_modules", name))
      .filter((path) => lstatSync(path).isSymbolicLink() && !existsSync(path));
    expect(dangling).toEqual([]);
    expect(existsSync(join(project, "node_modules", "qmpkit-fd-passing"))).toBe(false);
    expect(statSync(join(installed, "prebuilds", "linux-x64", ADDON)).isFile()).toBe(true);
  });

  it("imports every export", () => {
    const exported = JSON.parse(ok("node", ["import-all.mjs"], project)) as Record<string, string[]>;
    expect(Object.keys(exported).sort()).toEqual([
      "qmpkit",
      "qmpkit/package.json",
      "qmpkit/qemu",
      "qmpkit/qsd",
      "qmpkit/schemas/qemu-7.2-x86_64.json",
      "qmpkit/schemas/qemu-7.2-x86_64.names.json",
      "qmpkit/schemas/qsd-7.2.json",
      "qmpkit/schemas/qsd-7.2.names.json",
      "qmpkit/testing",
    ]);
    expect(exported["qmpkit"]).toEqual(expect.arrayContaining(["QmpClient", "launchQemu", "fdPassingAvailable", "StateError"]));
    expect(exported["qmpkit/testing"]).toEqual(expect.arrayContaining(["QmpTestServer", "QmpTestError"]));
    expect(exported["qmpkit/qemu"]).toEqual(expect.arrayContaining(["queryStatus", "blockdevCreate"]));
    expect(exported["qmpkit/qsd"]).toEqual(expect.arrayContaining(["queryBlockJobs", "blockdevAdd"]));
    expect(exported["qmpkit/package.json"]).toEqual(["default"]);
  });

  it("passes fds to a real QEMU (getfd, add-fd) with the shipped prebuilt addon", () => {
    const report = JSON.parse(ok("node", ["fd-to-qemu.mjs", join(work, "passed.img")], project)) as {
      available: boolean;
      added: { fd: number; "fdset-id": number };
      fdsets: { "fdset-id": number; fds: { fd: number; opaque?: string }[] }[];
      addon: string[];
    };
    expect(report.available).toBe(true);
    const set = report.fdsets.find((s) => s["fdset-id"] === report.added["fdset-id"]);
    expect(set?.fds).toEqual([{ fd: report.added.fd, opaque: "packed-install" }]);
    expect(report.addon).toEqual([realpathSync(join(installed, "prebuilds", "linux-x64", ADDON))]);
  });

  it("turns fd passing off with QMPKIT_FD_PASSING=off, with a StateError", () => {
    const out = ok("node", ["fd-unavailable.mjs"], project, { env: { QMPKIT_FD_PASSING: "off" } });
    expect(JSON.parse(out)).toMatchObject({
      available: false,
      stateError: true,
      message: expect.stringContaining("QMPKIT_FD_PASSING=off"),
    });
  });

  it("runs npx qapi-gen --qemu from the project", () => {
    ok("npx", ["qapi-gen", "--qemu", QEMU, "--out", gen()], project);
    expect(readFileSync(join(gen(), "index.ts"), "utf8")).toMatch(/DO NOT EDIT/);
    expect(readFileSync(join(gen(), "commands.ts"), "utf8")).toContain('"query-status"');
  });

  it("type-checks a consumer file and the generated bindings with tsc (skipLibCheck off)", () => {
    expect(existsSync(join(gen(), "index.ts")), "the qapi-gen test runs first").toBe(true);
    // consumer.ts's @ts-expect-error lines make this fail if the package's types were lost (any).
    ok(join(project, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], project);
  });

  it("runs npx qmpkit shell (--help, and a scripted query-status)", () => {
    expect(ok("npx", ["qmpkit", "shell", "--help"], project)).toMatch(/shell/);
    const dir = mkdtempSync(join(tmpdir(), "qmpkit-shell-"));
    const sock = join(dir, "q.sock");
    const qmp = `unix:${sock},server=on,wait=off`;
    const qemu = spawnSync(QEMU, [
      "-machine",
      "none",
      "-nodefaults",
      "-display",
      "none",
      "-qmp",
      qmp,
      "-daemonize",
      "-pidfile",
      join(dir, "pid"),
    ]);
    expect(qemu.status, String(qemu.stderr)).toBe(0);
    try {
      expect(ok("npx", ["qmpkit", "shell", sock], project, { input: "query-status\n" })).toContain("running");
    } finally {
      process.kill(Number(readFileSync(join(dir, "pid"), "utf8")), "SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Last: it takes the prebuilt binary away from the installed package.
  it("falls back to a source build (npm explore qmpkit -- npm run build:native) without the prebuilt binary", () => {
    const prebuilds = join(installed, "prebuilds");
    renameSync(prebuilds, `${prebuilds}.away`);
    const missing = JSON.parse(ok("node", ["fd-unavailable.mjs"], project)) as Record<string, unknown>;
    const hint = "npm explore qmpkit -- npm run build:native";
    expect(missing).toMatchObject({ available: false, stateError: true, message: expect.stringContaining(hint) });
    ok("npm", ["explore", "qmpkit", "--", "npm", "run", "build:native"], project);
    const report = JSON.parse(ok("node", ["fd-to-qemu.mjs", join(work, "passed.img")], project)) as {
      available: boolean;
      addon: string[];
    };
    expect(report.available).toBe(true);
    expect(report.addon).toEqual([realpathSync(join(installed, "native", "fd-passing", "build", "Release", ADDON))]);
  });
});
