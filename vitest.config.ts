import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Each file opens its own database; PGlite cold starts and real PostgreSQL concurrency
    // tests need more than the 5 s default.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // CI runs the whole suite on one 2-core machine, twice: tests that start real processes,
    // replicas or race clicks against a 3 s platform deadline can lose a race to the machine
    // itself. One retry there; a test that fails twice is a failure. Locally: no retry.
    retry: process.env.CI ? 1 : 0,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
  },
});
