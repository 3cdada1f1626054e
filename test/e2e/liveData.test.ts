/**
 * Live data end to end, through the real `npm start` entry (Bun's WebSocket, the dev mana-sync's
 * `/ws`): the gateway holds the user's notification connection once they call, so a change the
 * web app pushes is listed by the next read even with a read window far too long to find it; a
 * read-only load sends no pulls for unchanged tables; an own write costs one push and one delta
 * pull, its echo none; `/health` and `/metrics` count the connection; another member's change in
 * a shared space (which mana-sync does not notify) shows within READ_FRESHNESS.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevUser, loginUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, structured } from "../support/mcpClients.ts"
import { metricValue } from "../support/prometheus.ts"
import { pastReadFreshness, rawPush } from "../support/rawSync.ts"

const webAppHabit = (user: DevUser, title: string) => {
  const id = crypto.randomUUID()
  const data = { id, title, icon: "star", color: "#445566", order: 7, isArchived: false }
  return {
    id,
    change: {
      table: "habits",
      id,
      op: "insert",
      spaceId: user.personalSpaceId,
      data: { ...data, spaceId: user.personalSpaceId, authorId: user.userId, visibility: "space" }
    }
  }
}

const habitIds = async (client: Client): Promise<ReadonlyArray<string>> =>
  (await structured(client, "habits.list")).habits.map((habit: { id: string }) => habit.id)

const metrics = async (gateway: Gateway) => (await fetch(`${gateway.baseUrl}/metrics`)).text()
const syncRequests = async (gateway: Gateway) =>
  metricValue(await metrics(gateway), "mana_mcp_upstream_request_duration_seconds_count", {
    upstream: "mana-sync",
    outcome: "success"
  })

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
  let gateway: Gateway
  let user: DevUser
  let client: Client

  beforeAll(async () => {
    gateway = await startGateway()
    user = await registerUser(gateway.authUrl)
    client = (await connectLegacy(gateway.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })).client
    await habitIds(client)
    await eventually(() => liveHealth(gateway), (live) => live.connections === 1 && live.fallbackUsers === 0)
  })
  afterAll(async () => {
    await client?.close()
    await gateway?.stop()
  })

  it("/health and /metrics count the user's connection", async () => {
    expect(await liveHealth(gateway)).toEqual({ connections: 1, activeUsers: 1, fallbackUsers: 0 })
    expect(metricValue(
      await eventually(() => metrics(gateway), (text) => metricValue(text, "mana_mcp_live_connections_open") === 1),
      "mana_mcp_live_users_fallback"
    )).toBe(0)
  })

  it("read-only load sends no pulls for unchanged tables, past READ_FRESHNESS", async () => {
    // The first pull may predate the connection's auth-ok; one read past the window re-bases it.
    await pastReadFreshness()
    await habitIds(client)
    const before = await syncRequests(gateway)
    for (let i = 0; i < 5; i++) await habitIds(client)
    await pastReadFreshness()
    await habitIds(client)
    expect(await syncRequests(gateway) - before).toBe(0)
  })

  it("a habit the web app pushes is listed once its notification arrived, with one pull", async () => {
    await habitIds(client)
    const noticed = await notifications(gateway)
    const { change, id } = webAppHabit(user, "From the web app")
    await rawPush(gateway.syncUrl, user.accessToken, "habits", [change])
    await eventually(() => notifications(gateway), (count) => count > noticed)
    const before = await syncRequests(gateway)
    expect(await habitIds(client)).toContain(id)
    expect(await habitIds(client)).toContain(id)
    expect(await syncRequests(gateway) - before).toBe(1)
  })

  it("an own write costs one push and the next read one delta pull; its echo costs nothing", async () => {
    await habitIds(client)
    const noticed = await notifications(gateway)
    const before = await syncRequests(gateway)
    const { habit } = await structured(client, "habits.create", { title: "Stretch", icon: "star", color: "#112233" })
    expect(await habitIds(client)).toContain(habit.id)
    await eventually(() => notifications(gateway), (count) => count > noticed)
    await habitIds(client)
    // habits.create reads the table first (to place the habit); that read was already fresh.
    expect(await syncRequests(gateway) - before).toBe(2)
  })

  it("another member's change in a shared space, not notified by mana-sync, shows within READ_FRESHNESS", async () => {
    const dev = await loginUser(gateway.authUrl, "dev@mana.test", "devpassword")
    const zk = await loginUser(gateway.authUrl, "zk@mana.test", "devpassword")
    const spaces = (await (await fetch(`${gateway.authUrl}/api/auth/organization/list`, {
      headers: { authorization: `Bearer ${dev.accessToken}` }
    })).json()) as Array<{ id: string; name: string }>
    const team = spaces.find((space) => space.name === "Dev Team")?.id ?? ""
    const member = (await connectLegacy(gateway.mcpUrl, { token: dev.accessToken, spaceId: team })).client
    try {
      await habitIds(member)
      await eventually(() => liveHealth(gateway), (live) => live.activeUsers === 2 && live.fallbackUsers === 0)
      // Re-based on the connection: a personal-space read would now be reused until a notice.
      await pastReadFreshness()
      await habitIds(member)
      const { change, id } = webAppHabit({ ...zk, personalSpaceId: team }, "From another member")
      await rawPush(gateway.syncUrl, zk.accessToken, "habits", [change])
      await pastReadFreshness()
      expect(await habitIds(member)).toContain(id)
    } finally {
      await member.close()
    }
  })
})
