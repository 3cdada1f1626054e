/**
 * MCP conformance as part of `npm test`: runs `scripts/conformance.ts` (the real gateway, the
 * loopback auth proxy and both official suites as child processes, all on loopback) and asserts
 * every scenario of both suites against `conformance/baseline-*.txt`, printing the summary. The
 * baseline reader and the judge are unit-tested first, so a broken judge cannot wave failures
 * through.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseBaseline } from "../../scripts/conformance/baseline.ts"
import { judgeSuite } from "../../scripts/conformance/judge.ts"
import type { Check, ScenarioResult } from "../../scripts/conformance/results.ts"
import { track } from "../harness/trackedProcesses.ts"

const repoRoot = join(import.meta.dirname, "..", "..")

const resultsOf = (entries: Record<string, ReadonlyArray<Check> | undefined>): ReadonlyMap<string, ScenarioResult> =>
  new Map(Object.entries(entries).map(([scenario, checks]) => [scenario, { scenario, checks }]))
const ok = (id: string): Check => ({ id, status: "SUCCESS" })
const bad = (id: string): Check => ({ id, status: "FAILURE", errorMessage: `${id} broke` })

describe("conformance baseline and judge", () => {
  it.effect("parses entries and refuses malformed, duplicate and whole-scenario required entries", () =>
    Effect.sync(() => {
      const baseline = parseBaseline(
        [
          "# comment",
          "prompts-list # no prompts",
          "caching:sep-2549-prompts-list-caching-hints # no prompts",
          "tools-list # would hide a required scenario",
          "no-reason",
          "prompts-list # twice",
          "prompts-list:some-check # redundant with the whole entry"
        ].join("\n"),
        ["tools-list", "caching"]
      )
      assert.deepStrictEqual(baseline.entries.map((entry) => [entry.scenario, entry.check]), [
        ["prompts-list", undefined],
        ["caching", "sep-2549-prompts-list-caching-hints"],
        ["prompts-list", "some-check"]
      ])
      assert.strictEqual(baseline.errors.length, 4)
      expect(baseline.errors.join("\n")).toMatch(/tools-list is a required scenario/)
      expect(baseline.errors.join("\n")).toMatch(/duplicate entry prompts-list/)
      expect(baseline.errors.join("\n")).toMatch(/redundant/)
    }))

  it.effect("fails unexcused failures, stale entries, missing results and unknown scenarios; passes the rest", () =>
    Effect.sync(() => {
      const baseline = parseBaseline(
        [
          "prompts-list # no prompts",
          "resources-list # no resources",
          "caching:list-prompts # no prompts",
          "caching:list-resources # no resources",
          "no-such-scenario # typo"
        ].join("\n"),
        ["caching", "ping"]
      )
      const judgement = judgeSuite({
        scenarios: ["prompts-list", "resources-list", "caching", "ping", "tools-list", "gone"],
        results: resultsOf({
          "prompts-list": [bad("prompts-list")],
          "resources-list": [ok("resources-list")],
          caching: [ok("list-tools"), bad("list-prompts"), ok("list-resources"), bad("ttl")],
          ping: [ok("ping"), { id: "w", status: "WARNING" }],
          "tools-list": [bad("tools-list")],
          gone: undefined
        }),
        baseline,
        required: ["caching", "ping"]
      })
      const verdicts = Object.fromEntries(judgement.scenarios.map((scenario) => [scenario.scenario, scenario.verdict]))
      assert.deepStrictEqual(verdicts, {
        "prompts-list": "baselined",
        "resources-list": "stale",
        caching: "failed",
        ping: "passed",
        "tools-list": "failed",
        gone: "missing"
      })
      const problems = judgement.problems.join("\n")
      expect(problems).toMatch(/no-such-scenario names a scenario this suite does not have/)
      expect(problems).toMatch(/resources-list: passes now but is in the baseline — remove/)
      expect(problems).toMatch(/caching:list-resources: no longer fails — remove/)
      expect(problems).toMatch(/caching: check ttl failed \(required scenario\)/)
      expect(problems).not.toMatch(/list-prompts failed/)
      expect(judgement.problems).toHaveLength(6)
    }))
})

const Report = Schema.parseJson(Schema.Struct({
  ok: Schema.Boolean,
  durationMs: Schema.Number,
  runs: Schema.Array(Schema.Struct({
    suite: Schema.String,
    problems: Schema.Array(Schema.String),
    scenarios: Schema.Array(Schema.Struct({
      scenario: Schema.String,
      verdict: Schema.String,
      required: Schema.Boolean,
      baselined: Schema.Array(Schema.String)
    }))
  })),
  schemaPreservation: Schema.Array(
    Schema.Struct({ era: Schema.String, ok: Schema.Boolean, problems: Schema.Array(Schema.String) })
  )
}))

const runScript = (jsonFile: string) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = track(
      spawn(join(repoRoot, "node_modules", ".bin", "bun"), ["scripts/conformance.ts", "--json", jsonFile], {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"]
      })
    )
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    // Before vitest's own timeout: SIGTERM lets the script stop its gateway and suites.
    const guard = setTimeout(() => child.kill("SIGTERM"), 280_000)
    child.once("close", (code) => {
      clearTimeout(guard)
      resolve({ code, output })
    })
  })

describe("MCP conformance suites against the real gateway", () => {
  it("every scenario of both suites matches the expected-failures baseline", { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "mana-mcp-conformance-test-"))
    try {
      const { code, output } = await runScript(join(dir, "report.json"))
      console.log(output)
      const report = Schema.decodeUnknownSync(Report)(readFileSync(join(dir, "report.json"), "utf8"))
      expect(report.runs.map((run) => run.suite)).toEqual(["2025-11-25", "2026-07-28"])
      for (const run of report.runs) {
        expect(run.problems, `${run.suite} problems`).toEqual([])
        expect(run.scenarios.length, `${run.suite} scenario count`).toBeGreaterThan(30)
        for (const scenario of run.scenarios) {
          expect(["passed", "baselined"], `${run.suite} ${scenario.scenario}: ${scenario.verdict}`).toContain(
            scenario.verdict
          )
          if (scenario.required && scenario.verdict !== "passed") {
            // A required scenario may only carry per-check entries for fixture-bound checks.
            expect(
              scenario.baselined.every((entry) => entry.startsWith(`${scenario.scenario}:`)),
              `${run.suite} ${scenario.scenario}`
            ).toBe(true)
          }
        }
      }
      expect(report.schemaPreservation.filter((result) => !result.ok)).toEqual([])
      expect(report.ok).toBe(true)
      expect(code).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
