/**
 * The read path's freshness guarantee end to end, through the real `npm start` entry: the gateway's
 * own writes show to the very next read, a change written straight to mana-sync (as the web app
 * would) shows within READ_FRESHNESS (default 1 s), reads inside the window share one pull, and
 * READ_FRESHNESS=0 pulls on every read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { structured } from "../support/mcpClients.ts"
import { pastReadFreshness, rawPush, webAppHabit } from "../support/rawSync.ts"
import { habitIds, syncRequests } from "../support/readProbes.ts"
import { startUserGateway, type UserGateway } from "../support/userGateway.ts"

describe("read freshness, default READ_FRESHNESS (1 s)", () => {
  let started: UserGateway
  beforeAll(async () => {
    started = await startUserGateway()
  })
  afterAll(() => started?.stop())

  it("a create through the gateway is listed by the list that follows it, though the table was just read", async () => {
    await habitIds(started.client)
    const { habit } = await structured(started.client, "habits.create", {
      title: "Stretch",
      icon: "star",
      color: "#112233"
    })
    expect(await habitIds(started.client)).toContain(habit.id)
  })

  it("a habit the web app pushed straight to mana-sync is listed once READ_FRESHNESS has passed", async () => {
    await habitIds(started.client)
    const { change, id } = webAppHabit(started.user, "From the web app")
    await rawPush(started.gateway.syncUrl, started.user.accessToken, "habits", [change])
    await pastReadFreshness()
    expect(await habitIds(started.client)).toContain(id)
  })

  it("back-to-back lists inside the window share pulls: fewer mana-sync requests than lists", async () => {
    await habitIds(started.client)
    const before = await syncRequests(started.gateway)
    for (let i = 0; i < 10; i++) await habitIds(started.client)
    expect(await syncRequests(started.gateway) - before).toBeLessThan(10)
  })
})

describe("read freshness, READ_FRESHNESS=0", () => {
  let started: UserGateway
  beforeAll(async () => {
    started = await startUserGateway({ READ_FRESHNESS: "0" })
  })
  afterAll(() => started?.stop())

  it("every read pulls, so a habit pushed straight to mana-sync is listed by the very next list", async () => {
    await habitIds(started.client)
    const { change, id } = webAppHabit(started.user, "From the web app")
    const before = await syncRequests(started.gateway)
    await rawPush(started.gateway.syncUrl, started.user.accessToken, "habits", [change])
    expect(await habitIds(started.client)).toContain(id)
    expect(await syncRequests(started.gateway) - before).toBe(1)
  })
})
