// Imports every entry point of the installed package's exports map and prints what each exports.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";

const manifest = JSON.parse(readFileSync("node_modules/qmpkit/package.json", "utf8"));
const result = {};
for (const key of Object.keys(manifest.exports)) {
  const specifier = key === "." ? "qmpkit" : `qmpkit/${key.slice(2)}`;
  const module = key.endsWith(".json") ? { default: createRequire(`${process.cwd()}/`)(specifier) } : await import(specifier);
  result[specifier] = Object.keys(module).sort();
}
process.stdout.write(JSON.stringify(result));
