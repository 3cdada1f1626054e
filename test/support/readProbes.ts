/**
 * What end-to-end tests of the read path look at: the habit ids a `habits.list` answers, a
 * gateway's `/metrics` text, and how many requests it has sent to mana-sync so far.
 */
import type { Client } from "@modelcontextprotocol/client"
import type { Gateway } from "./gateway.ts"
import { structured } from "./mcpClients.ts"
import { metricValue } from "./prometheus.ts"

export const habitIds = async (client: Client): Promise<ReadonlyArray<string>> =>
  (await structured(client, "habits.list")).habits.map((habit: { id: string }) => habit.id)

export const metricsText = async (gateway: Gateway) => (await fetch(`${gateway.baseUrl}/metrics`)).text()

/** Successful mana-sync requests (pulls and pushes) the gateway has made. */
export const syncRequests = async (gateway: Gateway) =>
  metricValue(await metricsText(gateway), "mana_mcp_upstream_request_duration_seconds_count", {
    upstream: "mana-sync",
    outcome: "success"
  })
