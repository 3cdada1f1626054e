/**
 * Reads what one conformance CLI run wrote with `-o <dir>`: a `server-<scenario>-<timestamp>/`
 * folder per scenario holding `checks.json`, decoded with `effect/Schema` (only the fields the
 * judge needs; the suite adds more). A folder without readable checks counts as a scenario that
 * produced no result, which the judge treats as a failure. Judging is `judge.ts`'s job.
 */
import { Either, Schema } from "effect"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

export const Check = Schema.Struct({
  id: Schema.String,
  /** SUCCESS, FAILURE, WARNING, SKIPPED or INFO; only FAILURE fails a scenario (as in the suite). */
  status: Schema.String,
  errorMessage: Schema.optional(Schema.String)
})
export type Check = typeof Check.Type

const Checks = Schema.parseJson(Schema.Array(Check))
const decodeChecks = Schema.decodeUnknownEither(Checks)

export interface ScenarioResult {
  readonly scenario: string
  /** `undefined`: the scenario left no readable `checks.json`. */
  readonly checks: ReadonlyArray<Check> | undefined
}

const folderPattern = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/

/** One result per scenario; if a scenario ran more than once its checks are concatenated. */
export const readResults = (outputDir: string): ReadonlyMap<string, ScenarioResult> => {
  const results = new Map<string, ScenarioResult>()
  if (!existsSync(outputDir)) return results
  for (const folder of readdirSync(outputDir).sort()) {
    const scenario = folderPattern.exec(folder)?.[1]
    if (scenario === undefined) continue
    const file = join(outputDir, folder, "checks.json")
    const decoded = existsSync(file) ? decodeChecks(readFileSync(file, "utf8")) : undefined
    const checks = decoded !== undefined && Either.isRight(decoded) ? decoded.right : undefined
    const previous = results.get(scenario)?.checks
    results.set(scenario, {
      scenario,
      checks: previous === undefined || checks === undefined ? checks ?? previous : [...previous, ...checks]
    })
  }
  return results
}

/** Scenario ids from `conformance list --server` output (`  - <id> [<versions>]`). */
export const parseScenarioList = (output: string): ReadonlyArray<string> =>
  output
    .split("\n")
    .map((line) => /^\s+- (\S+)(?:\s|$)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined)
