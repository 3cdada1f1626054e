import { defineConfig } from "vitest/config"

// Unit tests run in-process on Node; end-to-end tests spawn the real `npm start` entry (Bun)
// as a child process, so both run under one `vitest run`.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks"
  }
})
