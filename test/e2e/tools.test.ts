/**
 * The read/change/delete tools end to end through `npm start`, with the SDK v2 client in both
 * protocol eras: update → get shows the change in every module, delete hides a record from list
 * and get, trash.list shows it and trash.restore brings it back, and an independent Web Crypto
 * reader of the stored rows (the dev mana-sync's own HTTP API) sees exactly the encrypted fields
 * of every insert and update as `enc:1:` values that decrypt to what the agent wrote.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, connectModern, structured } from "../support/mcpClients.ts"
import { rawPullAll } from "../support/rawSync.ts"
import { decryptWire, importRawKey, vaultKeyOf } from "../support/webCrypto.ts"

let gateway: Gateway

const encryptedFields: Record<string, ReadonlyArray<string>> = {
  tasks: ["title", "description", "subtasks", "metadata"],
  notes: ["title", "content"],
  journalEntries: ["title", "content"],
  habits: [],
  habitLogs: []
}

beforeAll(async () => {
  gateway = await startGateway()
})
afterAll(async () => {
  await gateway?.stop()
})

describe.each(["modern", "legacy"] as const)("tools end to end, %s era", (era) => {
  let user: DevUser
  let client: Client

  beforeAll(async () => {
    user = await registerUser(gateway.authUrl)
    const credentials = { token: user.accessToken, spaceId: user.personalSpaceId }
    client = (era === "modern"
      ? await connectModern(gateway.mcpUrl, credentials)
      : await connectLegacy(gateway.mcpUrl, credentials)).client
  })
  afterAll(async () => {
    await client?.close()
  })

  it("update → get shows the change in todo, notes and journal; habits log their check-ins", async () => {
    const { task } = await structured(client, "todo.create", { title: "Dentist", description: "call first" })
    const { task: updated } = await structured(client, "todo.update", {
      id: task.id,
      dueDate: "2026-05-08T09:30:00+02:00",
      subtasks: [{ title: "Insurance card" }]
    })
    expect(updated).toMatchObject({ dueDate: "2026-05-08T07:30:00.000Z", description: "call first" })
    expect((await structured(client, "todo.get", { id: task.id })).task).toEqual(updated)

    const { note } = await structured(client, "notes.create", { title: "Recipe", content: "flour" })
    await structured(client, "notes.update", { id: note.id, content: "flour, water, salt", isPinned: true })
    expect((await structured(client, "notes.get", { id: note.id })).note).toMatchObject({
      content: "flour, water, salt",
      isPinned: true
    })

    const { entry } = await structured(client, "journal.add", { content: "short", entryDate: "2026-05-01" })
    await structured(client, "journal.update", { id: entry.id, content: "a little longer now", mood: "zufrieden" })
    expect((await structured(client, "journal.get", { id: entry.id })).entry).toMatchObject({
      content: "a little longer now",
      wordCount: 4,
      mood: "zufrieden"
    })
    expect((await structured(client, "journal.list", { from: "2026-05-01", to: "2026-05-01" })).entries)
      .toHaveLength(1)

    const { habit } = await structured(client, "habits.create", { title: "Walk", targetPerDay: 2 })
    await structured(client, "habits.log", { habitId: habit.id, count: 2 })
    const logs = await structured(client, "habits.logs", { habitId: habit.id })
    expect(logs.habits[0]).toMatchObject({ today: { count: 2, target: 2, done: true }, currentStreak: 1 })
  })

  it("delete hides a record from list and get; trash.list shows it; trash.restore brings it back", async () => {
    const { task } = await structured(client, "todo.create", { title: "Soon in the trash" })
    const deleted = await structured(client, "todo.delete", { id: task.id })
    expect(deleted).toMatchObject({ outcome: "deleted", deleted: { table: "tasks", title: "Soon in the trash" } })
    const ids = async () =>
      (await structured(client, "todo.list", { includeCompleted: true })).tasks.map((t: { id: string }) => t.id)
    expect(await ids()).not.toContain(task.id)
    const missing = await client.callTool({ name: "todo.get", arguments: { id: task.id } })
    expect(missing.isError).toBe(true)
    expect(JSON.stringify(missing.content)).toContain("No task with id")

    const trash = await structured(client, "trash.list", {})
    expect(trash.items).toContainEqual(
      expect.objectContaining({ table: "tasks", id: task.id, title: "Soon in the trash" })
    )
    expect(await structured(client, "trash.restore", { table: "tasks", id: task.id })).toMatchObject({
      restored: { id: task.id, title: "Soon in the trash" }
    })
    expect(await ids()).toContain(task.id)
    expect((await structured(client, "trash.list", {})).items.map((i: { id: string }) => i.id)).not.toContain(task.id)
  })

  it("an independent Web Crypto reader sees exactly the encrypted fields as enc:1 values", async () => {
    const key = await importRawKey(await vaultKeyOf(gateway.authUrl, user.accessToken))
    const tables = [["todo", "tasks"], ["notes", "notes"], ["journal", "journalEntries"], ["habits", "habits"], [
      "habits",
      "habitLogs"
    ]] as const
    let updates = 0
    for (const [app, table] of tables) {
      const changes = await rawPullAll(gateway.syncUrl, user.accessToken, app, table)
      expect(changes.length, table).toBeGreaterThan(0)
      for (const change of changes) {
        const values: Array<[string, unknown]> = change.op === "insert"
          ? Object.entries(change.data ?? {})
          : Object.entries(change.fields ?? {}).map(([field, { value }]) => [field, value])
        if (change.op === "update") updates += 1
        for (const [field, value] of values) {
          const shouldBeEncrypted = encryptedFields[table]?.includes(field) === true && value !== null
          const isEncrypted = typeof value === "string" && value.startsWith("enc:1:")
          expect(isEncrypted, `${table}.${field} (${change.op})`).toBe(shouldBeEncrypted)
          if (isEncrypted) expect(await decryptWire(key, value)).toBeDefined()
        }
      }
    }
    expect(updates).toBeGreaterThan(3)
    const taskUpdates = (await rawPullAll(gateway.syncUrl, user.accessToken, "todo", "tasks"))
      .filter((c) => c.op === "update" && c.fields?.["subtasks"] !== undefined)
    const subtasks = await decryptWire(key, String(taskUpdates[0]?.fields?.["subtasks"]?.value))
    expect(subtasks).toEqual([expect.objectContaining({ title: "Insurance card", isCompleted: false, order: 0 })])
    const noteUpdate = (await rawPullAll(gateway.syncUrl, user.accessToken, "notes", "notes"))
      .find((c) => c.op === "update")
    expect(await decryptWire(key, String(noteUpdate?.fields?.["content"]?.value))).toBe("flour, water, salt")
  })
})

describe("tools/list", () => {
  it("shows every new tool with honest annotations in both eras", async () => {
    const user = await registerUser(gateway.authUrl)
    const credentials = { token: user.accessToken, spaceId: user.personalSpaceId }
    for (const connect of [connectModern, connectLegacy]) {
      const { client } = await connect(gateway.mcpUrl, credentials)
      const { tools } = await client.listTools()
      const byName = new Map(tools.map((tool) => [tool.name, tool]))
      expect(tools).toHaveLength(36)
      for (
        const name of [
          "habits.delete",
          "todo.delete",
          "notes.delete",
          "journal.delete",
          "todo.deleteMany",
          "notes.deleteMany"
        ]
      ) {
        expect(byName.get(name)?.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false })
      }
      for (
        const name of [
          "todo.get",
          "todo.list",
          "notes.list",
          "notes.get",
          "journal.list",
          "journal.search",
          "journal.get",
          "habits.logs",
          "trash.list",
          "mana.search"
        ]
      ) {
        expect(byName.get(name)?.annotations, name).toMatchObject({ readOnlyHint: true, destructiveHint: false })
      }
      for (
        const name of [
          "todo.update",
          "todo.reopen",
          "notes.update",
          "journal.update",
          "habits.log",
          "trash.restore",
          "todo.createMany",
          "todo.completeMany",
          "todo.updateMany",
          "habits.logMany"
        ]
      ) {
        expect(byName.get(name)?.annotations, name).toMatchObject({ readOnlyHint: false, destructiveHint: false })
      }
      expect(byName.get("todo.list")?.description).toMatch(/default 50, max 500/)
      await client.close()
    }
  })
})
