/**
 * Live data end to end, through the real `npm start` entry (Bun's WebSocket, the dev mana-sync's
 * `/ws`): the gateway holds the user's notification connection once they call, so a change the
 * web app pushes is listed by the next read even with a read window far too long to find it; a
 * read-only load sends no pulls for unchanged tables; an own write costs one push and one delta
 * pull, its echo none; `/health` and `/metrics` count the connection; another member's change in
 * a shared space (which mana-sync does not notify) shows within READ_FRESHNESS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loginUser } from "../support/devUsers.ts"
import type { Gateway } from "../support/gateway.ts"
import { connectLegacy, structured } from "../support/mcpClients.ts"
import { metricValue } from "../support/prometheus.ts"
import { pastReadFreshness, rawPush, webAppHabit } from "../support/rawSync.ts"
import { habitIds, metricsText as metrics, syncRequests } from "../support/readProbes.ts"
import { startUserGateway, type UserGateway } from "../support/userGateway.ts"

interface LiveHealth {
  readonly connections: number
  readonly activeUsers: number
  readonly fallbackUsers: number
}
const liveHealth = async (gateway: Gateway): Promise<LiveHealth> =>
  ((await (await fetch(`${gateway.baseUrl}/health`)).json()) as { live: LiveHealth }).live

/** Polls until `check` holds (each poll is a real request; the test's timeout bounds it). */
const eventually = async <A>(probe: () => Promise<A>, check: (value: A) => boolean): Promise<A> => {
  for (;;) {
    const value = await probe()
    if (check(value)) return value
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const notifications = async (gateway: Gateway) =>
  metricValue(await metrics(gateway), "mana_mcp_live_notifications_total")

describe("live data: notifications keep the read cache fresh", () => {
  let started: UserGateway
  beforeAll(async () => {
    started = await startUserGateway()
    await habitIds(started.client)
    await eventually(() => liveHealth(started.gateway), (live) => live.connections === 1 && live.fallbackUsers === 0)
  })
  afterAll(() => started?.stop())

  it("/health and /metrics count the user's connection", async () => {
    expect(await liveHealth(started.gateway)).toEqual({ connections: 1, activeUsers: 1, fallbackUsers: 0 })
    expect(metricValue(
      await eventually(
        () => metrics(started.gateway),
        (text) => metricValue(text, "mana_mcp_live_connections_open") === 1
      ),
      "mana_mcp_live_users_fallback"
    )).toBe(0)
  })

  it("read-only load sends no pulls for unchanged tables, past READ_FRESHNESS", async () => {
    // The first pull may predate the connection's auth-ok; one read past the window re-bases it.
    await pastReadFreshness()
    await habitIds(started.client)
    const before = await syncRequests(started.gateway)
    for (let i = 0; i < 5; i++) await habitIds(started.client)
    await pastReadFreshness()
    await habitIds(started.client)
    expect(await syncRequests(started.gateway) - before).toBe(0)
  })

  it("a habit the web app pushes is listed once its notification arrived, with one pull", async () => {
    await habitIds(started.client)
    const noticed = await notifications(started.gateway)
    const { change, id } = webAppHabit(started.user, "From the web app")
    await rawPush(started.gateway.syncUrl, started.user.accessToken, "habits", [change])
    await eventually(() => notifications(started.gateway), (count) => count > noticed)
    const before = await syncRequests(started.gateway)
    expect(await habitIds(started.client)).toContain(id)
    expect(await habitIds(started.client)).toContain(id)
    expect(await syncRequests(started.gateway) - before).toBe(1)
  })

  it("an own write costs one push and the next read one delta pull; its echo costs nothing", async () => {
    await habitIds(started.client)
    const noticed = await notifications(started.gateway)
    const before = await syncRequests(started.gateway)
    const { habit } = await structured(started.client, "habits.create", {
      title: "Stretch",
      icon: "star",
      color: "#112233"
    })
    expect(await habitIds(started.client)).toContain(habit.id)
    await eventually(() => notifications(started.gateway), (count) => count > noticed)
    await habitIds(started.client)
    // habits.create reads the table first (to place the habit); that read was already fresh.
    expect(await syncRequests(started.gateway) - before).toBe(2)
  })

  it("another member's change in a shared space, not notified by mana-sync, shows within READ_FRESHNESS", async () => {
    const dev = await loginUser(started.gateway.authUrl, "dev@mana.test", "devpassword")
    const zk = await loginUser(started.gateway.authUrl, "zk@mana.test", "devpassword")
    const spaces = (await (await fetch(`${started.gateway.authUrl}/api/auth/organization/list`, {
      headers: { authorization: `Bearer ${dev.accessToken}` }
    })).json()) as Array<{ id: string; name: string }>
    const team = spaces.find((space) => space.name === "Dev Team")?.id ?? ""
    const member = (await connectLegacy(started.gateway.mcpUrl, { token: dev.accessToken, spaceId: team })).client
    try {
      await habitIds(member)
      await eventually(() => liveHealth(started.gateway), (live) => live.activeUsers === 2 && live.fallbackUsers === 0)
      // Re-based on the connection: a personal-space read would now be reused until a notice.
      await pastReadFreshness()
      await habitIds(member)
      const { change, id } = webAppHabit({ ...zk, personalSpaceId: team }, "From another member")
      await rawPush(started.gateway.syncUrl, zk.accessToken, "habits", [change])
      await pastReadFreshness()
      expect(await habitIds(member)).toContain(id)
    } finally {
      await member.close()
    }
  })
})
