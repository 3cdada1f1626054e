/**
 * SyncClientHttp's wire handling against a scripted HttpClient: headers and client ids, status →
 * SyncError mapping, retries of transient pull failures, and the per-request timeout (TestClock).
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Duration, Effect, Fiber, Layer, Ref, TestClock, Tracer } from "effect"
import { ManaConfig } from "../../src/config/Config.ts"
import { Upstreams } from "../../src/config/Upstreams.ts"
import { Ids } from "../../src/domain/Ids.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { ReadCache } from "../../src/sync/ReadCache.ts"
import { SyncClient } from "../../src/sync/SyncClient.ts"
import { SyncClientHttp } from "../../src/sync/SyncClientHttp.ts"
import { alice, callerFor, spaceA } from "../support/users.ts"

interface Seen {
  readonly traceparent: string | undefined
  readonly method: string
  readonly url: string
  readonly clientId: string | undefined
  readonly auth: string | undefined
}

/** Answers each request with the next scripted response (`"hang"` never answers). */
const scripted = (script: ReadonlyArray<Response | "hang">) =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<ReadonlyArray<Seen>>([])
    const client = HttpClient.make((request) =>
      Effect.gen(function*() {
        const index = (yield* Ref.getAndUpdate(seen, (s) => [...s, {
          traceparent: request.headers["traceparent"],
          method: request.method,
          url: request.url,
          clientId: request.headers["x-client-id"],
          auth: request.headers["authorization"]
        }])).length
        const next = script[Math.min(index, script.length - 1)]
        if (next === undefined || next === "hang") return yield* Effect.never
        return HttpClientResponse.fromWeb(request, next.clone())
      })
    )
    const layer = SyncClientHttp.pipe(
      Layer.provide(Layer.mergeAll(
        Layer.succeed(HttpClient.HttpClient, client),
        Layer.succeed(Upstreams, { authUrl: "http://auth.test", syncUrl: "http://sync.test", issuers: [] }),
        ManaConfig.layerWith({ upstreamTimeout: Duration.seconds(2) }),
        Metrics.layer,
        ReadCache.layerTest,
        Ids.layerTest
      ))
    )
    return { seen, layer }
  })

const ok = () => new Response(JSON.stringify({ serverChanges: [], conflicts: [], syncedUntil: "2026-01-01T00:00:00Z" }))
const me = callerFor(alice, spaceA, "jwt-token")

const readOnce = Effect.flatMap(SyncClient, (sync) => sync.read(me, "habits", "habits"))

describe("SyncClientHttp", () => {
  it.effect("pulls with the reader id and pushes with a different writer id", () =>
    Effect.gen(function*() {
      const { layer, seen } = yield* scripted([ok()])
      yield* Effect.gen(function*() {
        const sync = yield* SyncClient
        yield* sync.read(me, "habits", "habits")
        yield* sync.push(me, "habits", "habits.create", [{
          op: "insert",
          table: "habits",
          id: "x",
          data: { title: "t" }
        }])
      }).pipe(Effect.provide(layer))
      const [pull, push] = yield* Ref.get(seen)
      assert.strictEqual(pull?.method, "GET")
      assert.include(pull?.url ?? "", "http://sync.test/sync/habits/pull")
      assert.match(pull?.clientId ?? "", /^mana-mcp-reader-/)
      assert.match(push?.clientId ?? "", /^mana-mcp-writer-/)
      assert.strictEqual(push?.auth, "Bearer jwt-token")
    }))

  it.effect("maps 401, 402 and other 4xx to their errors, with the server's text", () =>
    Effect.gen(function*() {
      const cases = [
        [new Response("unauthorized: token expired\n", { status: 401 }), "SyncUnauthorized"],
        [new Response("{}", { status: 402 }), "SyncPaymentRequired"],
        [new Response("missing collection or since parameter\n", { status: 400 }), "SyncRejected"]
      ] as const
      for (const [response, tag] of cases) {
        const { layer } = yield* scripted([response])
        const error = yield* Effect.flip(Effect.provide(readOnce, layer))
        assert.strictEqual(error._tag, tag)
        if (error._tag === "SyncRejected") assert.strictEqual(error.detail, "missing collection or since parameter")
      }
    }))

  it.effect("retries a pull after a 5xx and succeeds", () =>
    Effect.gen(function*() {
      const { layer, seen } = yield* scripted([new Response("boom", { status: 503 }), ok()])
      const fiber = yield* Effect.fork(Effect.provide(readOnce, layer))
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(yield* Fiber.join(fiber), [])
      assert.strictEqual((yield* Ref.get(seen)).length, 2)
    }))

  it.effect("gives up with SyncUnavailable(timeout) when mana-sync never answers", () =>
    Effect.gen(function*() {
      const { layer, seen } = yield* scripted(["hang"])
      const fiber = yield* Effect.fork(Effect.flip(Effect.provide(readOnce, layer)))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "SyncUnavailable")
      if (error._tag === "SyncUnavailable") assert.strictEqual(error.reason, "timeout")
      assert.strictEqual((yield* Ref.get(seen)).length, 4)
    }))

  it.effect("tells the agent a push that kept failing is unconfirmed (it may exist), after the safe retries", () =>
    Effect.gen(function*() {
      const { layer, seen } = yield* scripted([new Response("boom", { status: 500 })])
      const push = Effect.flatMap(
        SyncClient,
        (sync) =>
          sync.push(me, "habits", "habits.create", [{ op: "insert", table: "habits", id: "x", data: { title: "t" } }])
      )
      const fiber = yield* Effect.fork(Effect.flip(Effect.provide(push, layer)))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "SyncUnavailable")
      if (error._tag === "SyncUnavailable") assert.strictEqual(error.operation, "create")
      assert.include(error.message, "this create is unconfirmed")
      assert.include(error.message, "first call habits.list to see whether it exists")
      assert.notInclude(error.message, "retry it in a moment")
      assert.strictEqual((yield* Ref.get(seen)).length, 3)
    }))

  it.effect("tells the agent an unconfirmed update may simply be retried", () =>
    Effect.gen(function*() {
      const { layer } = yield* scripted([new Response("boom", { status: 503 })])
      const push = Effect.flatMap(
        SyncClient,
        (sync) =>
          sync.push(me, "habits", "habits.update", [{ op: "update", table: "habits", id: "x", fields: { title: "t" } }])
      )
      const fiber = yield* Effect.fork(Effect.flip(Effect.provide(push, layer)))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      assert.isTrue(error._tag === "SyncUnavailable" && error.operation === "update")
      assert.include(error.message, "Repeating the same call is safe")
    }))

  it.effect("turns a malformed pull answer into a defect that does not quote record values", () =>
    Effect.gen(function*() {
      const { layer } = yield* scripted([new Response(JSON.stringify({ serverChanges: "secret-plaintext-value" }))])
      const exit = yield* Effect.exit(Effect.provide(readOnce, layer))
      assert.isTrue(exit._tag === "Failure" && Cause.isDie(exit.cause))
      if (exit._tag === "Failure") {
        assert.include(Cause.pretty(exit.cause), "does not match the protocol")
        assert.notInclude(Cause.pretty(exit.cause), "secret-plaintext-value")
      }
    }))

  it.effect("carries the agent's trace to mana-sync: the pull's traceparent continues the caller's trace", () =>
    Effect.gen(function*() {
      const { layer, seen } = yield* scripted([ok()])
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
      const parent = Tracer.externalSpan({ traceId, spanId: "00f067aa0ba902b7", sampled: true })
      yield* Effect.provide(readOnce, layer).pipe(Effect.withParentSpan(parent))
      const [pull] = yield* Ref.get(seen)
      assert.match(pull?.traceparent ?? "", new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`))
    }))
})
