// Builds the fd-passing addon from native/fd-passing/ and copies it to
// prebuilds/<platform>-<arch>/qmpkit_fd_passing.node, where runtime/fd/native.ts finds it in an
// installed package. `npm pack` runs this (prepack), so every tarball carries a binary built from
// its own sources, and installing qmpkit needs no compiler and no install script.
import { execFileSync, spawnSync } from "node:child_process";
import console from "node:console";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ADDON = "qmpkit_fd_passing.node";
const EXPORTS = ["connect", "listen", "accept", "send", "recv", "shutdown", "close", "Poller"];
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(root, "native", "fd-passing");
const target = `${process.platform}-${process.arch}`;
const out = join(root, "prebuilds", target, ADDON);

function fail(message) {
  console.error(`prebuilds: ${message}`);
  process.exit(1);
}

// npm tells its scripts where its bundled node-gyp is; outside npm, node-gyp must be on PATH.
const nodeGyp = process.env["npm_config_node_gyp"];
const gyp = nodeGyp ? [process.execPath, [nodeGyp]] : ["node-gyp", []];
try {
  execFileSync(gyp[0], [...gyp[1], "rebuild", "--directory", source], { cwd: root, stdio: "inherit" });
} catch (error) {
  fail(error.code === "ENOENT" ? "node-gyp not found: run this as `npm run prebuilds`" : `node-gyp failed (${error.message})`);
}

rmSync(dirname(out), { recursive: true, force: true });
mkdirSync(dirname(out), { recursive: true });
copyFileSync(join(source, "build", "Release", ADDON), out);
// Debug symbols are most of the file and of no use to users.
if (spawnSync("strip", ["--strip-unneeded", out], { stdio: "inherit" }).status !== 0) {
  console.warn("prebuilds: strip failed or is missing; shipping the unstripped binary");
}

// Only Node-API and libuv (both ABI-stable) may come from Node, or the binary would be tied to
// one Node version. Unversioned undefined symbols are Node's; libc's carry @GLIBC_x.
const nm = spawnSync("nm", ["-D", "--undefined-only", out], { encoding: "utf8" });
if (nm.status === 0) {
  const fromNode = nm.stdout
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([kind, name]) => kind === "U" && name !== undefined && !name.includes("@"))
    .map(([, name]) => name);
  const foreign = fromNode.filter((name) => !/^(napi_|uv_)/.test(name));
  if (foreign.length > 0) fail(`${out} uses symbols outside Node-API/libuv: ${foreign.join(", ")}`);
} else {
  console.warn("prebuilds: nm is missing; Node-API-only symbol check skipped");
}

const addon = createRequire(import.meta.url)(out);
const missing = EXPORTS.filter((name) => typeof addon[name] !== "function");
if (missing.length > 0) fail(`${out} lacks ${missing.join(", ")}`);

// The package promises fd passing on linux-x64 without a compiler: never pack one without it.
if (!existsSync(join(root, "prebuilds", "linux-x64", ADDON))) {
  fail("prebuilds/linux-x64 is missing: pack on linux-x64, or put that binary there first");
}
console.log(`prebuilds: ${out.slice(root.length + 1)} ready`);
