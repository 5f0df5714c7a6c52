import os from "node:os";
import { defineConfig } from "vitest/config";

const SERVER_TESTS = "apps/server/test/**/*.test.ts";
/** Runs only against PostgreSQL + pg-boss + S3 (several real processes on one database). */
const SCALE_OUT_ONLY = "apps/server/test/**/*.scale-out.test.ts";
/** Checks every /api response of the suite against the served OpenAPI document. */
const ORACLE = "apps/server/test/oracle.setup.ts";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest's default is one file at a time on two cores (cores − 1). Most of a server test's time is
    // spent waiting on child processes, ffmpeg and the database, so two files share the cores: 340 s
    // instead of 540 s for the suite on this machine, and every test must hold up on a loaded machine anyway.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    // The HTTP integration suite runs twice: embedded (SQLite, local files) and
    // scale-out (PostgreSQL, pg-boss, an s3rver bucket); see apps/server/test/harness.ts.
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"],
          exclude: [SERVER_TESTS],
        },
      },
      {
        extends: true,
        test: {
          name: "server-embedded",
          include: [SERVER_TESTS],
          exclude: [SCALE_OUT_ONLY],
          env: { SCRYON_TEST_MODE: "embedded" },
          setupFiles: [ORACLE],
        },
      },
      {
        extends: true,
        test: {
          name: "server-scale-out",
          include: [SERVER_TESTS],
          env: { SCRYON_TEST_MODE: "scale-out" },
          setupFiles: [ORACLE],
          globalSetup: ["apps/server/test/scale-out.global-setup.ts"],
        },
      },
    ],
  },
});
