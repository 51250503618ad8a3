import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/e2e/**"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Browser tests in real Chromium against the built bridge: after the
        // unit tests, one file at a time, with the prerequisites checked first.
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 90_000,
          globalSetup: ["test/e2e/global-setup.ts"],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
