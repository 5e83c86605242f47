import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Generated bindings import the runtime by package name; in tests that must be the
    // source runtime (one module instance), not the built copy in dist/.
    alias: [
      { find: /^qmpkit$/, replacement: here("./runtime/index.ts") },
      { find: /^qmpkit\/testing$/, replacement: here("./runtime/testing/index.ts") },
      { find: /^qmpkit\/qemu$/, replacement: here("./generated/qemu/index.ts") },
      { find: /^qmpkit\/qsd$/, replacement: here("./generated/qsd/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    // In CI also write a machine-readable summary; .ci/run prints its closing line from it.
    reporters: process.env["CI"] ? ["default", ["json", { outputFile: "node_modules/.cache/qmpkit-test-results.json" }]] : ["default"],
    hookTimeout: 20_000,
  },
});
