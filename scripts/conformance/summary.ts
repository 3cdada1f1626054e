/**
 * The human-readable summary of a conformance run: one line per scenario (verdict, required
 * marker, warnings, baseline reason), every problem that fails the run spelled out with what to
 * do, and totals. Printed by `scripts/conformance.ts` and by the vitest wrapper.
 */
import type { ScenarioVerdict, Verdict } from "./judge.ts"
import type { PreservationResult } from "./schemaPreservation.ts"
import type { SuiteRun } from "./suites.ts"

const labels: Record<Verdict, string> = {
  passed: "PASS     ",
  baselined: "BASELINED",
  failed: "FAIL     ",
  stale: "STALE    ",
  missing: "MISSING  "
}

const order: ReadonlyArray<Verdict> = ["failed", "stale", "missing", "passed", "baselined"]

const scenarioLine = (scenario: ScenarioVerdict): string => {
  const marks = [
    scenario.required ? "required" : undefined,
    scenario.warnings > 0 ? `${scenario.warnings} warning${scenario.warnings === 1 ? "" : "s"}` : undefined,
    scenario.verdict === "baselined" && scenario.failedChecks.length > 0 &&
      scenario.baselined.every((entry) => entry.includes(":"))
      ? `${scenario.failedChecks.length} check${scenario.failedChecks.length === 1 ? "" : "s"} baselined`
      : undefined
  ].filter((mark) => mark !== undefined)
  const head = `  ${labels[scenario.verdict]} ${scenario.scenario}${marks.length > 0 ? ` (${marks.join(", ")})` : ""}`
  const reasons = scenario.verdict === "baselined" || scenario.verdict === "stale"
    ? scenario.baselined.map((entry) => `      ↳ ${entry}`)
    : []
  return [head, ...reasons].join("\n")
}

export const renderSuite = (run: SuiteRun): string => {
  const sorted = [...run.scenarios].sort((a, b) =>
    order.indexOf(a.verdict) - order.indexOf(b.verdict) || a.scenario.localeCompare(b.scenario)
  )
  const count = (verdict: Verdict) => run.scenarios.filter((scenario) => scenario.verdict === verdict).length
  const totals = order.map((verdict) => `${count(verdict)} ${verdict}`).join(", ")
  return [
    `MCP conformance ${run.suite} (@modelcontextprotocol/conformance ${run.version}): ${run.scenarios.length} scenarios in ${
      (run.durationMs / 1000).toFixed(1)
    } s`,
    ...sorted.map(scenarioLine),
    `  totals: ${totals}`,
    ...(run.problems.length === 0
      ? ["  OK: matches the baseline"]
      : ["  PROBLEMS (each fails the run):", ...run.problems.map((problem) => `    - ${problem}`)]),
    `  raw results: ${run.outputDir} (removed after a clean run; kept on failure or with --keep)`
  ].join("\n")
}

export const renderPreservation = (results: ReadonlyArray<PreservationResult>): string =>
  [
    "JSON Schema 2020-12 keywords on the gateway's real tools (json-schema-2020-12 itself only sees the suite's fixture):",
    ...results.map((result) =>
      result.ok
        ? `  PASS      ${result.era}: $schema, additionalProperties and $defs/$ref preserved on all ${result.tools} tools`
        : [`  FAIL      ${result.era}:`, ...result.problems.map((problem) => `    - ${problem}`)].join("\n")
    )
  ].join("\n")

export const renderReport = (report: {
  readonly runs: ReadonlyArray<SuiteRun>
  readonly schemaPreservation: ReadonlyArray<PreservationResult>
  readonly durationMs: number
}): string => {
  const problems = report.runs.reduce((sum, run) => sum + run.problems.length, 0) +
    report.schemaPreservation.filter((result) => !result.ok).length
  const seconds = (report.durationMs / 1000).toFixed(1)
  return [
    ...report.runs.map(renderSuite),
    renderPreservation(report.schemaPreservation),
    problems === 0
      ? `MCP conformance: OK (${seconds} s)`
      : `MCP conformance: FAILED with ${problems} problem${problems === 1 ? "" : "s"} (${seconds} s)`
  ].join("\n\n")
}
