/**
 * `npm test`: provision the system programs the tests need, lint, typecheck, run every test, then
 * check that the run left no process behind. Each step says what it does; the first failure ends
 * the run with its exit code. Arguments go to vitest (`npm test -- test/e2e`).
 *
 * Every process of the run inherits a marker variable; once vitest has exited, any process still
 * carrying it is a leak: it is named, killed, and the run fails.
 */
import { spawnSync } from "node:child_process"
import { randomUUID } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..")
const bin = (name: string) => join(root, "node_modules", ".bin", name)
const marker = `MANA_MCP_TEST_RUN=${randomUUID()}`
const env = { ...process.env, MANA_MCP_TEST_RUN: marker.split("=")[1] }

const step = (title: string, command: string, args: ReadonlyArray<string>) => {
  const started = Date.now()
  console.log(`\n[npm test] ${title}`)
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env })
  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  if (result.status !== 0) {
    console.error(`[npm test] ${title}: failed after ${seconds} s`)
    return result.status ?? 1
  }
  console.log(`[npm test] ${title}: done in ${seconds} s`)
  return 0
}

/** Processes (other than this one) whose environment carries this run's marker. */
const leftovers = () =>
  readdirSync("/proc").filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid).flatMap((pid) => {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, "latin1").split("\0")
      if (!environ.includes(marker)) return []
      return [{
        pid: Number(pid),
        command: readFileSync(`/proc/${pid}/cmdline`, "latin1").replaceAll("\0", " ").trim()
      }]
    } catch {
      return [] // gone meanwhile, or not ours to read
    }
  })

const checkNothingLeft = () => {
  const started = Date.now()
  let left = leftovers()
  // Exits after vitest's own shutdown can take a moment.
  while (left.length > 0 && Date.now() - started < 5_000) {
    spawnSync("sleep", ["0.2"])
    left = leftovers()
  }
  if (left.length === 0) {
    console.log("[npm test] no process of this run is left")
    return 0
  }
  console.error(`[npm test] ${left.length} process(es) of this run outlived it; killing them:`)
  for (const { pid, command } of left) {
    console.error(`  ${pid} ${command.slice(0, 160)}`)
    try {
      process.kill(pid, "SIGKILL")
    } catch {
      // gone meanwhile
    }
  }
  return 1
}

const started = Date.now()
const vitestArgs = process.argv.slice(2)
const code = step("provisioning system programs (redis-server, chromium)", bin("bun"), ["scripts/provision.ts"]) ||
  step("lint (eslint, import cycles)", "npm", ["run", "--silent", "lint"]) ||
  step("typecheck", "npm", ["run", "--silent", "typecheck"]) ||
  step("tests", bin("vitest"), ["run", ...vitestArgs])
const leaked = checkNothingLeft()
console.log(
  `[npm test] ${code === 0 && leaked === 0 ? "passed" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(0)} s`
)
process.exit(code || leaked)
