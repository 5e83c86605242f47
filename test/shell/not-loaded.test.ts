/** Importing `qmpkit` (or `qmpkit/testing`) loads nothing of the shell: only the `qmpkit` bin does. */
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "./helpers.js";

/** Every source file reached from `entry` by relative imports (static or dynamic, types aside). */
function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [resolve(ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"|import\(\s*"(\.[^"]+)"\s*\)/g)) {
      if (/^(import|export)\s+type\s/.test(match[0].trim())) continue;
      queue.push(resolve(dirname(file), (match[1] ?? match[2]) as string).replace(/\.js$/, ".ts"));
    }
  }
  return [...seen].map((file) => relative(ROOT, file));
}

it.each(["runtime/index.ts", "runtime/testing/index.ts"])("%s reaches no module of runtime/shell/", (entry) => {
  const files = reachable(entry);
  expect(files.length).toBeGreaterThan(10);
  expect(files.filter((file) => file.startsWith("runtime/shell/"))).toEqual([]);
  // The walk does see the shell when it starts from the bin.
  expect(reachable("runtime/shell/bin.ts")).toContain("runtime/shell/completer.ts");
});
