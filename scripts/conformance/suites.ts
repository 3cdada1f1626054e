/**
 * The two conformance suites we run and how: `conformance-2025` (@modelcontextprotocol/conformance
 * 0.1.16, 2025-11-25 scenarios) and `conformance-2026` (0.2.0-alpha.12, adds 2026-07-28), each
 * with its required scenarios and baseline file. Each suite runs once with `--suite all` (pending,
 * draft and extension scenarios included) and without `--spec-version`, so every scenario runs at
 * the newest protocol revision it applies to — the 2026-only and 2026-capable ones at the
 * 2026-07-28 wire. The CLI imports `fs.globSync` (Node 22), so it runs under the project's Bun.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseBaseline } from "./baseline.ts"
import { judgeSuite, type SuiteJudgement } from "./judge.ts"
import { bunBin, type CommandResult, repoRoot, runCommand } from "./processes.ts"
import { parseScenarioList, readResults } from "./results.ts"

export interface SuiteDefinition {
  readonly name: string
  readonly packageDir: string
  readonly baselineFile: string
  readonly required: ReadonlyArray<string>
}

/** Prompts and completions (the suites' fixture prompts with MCP_CONFORMANCE_FIXTURES, src/prompts/). */
const promptScenarios = [
  "prompts-list",
  "prompts-get-simple",
  "prompts-get-with-args",
  "prompts-get-embedded-resource",
  "prompts-get-with-image",
  "completion-complete"
] as const

export const suites: ReadonlyArray<SuiteDefinition> = [
  {
    name: "2025-11-25",
    packageDir: "node_modules/conformance-2025",
    baselineFile: "conformance/baseline-2025.txt",
    required: [
      "server-initialize",
      "ping",
      "tools-list",
      "json-schema-2020-12",
      "dns-rebinding-protection",
      "server-sse-multiple-streams",
      ...promptScenarios
    ]
  },
  {
    name: "2026-07-28",
    packageDir: "node_modules/conformance-2026",
    baselineFile: "conformance/baseline-2026.txt",
    required: [
      "server-stateless",
      "tools-list",
      "json-schema-2020-12",
      "dns-rebinding-protection",
      "http-header-validation",
      "caching",
      "server-sse-multiple-streams",
      ...promptScenarios
    ]
  }
]

export interface SuiteRun extends SuiteJudgement {
  readonly suite: string
  readonly version: string
  readonly durationMs: number
  readonly outputDir: string
  /** The CLI's own exit code (it knows no baseline here, so 1 is expected); for diagnosis only. */
  readonly cliExitCode: number | null
}

const cliOf = (suite: SuiteDefinition) => join(repoRoot, suite.packageDir, "dist", "index.js")

const versionOf = (suite: SuiteDefinition): string => {
  const text = readFileSync(join(repoRoot, suite.packageDir, "package.json"), "utf8")
  return /"version":\s*"([^"]+)"/.exec(text)?.[1] ?? "unknown"
}

const commandFailure = (what: string, result: CommandResult): string =>
  `${what} ${result.timedOut ? "timed out" : `exited with ${result.exitCode}`}: ${
    result.stderr.slice(-2000) || result.stdout.slice(-2000)
  }`

export const runSuite = async (suite: SuiteDefinition, mcpUrl: string, timeoutMs: number): Promise<SuiteRun> => {
  const started = performance.now()
  const outputDir = mkdtempSync(join(tmpdir(), `mana-mcp-conformance-${suite.name}-`))
  const listed = await runCommand(bunBin, [cliOf(suite), "list", "--server"], 60_000)
  const scenarios = parseScenarioList(listed.stdout)
  const run = await runCommand(
    bunBin,
    [cliOf(suite), "server", "--url", mcpUrl, "--suite", "all", "-o", outputDir],
    timeoutMs
  )
  const baselinePath = join(repoRoot, suite.baselineFile)
  const baseline = existsSync(baselinePath)
    ? parseBaseline(readFileSync(baselinePath, "utf8"), suite.required, suite.baselineFile)
    : { entries: [], errors: [`${suite.baselineFile} is missing`] }
  const judgement = judgeSuite({ scenarios, results: readResults(outputDir), baseline, required: suite.required })
  const runProblems = [
    ...(scenarios.length === 0 ? [commandFailure("`conformance list --server`", listed)] : []),
    ...(run.timedOut || (run.exitCode !== 0 && run.exitCode !== 1) ? [commandFailure("`conformance server`", run)] : [])
  ]
  return {
    suite: suite.name,
    version: versionOf(suite),
    durationMs: Math.round(performance.now() - started),
    outputDir,
    cliExitCode: run.exitCode,
    scenarios: judgement.scenarios,
    problems: [...runProblems, ...judgement.problems]
  }
}
