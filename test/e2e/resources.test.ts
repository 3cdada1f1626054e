/**
 * MCP resources end to end, through the real `npm start` entry with the SDK clients of both eras:
 * a subscriber gets `notifications/resources/updated` after the web app pushes a change of that
 * record straight to mana-sync (the gateway learns of it from mana-sync's change notifications,
 * not from its own writes), and a user who may not see a record can neither subscribe to it nor
 * ever hear of its changes. The delay from push to notification is printed, not asserted (the 1 s
 * target is a benchmark figure, docs/benchmarks.md).
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, connectModern, structured } from "../support/mcpClients.ts"
import { updatesOf, webAppPin } from "../support/resourceUpdates.ts"

const credentialsOf = (user: DevUser) => ({ token: user.accessToken, spaceId: user.personalSpaceId })

describe("MCP resources through npm start", () => {
  let gateway: Gateway
  let alice: DevUser
  let bob: DevUser
  const clients: Array<Client> = []

  beforeAll(async () => {
    gateway = await startGateway()
    alice = await registerUser(gateway.authUrl)
    bob = await registerUser(gateway.authUrl)
  })
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)))
    await gateway?.stop()
  })

  const connect = async (era: "2025" | "2026", user: DevUser) => {
    const { client } = era === "2025"
      ? await connectLegacy(gateway.mcpUrl, credentialsOf(user))
      : await connectModern(gateway.mcpUrl, credentialsOf(user))
    clients.push(client)
    return client
  }

  const noteOf = async (client: Client, title: string): Promise<string> =>
    (await structured(client, "notes.create", { title, content: "from the agent" })).note.id

  it("2025 session: resources/subscribe, then a web-app push to the note is notified", async () => {
    const client = await connect("2025", alice)
    const updates = updatesOf(client)
    const id = await noteOf(client, "Subscribed in 2025")
    const uri = `mana://notes/${id}`
    const listed = await client.listResources()
    expect(listed.resources.map((resource) => resource.uri)).toContain("mana://habits/today")
    await client.subscribeResource({ uri })
    const pushed = performance.now()
    await webAppPin(gateway.syncUrl, alice, id)
    const delay = await updates.next(uri, pushed)
    console.info(`2025 resources/updated ${delay.toFixed(0)} ms after the web-app push`)
    const read = await client.readResource({ uri })
    const content = read.contents[0]
    expect(content !== undefined && "text" in content ? JSON.parse(content.text).isPinned : undefined).toBe(true)
  })

  it("2026-07-28: subscriptions/listen, then a web-app push to the note is notified", async () => {
    const client = await connect("2026", alice)
    const updates = updatesOf(client)
    const id = await noteOf(client, "Listened in 2026")
    const uri = `mana://notes/${id}`
    const subscription = await client.listen({ resourceSubscriptions: [uri] })
    expect(subscription.honoredFilter.resourceSubscriptions).toEqual([uri])
    const pushed = performance.now()
    await webAppPin(gateway.syncUrl, alice, id)
    const delay = await updates.next(uri, pushed)
    console.info(`2026-07-28 resources/updated ${delay.toFixed(0)} ms after the web-app push`)
    await subscription.close()
  })

  it("a user who may not see a record cannot subscribe to it and never hears of its change", async () => {
    const owner = await connect("2026", alice)
    const ownerUpdates = updatesOf(owner)
    const secret = await noteOf(owner, "Alice only")
    const secretUri = `mana://notes/${secret}`
    const ownerListen = await owner.listen({ resourceSubscriptions: [secretUri] })

    const modern = await connect("2026", bob)
    const legacy = await connect("2025", bob)
    await expect(modern.listen({ resourceSubscriptions: [secretUri] })).rejects.toThrow(/No note with id/)
    await expect(legacy.subscribeResource({ uri: secretUri })).rejects.toThrow(/No note with id/)
    // Bob watches his own note on both eras and hears everything addressed to him.
    const bobUpdates = [updatesOf(modern), updatesOf(legacy)]
    const own = await noteOf(modern, "Bob's")
    const ownUri = `mana://notes/${own}`
    const bobListen = await modern.listen({ resourceSubscriptions: [ownUri] })
    await legacy.subscribeResource({ uri: ownUri })

    const pushed = performance.now()
    await webAppPin(gateway.syncUrl, alice, secret)
    await ownerUpdates.next(secretUri, pushed)
    // Bob's own change comes after Alice's, on the same path: by then hers would have reached him.
    const bobPushed = performance.now()
    await webAppPin(gateway.syncUrl, bob, own)
    await Promise.all(bobUpdates.map((updates) => updates.next(ownUri, bobPushed)))
    for (const updates of bobUpdates) expect(updates.seen.map((update) => update.uri)).not.toContain(secretUri)
    await ownerListen.close()
    await bobListen.close()
  })
})
