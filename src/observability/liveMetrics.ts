/**
 * Metrics of live data (docs/operations.md): the per-user change-notification connections to
 * mana-sync and how the read cache served each read. Plain calls, not Effects: the read path
 * counts every read, and a bound child counter costs one addition.
 */
import * as Prom from "prom-client"

/** Why a read sent a pull: no usable state, a write fence moved, a change notification, or the window ran out. */
export type PullReason = "cold" | "fence" | "notified" | "window"
/** How a read was served without a pull of its own. */
export type ServedWithoutPull = "live" | "window" | "joined"

export const makeLiveMetrics = (registry: Prom.Registry) => {
  const connectionsOpen = new Prom.Gauge({
    name: "mana_mcp_live_connections_open",
    help: "Change-notification connections to mana-sync this instance holds (one per active user, authenticated)",
    registers: [registry]
  })
  const usersFallback = new Prom.Gauge({
    name: "mana_mcp_live_users_fallback",
    help:
      "Users active on this instance whose notification connection is down: their reads reuse a pull for READ_FRESHNESS only",
    registers: [registry]
  })
  const notifications = new Prom.Counter({
    name: "mana_mcp_live_notifications_total",
    help: "sync-available notifications received from mana-sync on this instance's connections",
    registers: [registry]
  })
  const connectionFailures = new Prom.Counter({
    name: "mana_mcp_live_connection_failures_total",
    help: "Notification connections that failed or dropped (each is retried with backoff)",
    registers: [registry]
  })
  const served = new Prom.Counter({
    name: "mana_mcp_read_cache_served_total",
    help:
      "Reads served without a pull of their own, by how (live: cached while the notification connection is up; window: within READ_FRESHNESS; joined: shared a pull in flight)",
    labelNames: ["how"] as const,
    registers: [registry]
  })
  const pulls = new Prom.Counter({
    name: "mana_mcp_read_cache_pulls_total",
    help: "Reads that sent a pull, by reason (cold, fence, notified, window)",
    labelNames: ["reason"] as const,
    registers: [registry]
  })
  const cacheRecords = new Prom.Gauge({
    name: "mana_mcp_read_cache_records",
    help: "Records the read cache holds over all users (READ_CACHE_MAX_RECORDS bounds it)",
    registers: [registry]
  })
  const evictions = new Prom.Counter({
    name: "mana_mcp_read_cache_evictions_total",
    help: "Users whose cached tables were dropped, least recently read first, by the bound crossed (users, records)",
    labelNames: ["reason"] as const,
    registers: [registry]
  })
  const servedBy = {
    live: served.labels("live"),
    window: served.labels("window"),
    joined: served.labels("joined")
  }
  const pullsBy = {
    cold: pulls.labels("cold"),
    fence: pulls.labels("fence"),
    notified: pulls.labels("notified"),
    window: pulls.labels("window")
  }
  return {
    servedWithoutPull: (how: ServedWithoutPull) => servedBy[how].inc(),
    pulled: (reason: PullReason) => pullsBy[reason].inc(),
    setConnectionsOpen: (count: number) => connectionsOpen.set(count),
    setUsersFallback: (count: number) => usersFallback.set(count),
    notificationReceived: () => notifications.inc(),
    connectionFailed: () => connectionFailures.inc(),
    setCacheRecords: (count: number) => cacheRecords.set(count),
    cacheEvicted: (reason: "users" | "records") => evictions.labels(reason).inc()
  } as const
}

export type LiveMetrics = ReturnType<typeof makeLiveMetrics>
