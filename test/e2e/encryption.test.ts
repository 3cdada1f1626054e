/**
 * todo.*, notes.*, journal.add end to end through `npm start`: what the agent sees, what lands in
 * the dev mana-sync (enc:1 for exactly the encrypted fields, decryptable with the user's vault
 * key by an independent implementation), zero-knowledge users, and records the agent cannot read.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevUser, loginUser } from "../support/devUsers.ts"
import type { Gateway } from "../support/gateway.ts"
import { connectLegacy, structured } from "../support/mcpClients.ts"
import { rawPullAll, rawPush } from "../support/rawSync.ts"
import { startUserGateway } from "../support/userGateway.ts"
import { decryptWire, encryptValue, importRawKey, vaultKeyOf } from "../support/webCrypto.ts"

let gateway: Gateway
let user: DevUser
let client: Client

const encryptedFields: Record<string, ReadonlyArray<string>> = {
  tasks: ["title", "description", "subtasks", "metadata"],
  notes: ["title", "content"],
  journalEntries: ["title", "content"]
}

let stop = async () => {}

beforeAll(async () => {
  ;({ client, gateway, stop, user } = await startUserGateway())
})
afterAll(() => stop())

describe("encrypted tools end to end", () => {
  it("todo: create → list → complete → list", async () => {
    const { task } = await structured(client, "todo.create", {
      title: "Buy oat milk",
      description: "the barista one",
      priority: "high"
    })
    expect(task).toMatchObject({ title: "Buy oat milk", priority: "high", isCompleted: false, completedAt: null })
    const open = (await structured(client, "todo.list")).tasks
    expect(open.map((t: { id: string }) => t.id)).toContain(task.id)
    expect(open.find((t: { id: string }) => t.id === task.id).descriptionPreview).toBe("the barista one")

    expect(await structured(client, "todo.complete", { id: task.id })).toEqual({ ok: true })
    expect(await structured(client, "todo.complete", { id: task.id })).toEqual({ ok: true })
    expect((await structured(client, "todo.list")).tasks.map((t: { id: string }) => t.id)).not.toContain(task.id)
    const all = (await structured(client, "todo.list", { includeCompleted: true })).tasks
    expect(all.find((t: { id: string }) => t.id === task.id).isCompleted).toBe(true)
  })

  it("notes: create → search by a word in the content, case-insensitively", async () => {
    await structured(client, "notes.create", { title: "Groceries", content: "Remember the **Pomegranate** molasses" })
    await structured(client, "notes.create", { title: "Ideas", content: "A garden shed" })
    const found = (await structured(client, "notes.search", { query: "pomegranate" })).notes
    expect(found.map((n: { title: string }) => n.title)).toEqual(["Groceries"])
    expect(found[0].contentPreview).toContain("Pomegranate")
  })

  it("journal: add with defaults (today in UTC, word count)", async () => {
    const { entry } = await structured(client, "journal.add", {
      content: "A calm day by the river",
      mood: "zufrieden",
      tags: ["walk"]
    })
    expect(entry).toMatchObject({
      content: "A calm day by the river",
      mood: "zufrieden",
      wordCount: 6,
      tags: ["walk"],
      title: null
    })
    expect(entry.entryDate).toBe(new Date().toISOString().slice(0, 10))
  })

  it("stores enc:1 values for exactly the encrypted fields, readable with the user's vault key", async () => {
    const key = await importRawKey(await vaultKeyOf(gateway.authUrl, user.accessToken))
    for (const [app, table] of [["todo", "tasks"], ["notes", "notes"], ["journal", "journalEntries"]] as const) {
      const inserts = (await rawPullAll(gateway.syncUrl, user.accessToken, app, table)).filter((c) => c.op === "insert")
      expect(inserts.length).toBeGreaterThan(0)
      for (const insert of inserts) {
        for (const [field, value] of Object.entries(insert.data ?? {})) {
          const shouldBeEncrypted = encryptedFields[table]?.includes(field) === true && value !== null
          expect(typeof value === "string" && value.startsWith("enc:1:"), `${table}.${field}`).toBe(shouldBeEncrypted)
          if (shouldBeEncrypted && typeof value === "string") {
            expect(await decryptWire(key, value)).toBeDefined()
          }
        }
      }
    }
    const notes = (await rawPullAll(gateway.syncUrl, user.accessToken, "notes", "notes")).filter((c) =>
      c.op === "insert"
    )
    const titles = await Promise.all(notes.map((n) => decryptWire(key, String(n.data?.["title"]))))
    expect(titles).toContain("Groceries")
    const contents = await Promise.all(notes.map((n) => decryptWire(key, String(n.data?.["content"]))))
    expect(contents).toContain("Remember the **Pomegranate** molasses")
  })

  it("reports a task encrypted under another key as unreadable and still lists the others", async () => {
    const foreignKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
    const id = crypto.randomUUID()
    await rawPush(gateway.syncUrl, user.accessToken, "todo", [{
      table: "tasks",
      id,
      op: "insert",
      spaceId: user.personalSpaceId,
      data: {
        id,
        title: await encryptValue(foreignKey, "secret elsewhere"),
        priority: "low",
        isCompleted: false,
        completedAt: null,
        dueDate: null,
        order: 99,
        subtasks: null,
        spaceId: user.personalSpaceId,
        authorId: user.userId,
        visibility: "space"
      }
    }])
    await structured(client, "todo.create", { title: "Readable one" })
    const { tasks, unreadable } = await structured(client, "todo.list")
    expect(unreadable.map((u: { id: string }) => u.id)).toEqual([id])
    expect(tasks.map((t: { title: string }) => t.title)).toContain("Readable one")
    expect(JSON.stringify(tasks)).not.toContain("enc:1:")
  })

  it("gives the zero-knowledge dev user the clear error on every encrypted tool, and habits still work", async () => {
    const zk = await loginUser(gateway.authUrl, "zk@mana.test", "devpassword")
    const zkClient =
      (await connectLegacy(gateway.mcpUrl, { token: zk.accessToken, spaceId: zk.personalSpaceId })).client
    const calls: Array<[string, Record<string, unknown>]> = [
      ["todo.create", { title: "x" }],
      ["todo.list", {}],
      ["notes.create", { title: "x" }],
      ["notes.search", { query: "x" }],
      ["journal.add", { content: "x" }]
    ]
    for (const [name, args] of calls) {
      const result = await zkClient.callTool({ name, arguments: args })
      expect(result.isError, name).toBe(true)
      const text = JSON.stringify(result.content)
      expect(text, name).toContain("end-to-end encrypted")
      expect(text, name).toMatch(/habits/)
    }
    await structured(zkClient, "habits.create", { title: "Plaintext still works" })
    expect((await structured(zkClient, "habits.list")).habits.map((h: { title: string }) => h.title)).toContain(
      "Plaintext still works"
    )
    await zkClient.close()
  })
})
