/**
 * WriteFence against memory and a real `redis-server`: the shared contract, then what only the
 * Redis fence has to do — fence every instance sharing the prefix, keep only table names in Redis,
 * and fail (counted) without handing out an old token.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Ref } from "effect"
import { afterAll, beforeAll } from "vitest"
import { Metrics } from "../../src/observability/Metrics.ts"
import { RedisConnection } from "../../src/state/RedisConnection.ts"
import { makeReadCache } from "../../src/sync/ReadCache.ts"
import { makeWriteFenceMemory, WriteFence } from "../../src/sync/WriteFence.ts"
import { makeWriteFenceRedis, writeFenceTtl } from "../../src/sync/writeFenceRedis.ts"
import { type RedisServer, startRedisServer } from "../harness/redisServer.ts"
import { metricValue } from "../support/prometheus.ts"
import { redisConnectionLayer, scopedRedisConnection } from "../support/stateLayers.ts"
import { writeFenceContract } from "./writeFenceContract.ts"

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(() => redis.stop())

describe("WriteFence (memory)", () => {
  writeFenceContract(() => Effect.sync(makeWriteFenceMemory))

  it.effect("the in-process look agrees with `current`", () =>
    Effect.gen(function*() {
      const fence = makeWriteFenceMemory()
      const look = fence.currentInProcess
      assert.isDefined(look)
      if (look === undefined) return
      assert.strictEqual(look("todo", "tasks", "s"), yield* fence.current("todo", "tasks", "s"))
      yield* fence.advance("todo", "tasks", "s")
      assert.strictEqual(look("todo", "tasks", "s"), yield* fence.current("todo", "tasks", "s"))
    }))
})

describe("WriteFence (Redis)", () => {
  writeFenceContract(() => Effect.map(scopedRedisConnection(redis.url), makeWriteFenceRedis))

  /** Two connections with one prefix: two instances of one deployment. */
  const twoInstances = Effect.gen(function*() {
    const connection = yield* scopedRedisConnection(redis.url)
    const other = { ...(yield* scopedRedisConnection(redis.url)), prefix: connection.prefix }
    return { connection, a: makeWriteFenceRedis(connection), b: makeWriteFenceRedis(other) }
  })

  it.scoped("is asked for on every look (no in-process shortcut), and a move on one instance changes the other's token", () =>
    Effect.gen(function*() {
      const { a, b } = yield* twoInstances
      assert.isUndefined(b.currentInProcess)
      const before = yield* b.current("habits", "habits", "s")
      yield* a.advance("habits", "habits", "s")
      assert.notStrictEqual(yield* b.current("habits", "habits", "s"), before)
    }))

  it.scoped("a read cache on instance B pulls again after a write returned on instance A", () =>
    Effect.gen(function*() {
      const { a, b } = yield* twoInstances
      const options = {
        maxUsers: 10,
        maxRecords: 1_000_000,
        overlap: "5 seconds",
        rebuildAfter: "15 minutes",
        freshness: "1 minute"
      } as const
      const cacheA = yield* makeReadCache(options).pipe(Effect.provideService(WriteFence, a))
      const cacheB = yield* makeReadCache(options).pipe(Effect.provideService(WriteFence, b))
      const pulls = yield* Ref.make(0)
      const pull = () =>
        Effect.as(Ref.update(pulls, (n) => n + 1), { serverChanges: [], syncedUntil: "2026-01-01T00:00:00Z" })
      const key = { userId: "u1", app: "habits", table: "habits" }
      yield* cacheB.read(key, pull)
      yield* cacheB.read(key, pull)
      assert.strictEqual(yield* Ref.get(pulls), 1)
      yield* cacheA.noteWrite("habits", "habits")
      yield* cacheB.read(key, pull)
      assert.strictEqual(yield* Ref.get(pulls), 2)
    }))

  it.scoped("Redis holds one counter per table, named by app, table and space only", () =>
    Effect.gen(function*() {
      const { a, connection } = yield* twoInstances
      yield* a.advance("habits", "habits", "s")
      yield* a.advance("habits", "habits", "s")
      yield* a.advance("todo", "tasks", "s")
      const keys = yield* Effect.promise(() => connection.client.keys(`${connection.prefix}*`))
      assert.deepStrictEqual(keys.sort(), [
        `${connection.prefix}write-fence:habits:habits:s`,
        `${connection.prefix}write-fence:todo:tasks:s`
      ])
      assert.strictEqual(
        yield* Effect.promise(() => connection.client.get(`${connection.prefix}write-fence:habits:habits:s`)),
        "2"
      )
    }))

  it.scoped("a counter expires a day after its last move or look, long after a read could reuse a state that saw it", () =>
    Effect.gen(function*() {
      const { a, connection } = yield* twoInstances
      const key = `${connection.prefix}write-fence:habits:habits:s`
      const ttl = () => Effect.promise(() => connection.client.pttl(key))
      yield* a.advance("habits", "habits", "s")
      const first = yield* ttl()
      // Longer than the read cache's rebuild horizon (15 minutes): no state outlives its counter.
      assert.isAbove(first, 15 * 60_000)
      assert.isAtMost(first, writeFenceTtl)
      yield* Effect.promise(() => connection.client.pexpire(key, 60_000))
      yield* a.advance("habits", "habits", "s")
      assert.isAbove(yield* ttl(), 60_000, "every move starts the time again")
      yield* Effect.promise(() => connection.client.pexpire(key, 60_000))
      yield* a.current("habits", "habits", "s")
      assert.isAbove(yield* ttl(), 60_000, "and every look")
    }))

  it.scoped("a move Redis refuses fails (counted) and still changes this instance's token", () =>
    Effect.gen(function*() {
      const connection = yield* RedisConnection
      const fence = makeWriteFenceRedis(connection)
      const before = yield* fence.current("habits", "habits", "s")
      // Out of memory under `noeviction`: Redis refuses writes (INCR) but still answers reads (GET).
      const maxMemory = (bytes: string) => Effect.promise(() => connection.client.config("SET", "maxmemory", bytes))
      const error = yield* maxMemory("1").pipe(
        Effect.zipRight(Effect.flip(fence.advance("habits", "habits", "s"))),
        Effect.ensuring(maxMemory("0"))
      )
      assert.deepStrictEqual([error._tag, error.store], ["StateStoreUnavailable", "write-fence"])
      assert.notStrictEqual(yield* fence.current("habits", "habits", "s"), before)
      const text = yield* Effect.flatMap(Metrics, (metrics) => metrics.render)
      assert.strictEqual(metricValue(text, "mana_mcp_state_store_errors_total", { store: "write-fence" }), 1)
    }).pipe(Effect.provide(redisConnectionLayer(redis.url))))

  it.scoped(
    "a Redis restart that loses the counters does not hand out a token from before it",
    () =>
      Effect.gen(function*() {
        const volatile = yield* Effect.acquireRelease(
          Effect.promise(() => startRedisServer()),
          (server) => Effect.promise(() => server.stop())
        )
        const connection = yield* scopedRedisConnection(volatile.url)
        const fence = makeWriteFenceRedis(connection)
        yield* fence.advance("habits", "habits", "s")
        yield* fence.advance("habits", "habits", "s")
        const before = yield* fence.current("habits", "habits", "s")
        yield* Effect.promise(() => volatile.stop())
        yield* Effect.promise(() => volatile.start())
        // The connection comes back by itself (capped backoff); the counter starts again from 0.
        while (!(yield* connection.isUp)) yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
        yield* fence.advance("habits", "habits", "s")
        yield* fence.advance("habits", "habits", "s")
        assert.strictEqual(
          yield* Effect.promise(() => connection.client.get(`${connection.prefix}write-fence:habits:habits:s`)),
          "2"
        )
        assert.notStrictEqual(yield* fence.current("habits", "habits", "s"), before)
      }),
    { timeout: 30_000 }
  )

  it.scoped("Redis unreachable: looks fail with StateStoreUnavailable naming the store, counted", () =>
    Effect.gen(function*() {
      const connection = yield* RedisConnection
      const fence = makeWriteFenceRedis(connection)
      yield* fence.current("habits", "habits", "s")
      const ended = new Promise((resolve) => connection.client.once("end", resolve))
      connection.client.disconnect()
      yield* Effect.promise(() => ended)
      const error = yield* Effect.flip(fence.current("habits", "habits", "s"))
      assert.deepStrictEqual([error._tag, error.store], ["StateStoreUnavailable", "write-fence"])
      const text = yield* Effect.flatMap(Metrics, (metrics) => metrics.render)
      assert.strictEqual(metricValue(text, "mana_mcp_state_store_errors_total", { store: "write-fence" }), 1)
    }).pipe(Effect.provide(redisConnectionLayer(redis.url))))
})
