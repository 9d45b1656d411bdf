import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One real PostgreSQL server for the run (the state backend's tests).
    globalSetup: ["test/support/postgres-global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores on CI machines: keep workers bounded so emulator-backed tests don't starve.
    maxWorkers: 2,
  },
});
