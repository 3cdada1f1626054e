/**
 * Benchmark 5, `/metrics` scrape cost: `GET /metrics` vs. `GET /health` on a gateway that has
 * served traffic in both eras (so every labelled series exists). To test the suspicion that
 * prom-client's default metrics are slow on Bun, it also renders, in this Bun process, a registry
 * with only the default metrics and one with only a counter.
 */
import * as Prom from "prom-client"
import { registerUser } from "../test/support/devUsers.ts"
import { connectLegacy, connectModern, headersFor } from "../test/support/mcpClients.ts"
import { type Benchmark, callTool, ratio, rawModern, withGateway } from "./harness.ts"
import { measureInterleaved } from "./stats.ts"

const rounds = { warmup: 20, reps: 200 }

const getText = async (url: string) => {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url} -> ${response.status}`)
  return response.text()
}

export const metricsScrape: Benchmark = {
  id: "metrics-scrape",
  title: "/metrics scrape cost vs. /health",
  run: () =>
    withGateway(async (gateway) => {
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
        const metricsUrl = `${gateway.baseUrl}/metrics`
        const healthUrl = `${gateway.baseUrl}/health`
        const body = await getText(metricsUrl)
        const r = await measureInterleaved({ health: () => getText(healthUrl), metrics: () => getText(metricsUrl) }, rounds)

        const defaults = new Prom.Registry()
        Prom.collectDefaultMetrics({ register: defaults, prefix: "bench_" })
        const bare = new Prom.Registry()
        new Prom.Counter({ name: "bench_calls_total", help: "calls", labelNames: ["tool"] as const, registers: [bare] }).inc({ tool: "x" })
        const local = await measureInterleaved({ defaults: () => defaults.metrics(), bare: () => bare.metrics() }, rounds)
        return {
          params: { ...rounds, metricsBytes: body.length, metricsLines: body.split("\n").length },
          latencies: [
            { label: "ceiling: GET /health", summary: r.health },
            { label: "GET /metrics", summary: r.metrics },
            { label: "in-process (Bun): registry.metrics(), default metrics only", summary: local.defaults },
            { label: "in-process (Bun): registry.metrics(), one counter only", summary: local.bare }
          ],
          throughputs: [],
          ratios: [
            { label: "/metrics ÷ /health", value: ratio(r.metrics, r.health), meaning: "a scrape in /health round trips" },
            {
              label: "default metrics ÷ one counter (in-process)",
              value: ratio(local.defaults, local.bare),
              meaning: "what prom-client's default collectors cost to render on Bun"
            }
          ],
          notes: [
            `scrape cost above /health: ${(r.metrics.medianMs - r.health.medianMs).toFixed(2)} ms median; default collectors render in ${
              local.defaults.medianMs.toFixed(3)
            } ms median in-process`
          ]
        }
      } finally {
        await legacy.close()
        await modern.close()
      }
    })
}
