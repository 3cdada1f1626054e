/**
 * `npm run bench [id ...]`: runs every benchmark (or the named ones) one after another, each
 * against its own freshly started gateway, prints Markdown tables and writes the machine-readable
 * results to `bench/results/latest.json`. Results are ratios against ceilings measured in the
 * same run; nothing here asserts an absolute time.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { allCores } from "./allCores.ts"
import { authCache } from "./authCache.ts"
import { encrypted } from "./encrypted.ts"
import { eras } from "./eras.ts"
import { fairness } from "./fairness.ts"
import { floor } from "./floor.ts"
import type { Benchmark, BenchReport } from "./harness.ts"
import { hostileBody } from "./hostileBody.ts"
import { liveData } from "./liveData.ts"
import { metricsScrape } from "./metricsScrape.ts"
import { peer, peerProfile } from "./peer.ts"
import { pipeline } from "./pipeline.ts"
import { readCache } from "./readCache.ts"
import { redisMemory } from "./redisMemory.ts"
import { formatMachine, formatReport, machineInfo } from "./report.ts"
import { resourceNotify } from "./resourceNotify.ts"
import { sessionMemory } from "./sessionMemory.ts"
import { scaleOut, stateStore } from "./stateStore.ts"
import { toolCall } from "./toolCall.ts"

const all: ReadonlyArray<Benchmark> = [
  peer,
  floor,
  peerProfile,
  pipeline,
  sessionMemory,
  toolCall,
  readCache,
  authCache,
  eras,
  metricsScrape,
  encrypted,
  stateStore,
  scaleOut,
  redisMemory,
  liveData,
  resourceNotify,
  allCores,
  fairness,
  hostileBody
]

const main = async () => {
  const requested = process.argv.slice(2)
  const unknown = requested.filter((id) => !all.some((bench) => bench.id === id))
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(", ")}; available: ${all.map((bench) => bench.id).join(", ")}`)
    process.exit(2)
  }
  const selected = requested.length === 0 ? all : all.filter((bench) => requested.includes(bench.id))
  const machine = machineInfo()
  console.log(`## mana-mcp benchmarks\n\n${formatMachine(machine)}\n`)
  const reports: Array<BenchReport> = []
  const started = performance.now()
  for (const bench of selected) {
    console.error(`running ${bench.id} …`)
    const benchStarted = performance.now()
    const outcome = await bench.run()
    const report: BenchReport = {
      id: bench.id,
      title: bench.title,
      seconds: (performance.now() - benchStarted) / 1000,
      ...outcome
    }
    reports.push(report)
    console.log(formatReport(report))
  }
  const totalSeconds = (performance.now() - started) / 1000
  console.log(`Total: ${totalSeconds.toFixed(0)} s`)
  const dir = join(import.meta.dirname, "results")
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, "latest.json"), `${JSON.stringify({ machine, totalSeconds, reports }, null, 2)}\n`)
  // Gateways are stopped by now; exit explicitly in case a client keeps a socket open.
  process.exit(0)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
