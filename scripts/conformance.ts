/**
 * Runs the official MCP conformance suites (2025-11-25 and 2026-07-28) against the real gateway
 * and judges every server scenario against `conformance/baseline-<era>.txt`. It starts the
 * `npm start` entry in local mode (embedded dev mana-auth/mana-sync, ports 0), puts the loopback
 * auth proxy (`conformance/proxy.ts`) in front of `/mcp` so the credential-less suite gets the
 * dev token and space, runs each suite once, prints a summary and exits 0 only if the results
 * match the baseline exactly. Everything stays on loopback.
 *
 * Run: node_modules/.bin/bun scripts/conformance.ts [--suite 2025-11-25|2026-07-28] [--json <file>] [--keep]
 *   --json <file>  also write the machine-readable result (used by test/conformance/conformance.test.ts)
 *   --keep         keep the suites' raw result folders even when everything matches
 */
import { rmSync, writeFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { startGateway } from "../test/harness/gatewayProcess.ts"
import { startAuthProxy } from "./conformance/proxy.ts"
import { checkSchemaPreservation, type PreservationResult } from "./conformance/schemaPreservation.ts"
import { runSuite, type SuiteRun, suites } from "./conformance/suites.ts"
import { renderReport } from "./conformance/summary.ts"

export interface ConformanceReport {
  readonly ok: boolean
  readonly durationMs: number
  readonly runs: ReadonlyArray<SuiteRun>
  /** Our stand-in for the suite's fixture-bound json-schema-2020-12 scenario, on the real tools. */
  readonly schemaPreservation: ReadonlyArray<PreservationResult>
}

const suiteTimeoutMs = 240_000

const { values } = parseArgs({
  options: {
    suite: { type: "string", multiple: true },
    json: { type: "string" },
    keep: { type: "boolean", default: false }
  }
})

const selected = suites.filter((suite) => values.suite === undefined || values.suite.includes(suite.name))
if (selected.length === 0) {
  console.error(`unknown --suite; choose from ${suites.map((suite) => suite.name).join(", ")}`)
  process.exit(2)
}

const started = performance.now()
// The suite's json-schema-2020-12 scenario needs its fixture tool; normal starts never register it.
const gateway = await startGateway({ MCP_CONFORMANCE_FIXTURES: "true" }, { direct: true })
if (gateway.devToken === undefined || gateway.devSpaceId === undefined) {
  await gateway.stop()
  console.error("the gateway printed no dev token: is it in local mode?")
  process.exit(2)
}
const proxy = await startAuthProxy({
  target: new URL(gateway.baseUrl),
  token: gateway.devToken,
  spaceId: gateway.devSpaceId
})
// Interrupted (Ctrl-C, a test runner's timeout): do not leave the gateway's process group behind.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void proxy.close().then(() => gateway.stop()).finally(() => process.exit(130))
  })
}
const runs: Array<SuiteRun> = []
let schemaPreservation: ReadonlyArray<PreservationResult> = []
try {
  for (const suite of selected) runs.push(await runSuite(suite, `${proxy.url}/mcp`, suiteTimeoutMs))
  schemaPreservation = await checkSchemaPreservation(`${proxy.url}/mcp`)
} finally {
  await proxy.close()
  await gateway.stop()
}
const durationMs = Math.round(performance.now() - started)
const ok = runs.every((run) => run.problems.length === 0) && schemaPreservation.every((result) => result.ok)
console.log(renderReport({ runs, schemaPreservation, durationMs }))
if (!ok) {
  // The gateway's own log helps explain a failure; drop lines carrying the dev token.
  const log = gateway.output().split("\n").filter((line) => !line.includes("eyJ")).slice(-40)
  console.log(["", "gateway output (last 40 lines, token lines removed):", ...log].join("\n"))
}
if (values.json !== undefined) {
  writeFileSync(
    values.json,
    JSON.stringify({ ok, durationMs, runs, schemaPreservation } satisfies ConformanceReport, null, 2)
  )
}
if (ok && !values.keep) { for (const run of runs) rmSync(run.outputDir, { recursive: true, force: true }) }
process.exit(ok ? 0 : 1)
