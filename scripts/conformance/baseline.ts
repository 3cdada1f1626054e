/**
 * Reads an expected-failures baseline (`conformance/baseline-<era>.txt`): one entry per line,
 * `<scenario-id> # <reason>` to excuse a whole scenario or `<scenario-id>:<check-id> # <reason>`
 * to excuse one check of it (the suite's own per-check convention), `#` lines are comments. Every
 * entry needs a reason. Whole-scenario entries for required scenarios are refused here, so a
 * required scenario can never be switched off wholesale. Judging results is `judge.ts`'s job.
 */

export interface BaselineEntry {
  readonly scenario: string
  /** `undefined`: the whole scenario may fail. */
  readonly check: string | undefined
  readonly reason: string
  readonly line: number
}

export interface Baseline {
  readonly entries: ReadonlyArray<BaselineEntry>
  /** Malformed lines, duplicates and forbidden entries; a baseline with errors fails the run. */
  readonly errors: ReadonlyArray<string>
}

const entryPattern = /^(\S+) # (\S.*)$/

export const entryKey = (entry: Pick<BaselineEntry, "scenario" | "check">): string =>
  entry.check === undefined ? entry.scenario : `${entry.scenario}:${entry.check}`

export const parseBaseline = (text: string, required: ReadonlyArray<string>, file = "baseline"): Baseline => {
  const entries: Array<BaselineEntry> = []
  const errors: Array<string> = []
  const seen = new Set<string>()
  text.split("\n").forEach((raw, index) => {
    const line = index + 1
    const trimmed = raw.trim()
    if (trimmed === "" || trimmed.startsWith("#")) return
    const match = entryPattern.exec(trimmed)
    const id = match?.[1]
    const reason = match?.[2]
    if (id === undefined || reason === undefined) {
      errors.push(`${file}:${line}: expected "<scenario>[:<check>] # <reason>", got ${JSON.stringify(trimmed)}`)
      return
    }
    const colon = id.indexOf(":")
    const scenario = colon === -1 ? id : id.slice(0, colon)
    const check = colon === -1 ? undefined : id.slice(colon + 1)
    if (scenario === "" || check === "") {
      errors.push(`${file}:${line}: empty scenario or check id in ${JSON.stringify(id)}`)
      return
    }
    if (seen.has(id)) {
      errors.push(`${file}:${line}: duplicate entry ${id}`)
      return
    }
    seen.add(id)
    if (check === undefined && required.includes(scenario)) {
      errors.push(
        `${file}:${line}: ${scenario} is a required scenario and must not be baselined as a whole; fix the gateway`
      )
      return
    }
    entries.push({ scenario, check, reason: reason.trim(), line })
  })
  for (const entry of entries) {
    if (entry.check !== undefined && seen.has(entry.scenario)) {
      errors.push(
        `${file}:${entry.line}: ${
          entryKey(entry)
        } is redundant: the whole scenario ${entry.scenario} is already baselined`
      )
    }
  }
  return { entries, errors }
}
