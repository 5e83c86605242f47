/**
 * Schema names that collide with what every JavaScript object or module namespace already
 * has: optional members named like `Object.prototype` properties must not make the
 * interface unsatisfiable, and a command named `then` must not make the bindings thenable.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/qemu.js";
import { cmd, generate, obj, typecheck, writeFiles } from "./helpers.js";

const INHERITED = [
  "constructor",
  "toString",
  "toLocaleString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
];

describe("names every object already has", () => {
  it("optional members named like Object.prototype properties: literals without them are assignable", async () => {
    const members = INHERITED.map((name): [string, string, boolean] => [name, "int", true]);
    const files = await generate([
      cmd("frob", "1", "2"),
      obj("1", [["name", "str"], ...members]),
      obj("2", [["toString", "str"]]),
    ]);
    using dir = tempDir();
    const paths = writeFiles(join(dir.path, "out"), files);
    const user = join(dir.path, "out", "user.ts");
    writeFileSync(
      user,
      [
        'import type { FrobArguments, FrobResult } from "./types.js";',
        'export const bare: FrobArguments = { name: "x" };',
        `export const full: FrobArguments = { name: "x", ${INHERITED.map((n, i) => `${n}: ${i}`).join(", ")} };`,
        "// @ts-expect-error a member's own type still applies",
        'export const wrong: FrobArguments = { name: "x", constructor: "no" };',
        "// @ts-expect-error a required member named like one is still required",
        "export const missing: FrobResult = {};",
        'export const result: FrobResult = { toString: "text" };',
      ].join("\n"),
    );
    expect(typecheck([...paths, user])).toEqual([]);
  }, 60_000);

  it("a command named then does not make the module namespace thenable", async () => {
    const files = await generate([cmd("then"), cmd("query-x")]);
    const functions = files.get("functions.ts") ?? "";
    expect(functions).toContain("export function then_(");
    expect(functions).not.toMatch(/export function then\(/);
    // Run it: `await import()` of a module exporting `then` would call that function instead.
    using dir = tempDir();
    const js = ts.transpileModule(functions, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const path = join(dir.path, "functions.mjs");
    writeFileSync(path, js.outputText);
    const ns = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    expect(typeof ns["then"]).toBe("undefined");
    expect(typeof ns["then_"]).toBe("function");
  });
});
