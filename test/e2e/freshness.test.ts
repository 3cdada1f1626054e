/**
 * The read path's freshness guarantee end to end, through the real `npm start` entry: the gateway's
 * own writes show to the very next read, a change written straight to mana-sync (as the web app
 * would) shows within READ_FRESHNESS (default 1 s), reads inside the window share one pull, and
 * READ_FRESHNESS=0 pulls on every read.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, structured } from "../support/mcpClients.ts"
import { metricValue } from "../support/prometheus.ts"
import { pastReadFreshness, rawPush } from "../support/rawSync.ts"

const webAppHabit = (user: DevUser, title: string) => {
  const id = crypto.randomUUID()
  const change = {
    table: "habits",
    id,
    op: "insert",
    spaceId: user.personalSpaceId,
    data: {
      id,
      title,
      icon: "star",
      color: "#445566",
      order: 7,
      isArchived: false,
      spaceId: user.personalSpaceId,
      authorId: user.userId,
      visibility: "space"
    }
  }
  return { id, change }
}

const habitIds = async (client: Client): Promise<ReadonlyArray<string>> =>
  (await structured(client, "habits.list")).habits.map((habit: { id: string }) => habit.id)

const syncRequests = async (gateway: Gateway) =>
  metricValue(
    await (await fetch(`${gateway.baseUrl}/metrics`)).text(),
    "mana_mcp_upstream_request_duration_seconds_count",
    { upstream: "mana-sync", outcome: "success" }
  )

describe("read freshness, default READ_FRESHNESS (1 s)", () => {
  let gateway: Gateway
  let user: DevUser
  let client: Client

  beforeAll(async () => {
    gateway = await startGateway()
    user = await registerUser(gateway.authUrl)
    client = (await connectLegacy(gateway.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })).client
  })
  afterAll(async () => {
    await client?.close()
    await gateway?.stop()
  })

  it("a create through the gateway is listed by the list that follows it, though the table was just read", async () => {
    await habitIds(client)
    const { habit } = await structured(client, "habits.create", { title: "Stretch", icon: "star", color: "#112233" })
    expect(await habitIds(client)).toContain(habit.id)
  })

  it("a habit the web app pushed straight to mana-sync is listed once READ_FRESHNESS has passed", async () => {
    await habitIds(client)
    const { change, id } = webAppHabit(user, "From the web app")
    await rawPush(gateway.syncUrl, user.accessToken, "habits", [change])
    await pastReadFreshness()
    expect(await habitIds(client)).toContain(id)
  })

  it("back-to-back lists inside the window share pulls: fewer mana-sync requests than lists", async () => {
    await habitIds(client)
    const before = await syncRequests(gateway)
    for (let i = 0; i < 10; i++) await habitIds(client)
    expect(await syncRequests(gateway) - before).toBeLessThan(10)
  })
})

describe("read freshness, READ_FRESHNESS=0", () => {
  let gateway: Gateway
  let user: DevUser
  let client: Client

  beforeAll(async () => {
    gateway = await startGateway({ READ_FRESHNESS: "0" })
    user = await registerUser(gateway.authUrl)
    client = (await connectLegacy(gateway.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })).client
  })
  afterAll(async () => {
    await client?.close()
    await gateway?.stop()
  })

  it("every read pulls, so a habit pushed straight to mana-sync is listed by the very next list", async () => {
    await habitIds(client)
    const { change, id } = webAppHabit(user, "From the web app")
    const before = await syncRequests(gateway)
    await rawPush(gateway.syncUrl, user.accessToken, "habits", [change])
    expect(await habitIds(client)).toContain(id)
    expect(await syncRequests(gateway) - before).toBe(1)
  })
})
