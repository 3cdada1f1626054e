import { defineConfig } from "vitest/config"

// Unit and in-process tests run on Node; end-to-end tests spawn the real `npm start` entry (Bun)
// as a child process, so both run under one `vitest run`.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // A worker keeps its module graph from file to file instead of loading Effect, the MCP SDK and
    // jose again for each: that loading was most of the suite's CPU time. Tests keep their state in
    // layers built per test (and e2e tests in their own processes), so nothing leaks between files.
    isolate: false
  }
})
