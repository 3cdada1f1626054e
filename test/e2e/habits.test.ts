/**
 * habits.* and spaces.list end to end: the real `npm start` entry (dev mana-auth + dev mana-sync),
 * the MCP SDK client, and raw reads of the dev mana-sync to check what actually went on the wire.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createSpace, type DevUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, structured } from "../support/mcpClients.ts"
import { pastReadFreshness, rawPullAll, rawPush } from "../support/rawSync.ts"

let gateway: Gateway
let user: DevUser
let teamSpace: string
let client: Client
let teamClient: Client

beforeAll(async () => {
  gateway = await startGateway()
  user = await registerUser(gateway.authUrl)
  teamSpace = await createSpace(gateway.authUrl, user, "Habit Team")
  client = (await connectLegacy(gateway.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })).client
  teamClient = (await connectLegacy(gateway.mcpUrl, { token: user.accessToken, spaceId: teamSpace })).client
})
afterAll(async () => {
  await client?.close()
  await teamClient?.close()
  await gateway?.stop()
})

describe("habits end to end", () => {
  it("lists every tool with annotations and an output schema", async () => {
    const { tools } = await client.listTools()
    const byName = new Map(tools.map((tool) => [tool.name, tool]))
    for (const name of ["habits.create", "habits.list", "habits.update", "habits.archive", "spaces.list"]) {
      expect(byName.get(name)?.outputSchema?.type).toBe("object")
      expect(byName.get(name)?.annotations?.openWorldHint).toBe(false)
    }
    expect(byName.get("habits.list")?.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true })
    expect(byName.get("habits.create")?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false })
    expect(byName.get("habits.create")?.inputSchema.properties?.["color"]).toMatchObject({
      pattern: "^#[0-9a-fA-F]{6}$"
    })
  })

  it("create → list → update → archive → includeArchived → unarchive", async () => {
    const { habit } = await structured(client, "habits.create", { title: "Walk" })
    expect(habit).toMatchObject({ title: "Walk", icon: "star", color: "#6366f1", isArchived: false, order: 0 })
    const second = (await structured(client, "habits.create", { title: "Read", icon: "book" })).habit
    expect(second.order).toBe(1)

    const listed = (await structured(client, "habits.list")).habits
    expect(listed.map((h: { title: string }) => h.title)).toEqual(["Walk", "Read"])

    expect((await structured(client, "habits.update", { id: habit.id, title: "Walk the dog" })).habit).toMatchObject({
      id: habit.id,
      title: "Walk the dog"
    })
    const afterUpdate = (await structured(client, "habits.list")).habits
    expect(afterUpdate.find((h: { id: string }) => h.id === habit.id).title).toBe("Walk the dog")
    expect(afterUpdate.find((h: { id: string }) => h.id === habit.id).icon).toBe("star")

    await structured(client, "habits.archive", { id: habit.id })
    expect((await structured(client, "habits.list")).habits.map((h: { id: string }) => h.id)).not.toContain(habit.id)
    const withArchived = (await structured(client, "habits.list", { includeArchived: true })).habits
    expect(withArchived.find((h: { id: string }) => h.id === habit.id).isArchived).toBe(true)

    await structured(client, "habits.archive", { id: habit.id, archived: false })
    expect((await structured(client, "habits.list")).habits.map((h: { id: string }) => h.id)).toContain(habit.id)
  })

  it("keeps spaces apart: a habit created in space B is not listed in space A", async () => {
    const { habit } = await structured(teamClient, "habits.create", { title: "Team standup" })
    expect((await structured(teamClient, "habits.list")).habits.map((h: { id: string }) => h.id)).toEqual([habit.id])
    expect((await structured(client, "habits.list")).habits.map((h: { id: string }) => h.id)).not.toContain(habit.id)
  })

  it("writes what the web app expects: origin agent, actor, space/author/visibility in data, `at` on field changes", async () => {
    const changes = await rawPullAll(gateway.syncUrl, user.accessToken, "habits", "habits")
    const inserts = changes.filter((change) => change.op === "insert")
    expect(inserts.length).toBeGreaterThanOrEqual(3)
    for (const insert of inserts) {
      expect(insert.origin).toBe("agent")
      expect(JSON.stringify(insert.actor)).toContain("mana-mcp")
      expect(insert.data).toMatchObject({ authorId: user.userId, visibility: "space" })
      expect(insert.data?.["spaceId"]).toBe(insert.spaceId)
    }
    const updates = changes.filter((change) => change.op === "update")
    expect(updates.length).toBeGreaterThan(0)
    for (const update of updates) {
      for (const field of Object.values(update.fields ?? {})) expect(Date.parse(field.at)).toBeGreaterThan(0)
    }
  })

  it("rejects an invalid color with an isError result naming `color`", async () => {
    const result = await client.callTool({ name: "habits.create", arguments: { title: "Bad", color: "red" } })
    expect(result.isError).toBe(true)
    expect(JSON.stringify(result.content)).toContain("color")
  })

  it("lists 1,500 habits written by another client (pagination across pages of 1000)", async () => {
    const pagedSpace = await createSpace(gateway.authUrl, user, "Many habits")
    const changes = Array.from({ length: 1500 }, (_, i) => {
      const id = crypto.randomUUID()
      return {
        table: "habits",
        id,
        op: "insert",
        spaceId: pagedSpace,
        data: {
          id,
          title: `Habit ${i}`,
          icon: "star",
          color: "#112233",
          order: i,
          isArchived: false,
          spaceId: pagedSpace,
          authorId: user.userId,
          visibility: "space"
        }
      }
    })
    await rawPush(gateway.syncUrl, user.accessToken, "habits", changes)
    await new Promise((resolve) => setTimeout(resolve, 1_100)) // a space missing from the cached list is re-checked after 1 s
    const paged = (await connectLegacy(gateway.mcpUrl, { token: user.accessToken, spaceId: pagedSpace })).client
    const habits = (await structured(paged, "habits.list")).habits
    expect(habits).toHaveLength(1500)
    expect(habits[0].title).toBe("Habit 0")
    expect(habits[1499].title).toBe("Habit 1499")
    await paged.close()
  })

  it("lists web-app rows written under the _personal:<userId> sentinel in the personal space only", async () => {
    const id = crypto.randomUUID()
    const sentinel = `_personal:${user.userId}`
    await rawPush(gateway.syncUrl, user.accessToken, "habits", [{
      table: "habits",
      id,
      op: "insert",
      spaceId: sentinel,
      data: {
        id,
        title: "Bootstrap habit",
        icon: "star",
        color: "#445566",
        order: 50,
        isArchived: false,
        spaceId: sentinel,
        authorId: user.userId,
        visibility: "space"
      }
    }])
    await pastReadFreshness()
    expect((await structured(client, "habits.list")).habits.map((h: { id: string }) => h.id)).toContain(id)
    expect((await structured(teamClient, "habits.list")).habits.map((h: { id: string }) => h.id)).not.toContain(id)
  })

  it("spaces.list shows the caller's spaces with types and the active space", async () => {
    const { activeSpaceId, spaces } = await structured(teamClient, "spaces.list")
    expect(activeSpaceId).toBe(teamSpace)
    expect(spaces.find((s: { id: string }) => s.id === user.personalSpaceId).type).toBe("personal")
    expect(spaces.find((s: { id: string }) => s.id === teamSpace).type).toBe("team")
  })
})
