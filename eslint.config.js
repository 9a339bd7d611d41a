import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // test/consumer/ is type-checked against the packed package by scripts/check-consumer.sh.
  // *.cjs fixtures are preloaded with --require (plain CommonJS, outside the TypeScript project).
  {
    ignores: [
      "dist/",
      "build/",
      "node_modules/",
      "eslint.config.js",
      "test/consumer/",
      "test/**/fixtures/*.cjs",
      "scripts/*.mjs", // plain build helpers run by node, outside the TypeScript project
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", name: ["describe", "it", "test", "suite"], package: "node:test" },
          ],
        },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "no-console": "error",
    },
  },
  {
    files: ["test/**", "bench/**", "samples/**"],
    rules: { "no-console": "off" },
  },
);
