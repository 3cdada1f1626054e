/**
 * Era routing on one `/mcp`, in-process: a 2025-era initialize opens a session, a 2026-07-28
 * request is served per request and never touches the session store, both share one registry,
 * and the modern era's cache hints and version errors come from the SDK.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import {
  bodyOf,
  initializeBody,
  jsonRpcOf,
  mcpRequest,
  modernRequest,
  openSession,
  startInProcessGateway
} from "../support/inProcessGateway.ts"
import { metricValue } from "../support/prometheus.ts"
import { alice, spaceA, spaceShared } from "../support/users.ts"

describe("era routing", () => {
  it.scoped("opens a session for a 2025 initialize, and serves 2026-07-28 requests without one", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      const legacy = yield* gateway.mcp(mcpRequest({ token, space: spaceA, body: initializeBody }))
      assert.strictEqual(legacy.status, 200)
      assert.isString(legacy.headers.get("mcp-session-id"))
      assert.strictEqual((yield* jsonRpcOf(legacy)).result.protocolVersion, "2025-11-25")

      const modern = yield* gateway.mcp(modernRequest("tools/list", { token, space: spaceA }))
      assert.strictEqual(modern.status, 200)
      assert.isNull(modern.headers.get("mcp-session-id"))
      const tools = (yield* jsonRpcOf(modern)).result.tools.map((tool: { name: string }) => tool.name)
      assert.include(tools, "spaces.list")
      assert.include(tools, "habits.create")
    }))

  it.scoped("gives modern lists cache hints (tools/list: private, not reused: it follows the grant), and answers an unsupported revision with -32022", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      const listed = yield* jsonRpcOf(yield* gateway.mcp(modernRequest("tools/list", { token, space: spaceA })))
      assert.strictEqual(listed.result.ttlMs, 0)
      assert.strictEqual(listed.result.cacheScope, "private")
      const prompts = yield* jsonRpcOf(yield* gateway.mcp(modernRequest("prompts/list", { token, space: spaceA })))
      assert.isAbove(prompts.result.ttlMs, 0)
      assert.strictEqual(prompts.result.cacheScope, "public")

      const future = yield* jsonRpcOf(
        yield* gateway.mcp(modernRequest("tools/list", { token, space: spaceA, version: "2099-01-01" }))
      )
      assert.strictEqual(future.error.code, -32022)
      assert.include(JSON.stringify(future.error.data), "2026-07-28")
    }))

  it.scoped("runs a modern tools/call with the space of its own request", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      const call = (space: string) =>
        Effect.flatMap(
          gateway.mcp(modernRequest("tools/call", {
            token,
            space,
            params: { name: "spaces.list", arguments: {} },
            headers: { "mcp-name": "spaces.list" }
          })),
          jsonRpcOf
        )
      const shared = yield* call(spaceShared)
      assert.strictEqual(shared.result.structuredContent.activeSpaceId, spaceShared)
      assert.deepStrictEqual(
        shared.result.structuredContent.spaces.map((space: { id: string }) => space.id),
        [spaceA, spaceShared]
      )
      assert.strictEqual((yield* call(spaceA)).result.structuredContent.activeSpaceId, spaceA)
    }))

  it.scoped("never touches the session store for modern traffic (200 requests), and counts each era", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      yield* openSession(gateway, alice, spaceA)
      const before = yield* gateway.metrics
      assert.strictEqual(metricValue(before, "mana_mcp_sessions_active"), 1)
      yield* Effect.forEach(Array.from({ length: 200 }), () =>
        Effect.gen(function*() {
          const response = yield* gateway.mcp(modernRequest("tools/list", { token, space: spaceA }))
          assert.strictEqual(response.status, 200)
          assert.isNull(response.headers.get("mcp-session-id"))
          yield* Effect.promise(() => response.arrayBuffer())
        }), { concurrency: 50, discard: true })
      const after = yield* gateway.metrics
      assert.strictEqual(metricValue(after, "mana_mcp_sessions_active"), 1)
      assert.strictEqual(
        metricValue(after, "mana_mcp_requests_total", { era: "modern", method: "tools/list" }) -
          metricValue(before, "mana_mcp_requests_total", { era: "modern", method: "tools/list" }),
        200
      )
      assert.strictEqual(metricValue(after, "mana_mcp_requests_total", { era: "legacy", method: "initialize" }), 1)
    }))

  it.scoped("answers GET and DELETE without a session id with 400, naming how to open one", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      for (const method of ["GET", "DELETE"]) {
        const response = yield* gateway.mcp(mcpRequest({ method, token, space: spaceA }))
        assert.strictEqual(response.status, 400, method)
        const body = yield* bodyOf(response)
        assert.strictEqual(body.error, "missing_session")
        assert.include(body.message, "initialize")
      }
    }))
})
