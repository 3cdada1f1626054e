/**
 * Metrics of MCP resource subscriptions (docs/operations.md): how many resources are watched on
 * this instance, the notifications sent, and subscriptions refused at the per-user bound. Plain
 * calls, not Effects, like the live-data metrics; labels never carry a user or a URI.
 */
import * as Prom from "prom-client"

export const makeResourceMetrics = (registry: Prom.Registry) => {
  const watches = new Prom.Gauge({
    name: "mana_mcp_resource_watches",
    help: "Resources watched for change notifications on this instance (subscribed URIs plus list watches)",
    registers: [registry]
  })
  const notifications = new Prom.Counter({
    name: "mana_mcp_resource_notifications_total",
    help: "Resource notifications sent to subscribers, by kind (updated, list_changed)",
    labelNames: ["kind"] as const,
    registers: [registry]
  })
  const refused = new Prom.Counter({
    name: "mana_mcp_resource_subscriptions_refused_total",
    help: "Resource subscriptions refused because the user reached the per-user bound",
    registers: [registry]
  })
  const updated = notifications.labels("updated")
  const listChanged = notifications.labels("list_changed")
  return {
    setWatches: (count: number) => watches.set(count),
    updated: () => updated.inc(),
    listChanged: () => listChanged.inc(),
    refused: () => refused.inc()
  } as const
}

export type ResourceMetrics = ReturnType<typeof makeResourceMetrics>
