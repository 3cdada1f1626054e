/**
 * 2025-era session rules, in-process: the session belongs to the user who opened it (another
 * user's id → 403), unknown or idle-expired ids → 404, DELETE ends it, the per-user cap closes the
 * least recently used one; each request still carries its own token and space.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, TestClock } from "effect"
import {
  bodyOf,
  type InProcessGateway,
  jsonRpcOf,
  mcpRequest,
  openSession,
  startInProcessGateway
} from "../support/inProcessGateway.ts"
import { metricValue } from "../support/prometheus.ts"
import { alice, bob, spaceA, spaceB, spaceShared } from "../support/users.ts"

const ping = { jsonrpc: "2.0", id: 2, method: "ping" }

const pingStatus = (gateway: InProcessGateway, userId: string, space: string, sessionId: string) =>
  Effect.gen(function*() {
    const token = yield* gateway.issuer.tokenFor(userId)
    const response = yield* gateway.mcp(mcpRequest({ token, space, sessionId, body: ping }))
    yield* Effect.promise(() => response.text())
    return response.status
  })

describe("sessions (2025 era)", () => {
  it.scoped("belong to their user: another user's id → 403, unknown → 404, DELETE then reuse → 404", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const id = yield* openSession(gateway, alice, spaceA)
      assert.strictEqual(yield* pingStatus(gateway, alice, spaceA, id), 200)

      const token = yield* gateway.issuer.tokenFor(bob)
      const stolen = yield* gateway.mcp(mcpRequest({ token, space: spaceB, sessionId: id, body: ping }))
      assert.strictEqual(stolen.status, 403)
      assert.strictEqual((yield* bodyOf(stolen)).error, "forbidden_session")

      const unknown = yield* gateway.mcp(
        mcpRequest({
          token: yield* gateway.issuer.tokenFor(alice),
          space: spaceA,
          sessionId: crypto.randomUUID(),
          body: ping
        })
      )
      assert.strictEqual(unknown.status, 404)
      assert.strictEqual((yield* bodyOf(unknown)).error, "session_not_found")

      const deleted = yield* gateway.mcp(
        mcpRequest({ method: "DELETE", token: yield* gateway.issuer.tokenFor(alice), space: spaceA, sessionId: id })
      )
      assert.strictEqual(deleted.status, 200)
      assert.strictEqual(yield* pingStatus(gateway, alice, spaceA, id), 404)
    }))

  it.scoped("expire after SESSION_IDLE_TIMEOUT without use (404), and use keeps them alive", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway({ sessionIdleTimeout: Duration.minutes(30) })
      const kept = yield* openSession(gateway, alice, spaceA)
      const idle = yield* openSession(gateway, alice, spaceA)
      yield* TestClock.adjust("20 minutes")
      assert.strictEqual(yield* pingStatus(gateway, alice, spaceA, kept), 200)
      yield* TestClock.adjust("20 minutes")
      assert.strictEqual(yield* pingStatus(gateway, alice, spaceA, kept), 200)
      assert.strictEqual(yield* pingStatus(gateway, alice, spaceA, idle), 404)
      assert.strictEqual(metricValue(yield* gateway.metrics, "mana_mcp_sessions_active"), 1)
    }))

  it.scoped("are capped per user: a new session closes that user's least recently used one", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway({ maxSessionsPerUser: 2 })
      const first = yield* openSession(gateway, alice, spaceA)
      const second = yield* openSession(gateway, alice, spaceA)
      const bobs = yield* openSession(gateway, bob, spaceB)
      yield* TestClock.adjust("1 second")
      // Using the first makes the second the least recently used.
      assert.strictEqual(yield* pingStatus(gateway, alice, spaceA, first), 200)
      const third = yield* openSession(gateway, alice, spaceA)
      assert.strictEqual(yield* pingStatus(gateway, alice, spaceA, second), 404)
      assert.strictEqual(yield* pingStatus(gateway, alice, spaceA, first), 200)
      assert.strictEqual(yield* pingStatus(gateway, alice, spaceA, third), 200)
      assert.strictEqual(yield* pingStatus(gateway, bob, spaceB, bobs), 200, "another user's sessions do not count")
      assert.strictEqual(metricValue(yield* gateway.metrics, "mana_mcp_sessions_active"), 3)
    }))

  it.scoped("take the space and token of each request: a space switch and a refreshed token work in one session", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const id = yield* openSession(gateway, alice, spaceA)
      assert.strictEqual(yield* pingStatus(gateway, alice, spaceShared, id), 200)
      assert.strictEqual(yield* pingStatus(gateway, alice, spaceB, id), 403)

      const activeSpaceIn = (space: string) =>
        Effect.gen(function*() {
          const token = yield* gateway.issuer.tokenFor(alice)
          const response = yield* gateway.mcp(mcpRequest({
            token,
            space,
            sessionId: id,
            body: { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "spaces.list", arguments: {} } }
          }))
          return (yield* jsonRpcOf(response)).result.structuredContent.activeSpaceId
        })
      assert.strictEqual(yield* activeSpaceIn(spaceShared), spaceShared)
      assert.strictEqual(yield* activeSpaceIn(spaceA), spaceA)
      assert.strictEqual(
        metricValue(yield* gateway.metrics, "mana_mcp_requests_total", { era: "legacy", method: "tools/call" }),
        2
      )

      // A refreshed token (issued later, so a different JWT) keeps working in the same session.
      const before = yield* gateway.issuer.tokenFor(alice)
      yield* TestClock.adjust("1 minute")
      const refreshed = yield* gateway.issuer.tokenFor(alice)
      assert.notStrictEqual(refreshed, before)
      const response = yield* gateway.mcp(mcpRequest({ token: refreshed, space: spaceA, sessionId: id, body: ping }))
      assert.strictEqual(response.status, 200)
    }))
})
