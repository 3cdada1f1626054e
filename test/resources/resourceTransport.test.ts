/**
 * Resources over `/mcp` in-process (the real McpEndpoint, test layers), both eras: the capability
 * and templates, a 2025 session's `resources/subscribe` delivering `notifications/resources/updated`
 * on its GET stream, a 2026-07-28 `subscriptions/listen` stream acknowledging and delivering it
 * stamped with its subscription id, and a listen for another user's record refused as not found.
 * The change signal is published as the notification connection would (`UserChanges`).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { InProcessGateway } from "../support/inProcessGateway.ts"
import {
  jsonRpcOf,
  mcpRequest,
  modernRequest,
  openSession,
  startInProcessGateway
} from "../support/inProcessGateway.ts"
import { alice, bob, spaceA, spaceB } from "../support/users.ts"

/** Reads SSE events off a streaming response until one matches. */
const sseOf = (response: Response) => {
  const reader = response.body?.getReader()
  const decoder = new TextDecoder()
  let buffer = ""
  const next = (matches: (message: any) => boolean): Effect.Effect<any> =>
    Effect.promise(async () => {
      for (;;) {
        const end = buffer.indexOf("\n\n")
        if (end >= 0) {
          const data = /^data: (.+)$/m.exec(buffer.slice(0, end))?.[1]
          buffer = buffer.slice(end + 2)
          const message = data === undefined ? undefined : JSON.parse(data)
          if (message !== undefined && matches(message)) return message
          continue
        }
        const chunk = await reader?.read()
        if (chunk === undefined || chunk.done) return undefined
        buffer += decoder.decode(chunk.value, { stream: true })
      }
    })
  return { next, close: Effect.promise(() => reader?.cancel() ?? Promise.resolve()) }
}

const isUpdated = (message: any) => message.method === "notifications/resources/updated"

const createNote = (gateway: InProcessGateway, token: string, space: string) =>
  Effect.map(
    Effect.flatMap(
      gateway.mcp(modernRequest("tools/call", {
        token,
        space,
        params: { name: "notes.create", arguments: { title: "Plan", content: "x" } },
        headers: { "mcp-name": "notes.create" }
      })),
      jsonRpcOf
    ),
    (answer): string => answer.result.structuredContent.note.id
  )

const pinNote = (gateway: InProcessGateway, token: string, space: string, id: string) =>
  Effect.flatMap(
    gateway.mcp(modernRequest("tools/call", {
      token,
      space,
      params: { name: "notes.update", arguments: { id, isPinned: true } },
      headers: { "mcp-name": "notes.update" }
    })),
    jsonRpcOf
  )

describe("resources over /mcp", () => {
  it.scoped("2025 session: declares subscribe, lists templates, delivers updated on the GET stream", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      const note = yield* createNote(gateway, token, spaceA)
      const sessionId = yield* openSession(gateway, alice, spaceA)
      const call = (id: number, method: string, params: Record<string, unknown> = {}) =>
        Effect.flatMap(
          gateway.mcp(mcpRequest({ token, space: spaceA, sessionId, body: { jsonrpc: "2.0", id, method, params } })),
          jsonRpcOf
        )
      const templates = yield* call(2, "resources/templates/list")
      assert.deepStrictEqual(
        templates.result.resourceTemplates.map((template: { uriTemplate: string }) => template.uriTemplate),
        ["mana://notes/{id}", "mana://journal/{id}", "mana://tasks/{id}"]
      )
      const uri = `mana://notes/${note}`
      assert.deepStrictEqual((yield* call(3, "resources/subscribe", { uri })).result, {})
      const stream = sseOf(yield* gateway.mcp(mcpRequest({ method: "GET", token, space: spaceA, sessionId })))
      yield* pinNote(gateway, token, spaceA, note)
      yield* gateway.changes.publish({ userId: alice, appId: "notes", tables: ["notes"] })
      const updated = yield* stream.next(isUpdated)
      assert.strictEqual(updated.params.uri, uri)
      yield* stream.close
    }))

  it.scoped("2026-07-28 listen: acknowledged, then updated stamped with the subscription id", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      const note = yield* createNote(gateway, token, spaceA)
      const uri = `mana://notes/${note}`
      const response = yield* gateway.mcp(modernRequest("subscriptions/listen", {
        token,
        space: spaceA,
        params: { notifications: { resourceSubscriptions: [uri], resourcesListChanged: true } }
      }))
      assert.strictEqual(response.headers.get("content-type"), "text/event-stream")
      const stream = sseOf(response)
      const ack = yield* stream.next((message) => message.method === "notifications/subscriptions/acknowledged")
      assert.deepStrictEqual(ack.params.notifications, { resourceSubscriptions: [uri], resourcesListChanged: true })
      yield* pinNote(gateway, token, spaceA, note)
      yield* gateway.changes.publish({ userId: alice, appId: "notes", tables: ["notes"] })
      const updated = yield* stream.next(isUpdated)
      assert.strictEqual(updated.params.uri, uri)
      assert.strictEqual(updated.params._meta["io.modelcontextprotocol/subscriptionId"], 7)
      yield* createNote(gateway, token, spaceA)
      yield* gateway.changes.publish({ userId: alice, appId: "notes", tables: ["notes"] })
      const listChanged = yield* stream.next((message) => message.method === "notifications/resources/list_changed")
      assert.isDefined(listChanged)
      yield* stream.close
    }))

  it.scoped("a listen for a record the caller cannot see is refused as not found, before any stream", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const aliceToken = yield* gateway.issuer.tokenFor(alice)
      const note = yield* createNote(gateway, aliceToken, spaceA)
      const bobToken = yield* gateway.issuer.tokenFor(bob)
      const refused = yield* jsonRpcOf(
        yield* gateway.mcp(modernRequest("subscriptions/listen", {
          token: bobToken,
          space: spaceB,
          params: { notifications: { resourceSubscriptions: [`mana://notes/${note}`] } }
        }))
      )
      assert.strictEqual(refused.error.code, -32602)
      assert.include(refused.error.message, "No note with id")
      assert.deepStrictEqual(refused.error.data, { uri: `mana://notes/${note}` })
    }))

  it.scoped("a subscription ends with its session, a listen watch with its stream", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      const sessionId = yield* openSession(gateway, alice, spaceA)
      const subscribe = mcpRequest({
        token,
        space: spaceA,
        sessionId,
        body: { jsonrpc: "2.0", id: 2, method: "resources/subscribe", params: { uri: "mana://habits/today" } }
      })
      assert.deepStrictEqual((yield* jsonRpcOf(yield* gateway.mcp(subscribe))).result, {})
      assert.strictEqual(gateway.resourceWatch.watchCount(alice), 1)
      const closed = yield* gateway.mcp(mcpRequest({ method: "DELETE", token, space: spaceA, sessionId }))
      assert.strictEqual(closed.status, 200)
      assert.strictEqual(gateway.resourceWatch.watchCount(alice), 0)

      const stream = sseOf(
        yield* gateway.mcp(modernRequest("subscriptions/listen", {
          token,
          space: spaceA,
          params: { notifications: { resourceSubscriptions: ["mana://habits/today"], resourcesListChanged: true } }
        }))
      )
      yield* stream.next((message) => message.method === "notifications/subscriptions/acknowledged")
      assert.strictEqual(gateway.resourceWatch.watchCount(alice), 2)
      yield* stream.close
      assert.strictEqual(gateway.resourceWatch.watchCount(alice), 0)

      // A listen for tool list changes only is the SDK's business: nothing watched, nothing retained.
      const tools = yield* jsonRpcOf(
        yield* gateway.mcp(modernRequest("subscriptions/listen", {
          token,
          space: spaceA,
          params: { notifications: { toolsListChanged: true } }
        }))
      )
      assert.deepStrictEqual(tools.params.notifications, {})
      assert.strictEqual(gateway.resourceWatch.watchCount(alice), 0)
    }))
})
