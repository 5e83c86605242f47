// Lint: typescript-eslint's recommended rules over hand-written code; generated code is
// checked by the compiler and its own golden tests instead.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "docs/api/", "generated/", "node_modules/", "test/**/golden/", "runtime/envelope-validators.generated.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Type-level tests declare values only to inspect their types.
  { files: ["test/**/*.types.ts"], rules: { "@typescript-eslint/no-unused-vars": "off" } },
);
