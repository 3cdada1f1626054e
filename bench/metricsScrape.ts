/**
 * Benchmark 5, `/metrics` scrape cost: `GET /metrics` vs. `GET /health`, first on a fresh gateway,
 * then after its heap has grown (40,000 habits of 8 users held in the read cache), plus a
 * `/health` sent while a scrape is rendering (the render is synchronous, so it stalls the event
 * loop). On Bun, prom-client's `nodejs_heap_space_size_*` gauges call `v8.getHeapSpaceStatistics()`,
 * which walks the whole heap; `Metrics.ts` drops them on Bun. This process renders the default
 * collectors with and without them, so the run shows both what the fix saves and that it holds.
 */
import * as Prom from "prom-client"
import { registerUser } from "../test/support/devUsers.ts"
import { connectLegacy, connectModern, headersFor } from "../test/support/mcpClients.ts"
import { type Benchmark, callExpecting, callTool, ratio, rawModern, waitPastOverlap, withGateway } from "./harness.ts"
import { measureInterleaved } from "./stats.ts"
import { habitInserts, pushAll } from "./upstream.ts"

const rounds = { warmup: 20, reps: 150 }
const GROW_USERS = 8
const GROW_HABITS = 5_000
const heapSpaceGauges = ["used", "total", "available"].map((kind) => `bench_nodejs_heap_space_size_${kind}_bytes`)

const getText = async (url: string) => {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url} -> ${response.status}`)
  return response.text()
}

/** A sample value from a Prometheus text body (first series of `name`). */
const sample = (body: string, name: string) => {
  const line = body.split("\n").find((candidate) =>
    candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`)
  )
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(" ") + 1))
}
const heapMiB = (body: string) => (sample(body, "mana_mcp_nodejs_heap_size_used_bytes") / 2 ** 20).toFixed(0)

export const metricsScrape: Benchmark = {
  id: "metrics-scrape",
  title: "/metrics scrape cost vs. /health, small and grown heap",
  run: () =>
    withGateway(async (gateway) => {
      const metricsUrl = `${gateway.baseUrl}/metrics`
      const healthUrl = `${gateway.baseUrl}/health`
      const user = await registerUser(gateway.authUrl)
      const credentials = { token: user.accessToken, spaceId: user.personalSpaceId }
      const legacy = (await connectLegacy(gateway.mcpUrl, credentials)).client
      const modern = (await connectModern(gateway.mcpUrl, credentials)).client
      try {
        // Traffic that creates the labelled series a production scrape would see.
        for (const client of [legacy, modern]) {
          await callTool(client, "habits.create", { title: "Scrape me" })
          await callTool(client, "habits.list")
          await callTool(client, "spaces.list")
          await client.callTool({ name: "habits.update", arguments: { id: "not-a-uuid" } })
        }
        await rawModern(gateway.mcpUrl, headersFor(credentials), "tools/list")
        const scrapeWithHealth = async () => {
          const scrape = getText(metricsUrl)
          await getText(healthUrl)
          await scrape
        }
        const cases = {
          health: () => getText(healthUrl),
          metrics: () => getText(metricsUrl),
          stalled: scrapeWithHealth
        }
        const smallBody = await getText(metricsUrl)
        const small = await measureInterleaved(cases, rounds)

        // Grow the heap the way production does: many records held in the read cache.
        let seededAt = performance.now()
        const grown: Array<() => Promise<void>> = []
        for (let i = 0; i < GROW_USERS; i++) {
          const owner = await registerUser(gateway.authUrl)
          await pushAll(
            gateway.syncUrl,
            owner.accessToken,
            "habits",
            habitInserts({ userId: owner.userId, spaceId: owner.personalSpaceId }, GROW_HABITS)
          )
          seededAt = performance.now()
          const client =
            (await connectModern(gateway.mcpUrl, { token: owner.accessToken, spaceId: owner.personalSpaceId })).client
          grown.push(async () => {
            await callExpecting(client, "habits.list", {}, "habits", GROW_HABITS)
            await client.close()
          })
        }
        await waitPastOverlap(seededAt)
        for (const list of grown) await list()
        const largeBody = await getText(metricsUrl)
        const large = await measureInterleaved(cases, rounds)

        // The same collectors in this process, with and without the three heap-space gauges.
        const defaults = new Prom.Registry()
        Prom.collectDefaultMetrics({ register: defaults, prefix: "bench_" })
        const withoutHeapSpaces = new Prom.Registry()
        Prom.collectDefaultMetrics({ register: withoutHeapSpaces, prefix: "bench_" })
        for (const name of heapSpaceGauges) withoutHeapSpaces.removeSingleMetric(name)
        const local = await measureInterleaved({
          defaults: () => defaults.metrics(),
          fixed: () => withoutHeapSpaces.metrics()
        }, { warmup: 3, reps: 30 })
        const benchHeap = (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)
        return {
          params: { ...rounds, metricsBytes: smallBody.length, growUsers: GROW_USERS, growHabitsPerUser: GROW_HABITS },
          latencies: [
            { label: `ceiling: GET /health, fresh gateway (heap ${heapMiB(smallBody)} MiB)`, summary: small.health },
            { label: "GET /metrics, fresh gateway", summary: small.metrics },
            { label: "GET /health + concurrent /metrics, fresh gateway", summary: small.stalled },
            { label: `ceiling: GET /health, grown gateway (heap ${heapMiB(largeBody)} MiB)`, summary: large.health },
            { label: "GET /metrics, grown gateway", summary: large.metrics },
            { label: "GET /health + concurrent /metrics, grown gateway", summary: large.stalled },
            { label: `in-process (Bun, heap ${benchHeap} MiB): default collectors`, summary: local.defaults },
            { label: "in-process: default collectors minus nodejs_heap_space_size_*", summary: local.fixed }
          ],
          throughputs: [],
          ratios: [
            {
              label: "/metrics ÷ /health, fresh",
              value: ratio(small.metrics, small.health),
              meaning: "a scrape in /health round trips"
            },
            {
              label: "/metrics ÷ /health, grown heap",
              value: ratio(large.metrics, large.health),
              meaning: "stays near the fresh value while the heap-space gauges are dropped"
            },
            {
              label: "/metrics grown ÷ /metrics fresh",
              value: ratio(large.metrics, small.metrics),
              meaning: "≈ 1: the scrape does not depend on heap size (> 2 means a heap walk is back)"
            },
            {
              label: "defaults ÷ defaults minus heap spaces (in-process)",
              value: ratio(local.defaults, local.fixed),
              meaning: "what the heap-space gauges would cost on Bun"
            }
          ],
          notes: [
            "on Bun, v8.getHeapSpaceStatistics() (prom-client's nodejs_heap_space_size_* gauges) takes time proportional to the live heap and is synchronous: with them, every scrape would block the event loop that long; src/observability/Metrics.ts removes them on Bun",
            `the gateway's nodejs_eventloop_lag_seconds has ${
              /^mana_mcp_nodejs_eventloop_lag_seconds\{/m.test(largeBody) ? "a" : "no"
            } sample on Bun (prom-client's monitorEventLoopDelay-based collector)`
          ]
        }
      } finally {
        await legacy.close()
        await modern.close()
      }
    })
}
