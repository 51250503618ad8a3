import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "test-results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-empty": ["error", { allowEmptyCatch: false }],
      eqeqeq: ["error", "always"],
    },
  },
  {
    files: ["web/src/**/*.{ts,tsx}"],
    ...reactHooks.configs.flat["recommended-latest"],
  },
  {
    files: ["web/src/decode/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "fs", "path", "net", "react", "react-dom"],
              message: "web/src/decode is pure: no Node, no DOM, no React.",
            },
            {
              group: ["../session/*", "../ui/*", "../../../bridge/*"],
              message: "web/src/decode depends on nothing else in framescope.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["web/src/ui/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "**/decode/stream-decoder.js",
                "**/decode/framers.js",
                "**/decode/payload.js",
                "**/decode/raw-walk.js",
                "**/decode/schema-walk.js",
                "**/decode/decompress.js",
                "**/session/bridge-client.js",
                "**/session/decode-engine.js",
              ],
              message:
                "web/src/ui renders and selects: decoding runs in the worker, the network in the bridge client.",
            },
          ],
        },
      ],
    },
  },
);
