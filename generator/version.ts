/**
 * The generator's own version, from the package's package.json.
 * @module
 */
import { readFileSync } from "node:fs";

let cached: string | undefined;

/** qmpkit's version; works from the sources (generator/) and from dist/generator/. */
export function generatorVersion(): string {
  if (cached !== undefined) return cached;
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "qmpkit" && typeof pkg.version === "string") return (cached = pkg.version);
    } catch {
      // try the next candidate
    }
  }
  return (cached = "0.0.0");
}
