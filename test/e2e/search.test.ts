/**
 * `mana.search` end to end through `npm start`, with the SDK v2 client in both protocol eras: one
 * query finds habits, tasks, notes and journal entries of the active space (decrypted
 * server-side), ranked by match quality then recency, paged with a cursor, never another space's
 * records; a zero-knowledge user is told which modules cannot be searched and still gets habits.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createSpace, type DevUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, connectModern, structured } from "../support/mcpClients.ts"

let gateway: Gateway

beforeAll(async () => {
  gateway = await startGateway()
})
afterAll(async () => {
  await gateway?.stop()
})

const connect = (era: "modern" | "legacy", user: DevUser, spaceId = user.personalSpaceId) =>
  (era === "modern" ? connectModern : connectLegacy)(gateway.mcpUrl, { token: user.accessToken, spaceId })
    .then(({ client }) => client)

describe.each(["modern", "legacy"] as const)("mana.search, %s era", (era) => {
  let user: DevUser
  let client: Client

  beforeAll(async () => {
    user = await registerUser(gateway.authUrl)
    // Created before the first request, so the gateway's cached space list already has it.
    const bakery = await createSpace(gateway.authUrl, user, `Bakery ${era}`)
    client = await connect(era, user)
    await structured(client, "notes.create", { title: "Notes on sourdough", content: "Feed the starter with rye" })
    await structured(client, "todo.create", { title: "Buy flour", description: "rye flour for the sourdough" })
    await structured(client, "journal.add", { content: "Baked my first sourdough loaf today", mood: "glücklich" })
    await structured(client, "habits.create", { title: "Sourdough" })
    await structured(client, "notes.create", { title: "Shopping", content: "milk, eggs" })
    const team = await connect(era, user, bakery)
    await structured(team, "notes.create", { title: "Team sourdough secrets", content: "not yours" })
    await team.close()
  })
  afterAll(async () => {
    await client?.close()
  })

  it("finds matches in every module of the active space, best match first", async () => {
    const result = await structured(client, "mana.search", { query: "sourdough" })
    expect(result.total).toBe(4)
    expect(result.unsearchable).toEqual([])
    expect(result.unreadable).toBe(0)
    // The exact title first, then the title that contains it, then matches in the text: equal, so newest first.
    expect(result.hits.map((hit: { module: string; title: string }) => [hit.module, hit.title])).toEqual([
      ["habits", "Sourdough"],
      ["notes", "Notes on sourdough"],
      ["journal", expect.any(String)],
      ["todo", "Buy flour"]
    ])
    const journal = result.hits.find((hit: { module: string }) => hit.module === "journal")
    expect(journal.preview).toContain("sourdough loaf")
    expect(journal.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(JSON.stringify(result)).not.toContain("Team sourdough")
  })

  it("needs every word, and pages with a cursor", async () => {
    const both = await structured(client, "mana.search", { query: "rye sourdough" })
    expect(both.hits.map((hit: { module: string }) => hit.module).sort()).toEqual(["notes", "todo"])
    const first = await structured(client, "mana.search", { query: "sourdough", limit: 3 })
    expect(first.hits).toHaveLength(3)
    expect(first.nextCursor).toEqual(expect.any(String))
    const second = await structured(client, "mana.search", { query: "sourdough", limit: 3, cursor: first.nextCursor })
    expect(second.hits).toHaveLength(1)
    expect(second.nextCursor).toBeNull()
    const again = await client.callTool({
      name: "mana.search",
      arguments: { query: "milk", cursor: first.nextCursor }
    })
    expect(again.isError).toBe(true)
    expect(JSON.stringify(again.content)).toContain("cursor")
  })

  it("refuses an empty or oversized query, naming what is accepted", async () => {
    const empty = await client.callTool({ name: "mana.search", arguments: { query: " " } })
    expect(empty.isError).toBe(true)
    expect(JSON.stringify(empty.content)).toMatch(/query.*1–200 characters/)
    const long = await client.callTool({ name: "mana.search", arguments: { query: "x".repeat(201) } })
    expect(long.isError).toBe(true)
  })
})

describe("mana.search for a zero-knowledge user", () => {
  it("searches habits and names the modules it cannot search, in both eras", async () => {
    const user = await registerUser(gateway.authUrl, { zeroKnowledge: true })
    for (const era of ["modern", "legacy"] as const) {
      const client = await connect(era, user)
      if (era === "modern") await structured(client, "habits.create", { title: "Stretch" })
      const result = await structured(client, "mana.search", { query: "stretch" })
      expect(result.hits.map((hit: { title: string }) => hit.title)).toEqual(["Stretch"])
      expect(result.unsearchable.map((entry: { module: string }) => entry.module)).toEqual(["todo", "notes", "journal"])
      expect(result.unsearchable[0].reason).toMatch(/zero-knowledge|end-to-end/i)
      await client.close()
    }
  })
})
