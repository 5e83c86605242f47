import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** Follows static and dynamic imports from `entry`; returns every non-relative specifier. */
function externalImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const external = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g)) {
      const specifier = (match[1] ?? match[2]) as string;
      if (/^(import|export)\s+type\s/.test(match[0].trim())) continue; // erased at build time
      if (specifier.startsWith(".")) queue.push(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else external.add(specifier);
    }
  }
  return external;
}

describe("importing qmpkit stays light", () => {
  it("the runtime and the fake server import only Node built-ins", () => {
    for (const entry of ["runtime/index.ts", "runtime/testing/index.ts"]) {
      const external = [...externalImports(entry)].filter((s) => !s.startsWith("node:"));
      expect(external, entry).toEqual([]);
    }
  });

  it("the generated bindings import only types from the runtime", () => {
    const external = externalImports("generated/qemu/index.ts");
    expect([...external].filter((s) => s !== "qmpkit")).toEqual([]);
    for (const file of ["functions.ts", "events.ts", "api.ts"]) {
      const text = readFileSync(join("generated/qemu", file), "utf8");
      for (const line of text.split("\n").filter((l) => l.includes('from "qmpkit"'))) expect(line).toMatch(/^import type /);
    }
  });

  it.runIf(existsSync("dist/runtime/index.js"))("the built runtime imports quickly and loads no generator dependency", () => {
    const script = `
      const t = performance.now();
      await import("./dist/runtime/index.js");
      const ms = performance.now() - t;
      const { createRequire } = await import("node:module");
      const require = createRequire(import.meta.url);
      const loaded = Object.keys(require.cache).filter((k) => /node_modules/.test(k));
      console.log(JSON.stringify({ ms, loaded }));`;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    const { ms, loaded } = JSON.parse(result.stdout) as { ms: number; loaded: string[] };
    expect(loaded).toEqual([]);
    expect(ms).toBeLessThan(500);
  });
});
