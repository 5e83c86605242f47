// Imports every entry point of the installed package's exports map and prints what each exports.
// A wildcard entry ("./schemas/*") is expanded to the files the package has there.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import process from "node:process";

const manifest = JSON.parse(readFileSync("node_modules/qmpkit/package.json", "utf8"));
const require = createRequire(`${process.cwd()}/`);
const specifiers = Object.keys(manifest.exports).flatMap((key) => {
  if (!key.endsWith("/*")) return [key === "." ? "qmpkit" : `qmpkit/${key.slice(2)}`];
  const dir = key.slice(2, -2);
  return readdirSync(`node_modules/qmpkit/${dir}`).map((file) => `qmpkit/${dir}/${file}`);
});
const result = {};
for (const specifier of specifiers) {
  const module = specifier.endsWith(".json") ? { default: require(specifier) } : await import(specifier);
  result[specifier] = Object.keys(module).sort();
}
process.stdout.write(JSON.stringify(result));
