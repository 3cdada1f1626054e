/**
 * Writes an agent can retry and trust, end to end through `npm start` (enforce mode) and the SDK
 * client in both eras: a create whose answer was dropped (the connection cut after the gateway
 * answered) and then retried with its idempotency key is one record; an update guarded with
 * `ifUnchangedSince` after a web-app change (a raw mana-sync push) is refused with the current
 * values; a bulk create of 50 with 3 invalid items writes 47 and reports 3; a dry run writes
 * nothing; a bulk delete asks once and, declined, deletes nothing.
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevUser, registerUser } from "../support/devUsers.ts"
import { type FaultProxy, startFaultProxy } from "../support/faultProxy.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, connectModern, type Credentials, headersFor, structured } from "../support/mcpClients.ts"
import { pastReadFreshness, rawPullAll, rawPush } from "../support/rawSync.ts"

type Era = "legacy" | "modern"

let gateway: Gateway
let proxy: FaultProxy

beforeAll(async () => {
  gateway = await startGateway({ POLICY_MODE: "enforce" })
  proxy = await startFaultProxy(gateway.baseUrl)
}, 90_000)
afterAll(async () => {
  await proxy?.close()
  await gateway?.stop()
})

const credentialsOf = (user: DevUser): Credentials => ({ token: user.accessToken, spaceId: user.personalSpaceId })

const connect = (era: Era, url: string, credentials: Credentials) =>
  era === "modern" ? connectModern(url, credentials) : connectLegacy(url, credentials)

/** A client that can be asked to confirm, answering every question with `answer`. */
const connectDeclining = async (era: Era, credentials: Credentials) => {
  const prompts: Array<string> = []
  const client = new Client(
    { name: `e2e-declining-${era}`, version: "1.0.0" },
    {
      capabilities: { elicitation: { form: {} } },
      ...(era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" as const } } } : {})
    }
  )
  client.setRequestHandler("elicitation/create", (request) => {
    prompts.push(request.params.message)
    return Promise.resolve({ action: "decline" as const })
  })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: headersFor(credentials) } })
  )
  return { client, prompts }
}

const errorText = async (client: Client, name: string, args: Record<string, unknown>) => {
  const result = await client.callTool({ name, arguments: args })
  expect(result.isError).toBe(true)
  return (result.content as Array<{ text: string }>).map((block) => block.text).join("\n")
}

const taskInserts = async (user: DevUser) =>
  (await rawPullAll(gateway.syncUrl, user.accessToken, "todo", "tasks")).filter((change) => change.op === "insert")

describe.each(["modern", "legacy"] as const)("reliable writes, %s era", (era) => {
  it("a create retried after its answer was dropped is one record", async () => {
    const user = await registerUser(gateway.authUrl)
    const { client } = await connect(era, `${proxy.url}/mcp`, credentialsOf(user))
    const args = { title: `Pay rent (${era})`, idempotencyKey: `rent-${era}` }
    proxy.set({ kind: "drop-answer" }, (method) => method === "POST")
    await expect(client.callTool({ name: "todo.create", arguments: args })).rejects.toThrow()
    proxy.set(undefined)
    const { task } = await structured(client, "todo.create", args)
    const inserts = await taskInserts(user)
    expect(inserts.map((change) => change.id)).toEqual([task.id])
    const listed = await structured(client, "todo.list")
    expect(listed.tasks.map((listedTask: { id: string }) => listedTask.id)).toEqual([task.id])
    // The same key for another call is refused and writes nothing.
    const reused = await errorText(client, "todo.create", { title: "Something else", idempotencyKey: `rent-${era}` })
    expect(reused).toContain("already used with different arguments")
    expect(await taskInserts(user)).toHaveLength(1)
    await client.close()
  })

  it("a guarded update after a web-app change is refused with the current values", async () => {
    const user = await registerUser(gateway.authUrl)
    const { client } = await connect(era, gateway.mcpUrl, credentialsOf(user))
    const { note } = await structured(client, "notes.create", {
      title: "Groceries",
      content: "- milk",
      color: "#00aa00"
    })
    await rawPush(gateway.syncUrl, user.accessToken, "notes", [{
      table: "notes",
      id: note.id,
      op: "update",
      spaceId: user.personalSpaceId,
      fields: { color: { value: "#ff0000", at: new Date(Date.parse(note.updatedAt) + 1_000).toISOString() } }
    }])
    await pastReadFreshness()
    const refused = await errorText(client, "notes.update", {
      id: note.id,
      color: "#0000ff",
      ifUnchangedSince: note.updatedAt
    })
    expect(refused).toContain(`{"color":"#ff0000"}`)
    expect(refused).toContain("changed since: color")
    expect(refused).toContain("To merge")
    const { note: current } = await structured(client, "notes.get", { id: note.id })
    expect(current.color).toBe("#ff0000")
    const { note: appended } = await structured(client, "notes.update", {
      id: note.id,
      appendContent: "- eggs",
      ifUnchangedSince: current.updatedAt
    })
    expect(appended.content).toBe("- milk\n- eggs")
    expect(appended.color).toBe("#ff0000")
    await client.close()
  })

  it("a bulk create of 50 with 3 invalid items writes 47 and reports 3; a dry run writes nothing", async () => {
    const user = await registerUser(gateway.authUrl)
    const { client } = await connect(era, gateway.mcpUrl, credentialsOf(user))
    const items = Array.from(
      { length: 50 },
      (_, i) => ([5, 25, 45].includes(i) ? { title: "   " } : { title: `T${i}` })
    )
    const dry = await structured(client, "todo.createMany", { items, dryRun: true })
    expect([dry.dryRun, dry.done, dry.refused]).toEqual([true, 47, 3])
    expect(await taskInserts(user)).toHaveLength(0)
    const result = await structured(client, "todo.createMany", { items })
    expect([result.done, result.refused, result.results.length]).toEqual([47, 3, 50])
    expect(
      result.results.filter((entry: { status: string }) => entry.status === "refused")
        .map((entry: { index: number }) => entry.index)
    ).toEqual([5, 25, 45])
    expect(await taskInserts(user)).toHaveLength(47)
    await client.close()
  })

  it("a bulk delete asks once, naming the count and titles, and when declined deletes nothing", async () => {
    const user = await registerUser(gateway.authUrl)
    const { client, prompts } = await connectDeclining(era, credentialsOf(user))
    const created = await structured(client, "todo.createMany", {
      items: [{ title: "Alpha" }, { title: "Beta" }, { title: "Gamma" }, { title: "Delta" }, { title: "Epsilon" }]
    })
    const ids = created.results.map((entry: { id: string }) => entry.id)
    const declined = await structured(client, "todo.deleteMany", { ids })
    expect(declined.outcome).toBe("declined")
    expect(prompts).toEqual([
      "Delete 5 tasks (\"Alpha\", \"Beta\", \"Gamma\" and 2 more)? They move to the trash and disappear from your todo lists; each can be restored from the trash."
    ])
    const deletes = (await rawPullAll(gateway.syncUrl, user.accessToken, "todo", "tasks"))
      .filter((change) => change.op === "delete")
    expect(deletes).toHaveLength(0)
    expect((await structured(client, "todo.list")).tasks).toHaveLength(5)
    const dry = await structured(client, "todo.deleteMany", { ids, dryRun: true })
    expect([dry.outcome, dry.dryRun, dry.done]).toEqual(["deleted", true, 5])
    expect(prompts).toHaveLength(1)
    expect((await structured(client, "todo.list")).tasks).toHaveLength(5)
    await client.close()
  })
})
