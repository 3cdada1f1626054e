/**
 * Sample traffic for the dashboard rendering: six simulated hours of a busy gateway, fed through
 * the real `Metrics` service and scraped as Prometheus text every 30 simulated seconds, so the
 * rendering uses the exact metric names and labels the gateway exports. The traffic is made
 * up (seeded, so the picture is reproducible): a daily-shaped call rate, a mana-sync incident
 * around 3h20m, and a runaway agent tripping the rate limit around 4h10m, with the gate in
 * log-only mode. Not used by the gateway.
 */
import { Effect } from "effect"
import { Metrics } from "../../src/observability/Metrics.ts"
import { parseScrape, type Scrape } from "./promql.ts"

export const stepSeconds = 30
export const steps = 720

/** mulberry32: a small seeded PRNG, so every run draws the same picture. */
const makeRandom = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// The gateway's real tools (no destructive tool ships, so the sample has no destructive denies).
const tools = [
  { name: "notes.search", weight: 5, median: 0.09 },
  { name: "habits.list", weight: 4, median: 0.05 },
  { name: "todo.list", weight: 3, median: 0.06 },
  { name: "habits.create", weight: 1.5, median: 0.12 },
  { name: "todo.complete", weight: 0.8, median: 0.08 }
] as const

export const sampleScrapes = Effect.gen(function*() {
  const metrics = yield* Metrics
  const random = makeRandom(20261124)
  const logNormal = (median: number, spread: number) =>
    median * Math.exp(spread * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()))
  const pickTool = () => {
    let roll = random() * tools.reduce((sum, tool) => sum + tool.weight, 0)
    for (const tool of tools) if ((roll -= tool.weight) <= 0) return tool
    return tools[0]
  }
  const scrapes: Array<Scrape> = []
  let sessions = 24
  for (let step = 0; step < steps; step++) {
    const incident = step >= 400 && step < 425
    const runaway = step >= 500 && step < 512
    const load = 1 + 0.6 * Math.sin((step / steps) * Math.PI * 1.6)
    const calls = Math.round((40 + random() * 10) * load)
    for (let call = 0; call < calls + (runaway ? 45 : 0); call++) {
      const tool = call >= calls ? tools[1] : pickTool()
      yield* metrics.request(random() < 0.35 ? "legacy" : "modern", "tools/call")
      if (random() < 0.02) {
        yield* metrics.toolInvocation(tool.name, "input-invalid", logNormal(0.004, 0.3))
        continue
      }
      const decision = call >= calls + 15
        ? (["deny", "rate-limit-exceeded"] as const)
        : random() < 0.006
        ? (["flagged", "injection-marker"] as const)
        : (["allow", "clean"] as const)
      yield* metrics.policyDecision(decision[0], decision[1], "log-only")
      yield* metrics.masterKeyCache(random() < 0.96 ? "hit" : "miss")
      const failed = incident ? random() < 0.35 : random() < 0.005
      const syncSeconds = incident ? logNormal(1.8, 0.6) : logNormal(0.03, 0.5)
      yield* metrics.upstreamRequest(
        "mana-sync",
        failed ? (random() < 0.5 ? "server-error" : "timeout") : "success",
        syncSeconds
      )
      yield* metrics.toolInvocation(
        tool.name,
        failed ? "handler-error" : "success",
        syncSeconds + logNormal(tool.median, 0.45)
      )
    }
    for (let auth = 0; auth < 3; auth++) {
      yield* metrics.upstreamRequest("mana-auth", random() < 0.01 ? "client-error" : "success", logNormal(0.015, 0.4))
      yield* metrics.request(random() < 0.35 ? "legacy" : "modern", random() < 0.5 ? "initialize" : "tools/list")
    }
    sessions = Math.max(5, Math.round(sessions + (random() - 0.48) * 4 * load))
    yield* metrics.setSessionsActive(sessions)
    yield* metrics.setSessionsHibernated(Math.round(sessions * 0.6))
    const text = yield* metrics.render
    scrapes.push(
      parseScrape(text).map((sample) => ({ ...sample, labels: { ...sample.labels, instance: "host:3069" } }))
    )
  }
  return scrapes
})
