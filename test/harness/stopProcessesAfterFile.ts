/**
 * A setup file (vitest.config.ts): after each test file, pass or fail, stop every process the
 * file started and did not stop itself. Registered first, so it runs after the file's own
 * `afterAll` hooks (vitest runs them in reverse order).
 */
import { afterAll } from "vitest"
import { stopTrackedProcesses } from "./trackedProcesses.ts"

afterAll(async () => {
  const leftover = await stopTrackedProcesses()
  if (leftover > 0) console.warn(`[harness] stopped ${leftover} process(es) this test file left running`)
})
