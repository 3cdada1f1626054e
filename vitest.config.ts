import { defineConfig } from "vitest/config"

// Unit and in-process tests run on Node; end-to-end tests spawn the real `npm start` entry (Bun)
// as a child process, so both run under one `vitest run`.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two test files at a time, also on 2 cores (vitest's default there is one): most files wait on
    // the gateways, Redis servers and browser they spawned, and files share no state (each starts
    // its own processes on free ports). 297 s → 161 s for the whole suite on this 2-core machine.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // Fails the run before any test when redis-server or chromium is missing (npm test installs them).
    globalSetup: ["test/harness/globalSetup.ts"],
    // After each file, pass or fail, stops any process it started and did not stop.
    setupFiles: ["test/harness/stopProcessesAfterFile.ts"],
    // A worker keeps its module graph from file to file instead of loading Effect, the MCP SDK and
    // jose again for each: that loading was most of the suite's CPU time. Tests keep their state in
    // layers built per test (and e2e tests in their own processes), so nothing leaks between files.
    isolate: false
  }
})
