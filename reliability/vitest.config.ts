import { defineConfig } from "vitest/config";

/**
 * The reliability suite: real server processes, fake providers over real HTTP,
 * kill -9, load and injected faults. Kept out of `npm test`; run it with
 * `npm run test:reliability` (RELIABILITY_PROFILE=short for the CI form).
 */
export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["reliability/**/*.test.ts"],
    pool: "forks",
    // One scenario at a time: each drives a real server hard, and the load figures
    // (latency, RSS) mean nothing when another scenario shares the two cores.
    fileParallelism: false,
    testTimeout: 20 * 60_000,
    hookTimeout: 120_000,
  },
});
