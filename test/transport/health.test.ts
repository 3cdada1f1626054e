/**
 * The routes around `/mcp`, in-process: `/health` and `/metrics` while serving, and what draining
 * changes — new requests and `/health` get 503, sessions close.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import {
  bodyOf,
  httpGet,
  initializeBody,
  mcpRequest,
  openSession,
  startInProcessGateway
} from "../support/inProcessGateway.ts"
import { metricValue } from "../support/prometheus.ts"
import { alice, spaceA } from "../support/users.ts"

describe("health, metrics and draining", () => {
  it.scoped("reports health with the tool count and Prometheus metrics with the service label", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const health = yield* gateway.http(httpGet("/health"))
      assert.strictEqual(health.status, 200)
      const body = yield* bodyOf(health)
      assert.deepInclude(body, { status: "ok", service: "mana-mcp" })
      assert.isTrue(body.registry.loaded)
      assert.isAbove(body.registry.tools, 10)
      const metrics = yield* gateway.http(httpGet("/metrics"))
      const text = yield* Effect.promise(() => metrics.text())
      assert.match(text, /^mana_mcp_sessions_active\{service="mana-mcp"\} \d+/m)
      assert.match(text, /^mana_mcp_process_cpu_user_seconds_total\{service="mana-mcp"\}/m)
    }))

  it.scoped("once draining: /mcp and /health answer 503, and open sessions are closed", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      yield* openSession(gateway, alice, spaceA)
      assert.strictEqual(metricValue(yield* gateway.metrics, "mana_mcp_sessions_active"), 1)

      const draining = yield* Effect.fork(gateway.endpoint.drain)
      yield* Effect.yieldNow()
      assert.isTrue(yield* gateway.endpoint.isDraining)
      const refused = yield* gateway.mcp(mcpRequest({ token, space: spaceA, body: initializeBody }))
      assert.strictEqual(refused.status, 503)
      assert.strictEqual(refused.headers.get("retry-after"), "2")
      assert.strictEqual((yield* bodyOf(refused)).error, "shutting_down")
      const health = yield* gateway.http(httpGet("/health"))
      assert.strictEqual(health.status, 503)
      assert.strictEqual((yield* bodyOf(health)).status, "draining")

      // No call is running; after the flush pause the drain closes every session.
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(draining)
      assert.strictEqual(metricValue(yield* gateway.metrics, "mana_mcp_sessions_active"), 0)
    }))
})
