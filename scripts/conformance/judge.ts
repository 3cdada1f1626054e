/**
 * Judges one suite run against its baseline, per scenario: a failing check that no baseline entry
 * excuses fails the run, and so does a baseline entry that no longer fails (it must be removed),
 * an entry naming a scenario the suite does not have, a scenario that produced no result, and a
 * required scenario that does not pass. Pure data in, data out, so it is unit-tested directly.
 */
import { type Baseline, type BaselineEntry, entryKey } from "./baseline.ts"
import type { Check, ScenarioResult } from "./results.ts"

export type Verdict =
  /** Every check passed (warnings allowed); nothing baselined. */
  | "passed"
  /** Failed, and every failing check is excused by the baseline. */
  | "baselined"
  /** A check failed that the baseline does not excuse. */
  | "failed"
  /** A baseline entry for this scenario no longer fails. */
  | "stale"
  /** The suite lists the scenario but it left no result. */
  | "missing"

export interface FailedCheck {
  readonly id: string
  readonly message: string
}

export interface ScenarioVerdict {
  readonly scenario: string
  readonly verdict: Verdict
  readonly required: boolean
  readonly failedChecks: ReadonlyArray<FailedCheck>
  readonly warnings: number
  /** Baseline entries that apply to this scenario, as `id # reason`. */
  readonly baselined: ReadonlyArray<string>
  /** Human-readable reasons this scenario fails the run (empty for passed/baselined). */
  readonly problems: ReadonlyArray<string>
}

export interface SuiteJudgement {
  readonly scenarios: ReadonlyArray<ScenarioVerdict>
  /** Everything that fails the run, scenario problems included. */
  readonly problems: ReadonlyArray<string>
}

const failuresOf = (checks: ReadonlyArray<Check>): ReadonlyArray<FailedCheck> =>
  checks.filter((check) => check.status === "FAILURE").map((check) => ({
    id: check.id,
    message: check.errorMessage ?? ""
  }))

const judgeScenario = (
  scenario: string,
  result: ScenarioResult | undefined,
  entries: ReadonlyArray<BaselineEntry>,
  required: boolean
): ScenarioVerdict => {
  const baselined = entries.map((entry) => `${entryKey(entry)} # ${entry.reason}`)
  const base = { scenario, required, baselined }
  if (result?.checks === undefined) {
    const problem = `${scenario}: the suite produced no result for this scenario (did it crash or time out?)`
    return { ...base, verdict: "missing", failedChecks: [], warnings: 0, problems: [problem] }
  }
  const failedChecks = failuresOf(result.checks)
  const warnings = result.checks.filter((check) => check.status === "WARNING").length
  const whole = entries.find((entry) => entry.check === undefined)
  const excusedChecks = new Set(entries.flatMap((entry) => (entry.check === undefined ? [] : [entry.check])))
  const failingIds = new Set(failedChecks.map((check) => check.id))
  const problems: Array<string> = []
  if (whole !== undefined && failedChecks.length === 0) {
    problems.push(`${scenario}: passes now but is in the baseline — remove its line from the baseline`)
  }
  for (const check of excusedChecks) {
    if (!failingIds.has(check)) {
      problems.push(`${scenario}:${check}: no longer fails — remove this entry from the baseline`)
    }
  }
  const unexcused = whole === undefined ? failedChecks.filter((check) => !excusedChecks.has(check.id)) : []
  for (const check of unexcused) {
    problems.push(`${scenario}: check ${check.id} failed${required ? " (required scenario)" : ""}: ${check.message}`)
  }
  const verdict: Verdict = unexcused.length > 0
    ? "failed"
    : problems.length > 0
    ? "stale"
    : failedChecks.length > 0
    ? "baselined"
    : "passed"
  return { ...base, verdict, failedChecks, warnings, problems }
}

export const judgeSuite = (input: {
  /** Every server scenario the suite lists. */
  readonly scenarios: ReadonlyArray<string>
  readonly results: ReadonlyMap<string, ScenarioResult>
  readonly baseline: Baseline
  readonly required: ReadonlyArray<string>
}): SuiteJudgement => {
  const known = new Set([...input.scenarios, ...input.results.keys()])
  const problems: Array<string> = [...input.baseline.errors]
  for (const entry of input.baseline.entries) {
    if (!known.has(entry.scenario)) {
      problems.push(`baseline entry ${entryKey(entry)} names a scenario this suite does not have`)
    }
  }
  for (const id of input.required) {
    if (!known.has(id)) problems.push(`required scenario ${id} is not part of this suite`)
  }
  const scenarios = [...known].map((scenario) =>
    judgeScenario(
      scenario,
      input.results.get(scenario),
      input.baseline.entries.filter((entry) => entry.scenario === scenario),
      input.required.includes(scenario)
    )
  )
  return { scenarios, problems: [...problems, ...scenarios.flatMap((scenario) => scenario.problems)] }
}
