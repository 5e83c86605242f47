// The README's self-contained TypeScript examples (those importing only qmpkit entry points)
// must type-check against the current code, with the project's strict settings.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { expect, it } from "vitest";
import { QEMU, describeWith } from "./helpers/qemu.js";

const ENTRY_POINTS: Record<string, string> = {
  qmpkit: "runtime/index.ts",
  "qmpkit/testing": "runtime/testing/index.ts",
  "qmpkit/qemu": "generated/qemu/index.ts",
  "qmpkit/qsd": "generated/qsd/index.ts",
};

function selfContainedBlocks(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks.filter((block) => {
    const specifiers = [...block.matchAll(/from "([^"]+)"/g)].map((m) => m[1] as string);
    return specifiers.length > 0 && specifiers.every((s) => s in ENTRY_POINTS);
  });
}

it("README examples compile", () => {
  const blocks = selfContainedBlocks(readFileSync("README.md", "utf8"));
  expect(blocks.length).toBeGreaterThanOrEqual(2);
  const dir = resolve("node_modules/.cache/qmpkit-readme");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = blocks.map((block, i) => {
    const file = join(dir, `example-${i}.ts`);
    writeFileSync(file, `${block}\nexport {};\n`);
    return file;
  });
  const config = ts.getParsedCommandLineOfConfigFile(
    "tsconfig.json",
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (config === undefined) throw new Error("cannot read tsconfig.json");
  const paths = Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, file]) => [name, [resolve(file)]]));
  const program = ts.createProgram(files, { ...config.options, noEmit: true, paths, types: ["node"] });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where =
      d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : "";
    return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
  });
  expect(diagnostics).toEqual([]);
}, 60_000);

describeWith(QEMU)("README tour against real QEMU", () => {
  it("runs", async () => {
    const tour = selfContainedBlocks(readFileSync("README.md", "utf8")).find((block) => block.includes("launchQemu"));
    expect(tour).toBeDefined();
    const dir = resolve("test/.readme-run");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "tour.ts");
    // Keep the example's own files out of /tmp's shared namespace.
    writeFileSync(file, (tour as string).replaceAll("/tmp/", `${dir}/`));
    const lines: unknown[][] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args);
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true, force: true });
    }
    expect(lines[0]?.[0]).toMatchObject({ major: 7 });
    expect(lines[1]?.[0]).toBe("running");
    expect(lines.some((line) => line[0] === "DeviceNotFound")).toBe(true);
  }, 60_000);
});
