/**
 * The IdempotencyStore contract on both layers (memory, and Redis on a real `redis-server`):
 * first answer kept, per (user, key), forgotten after 24 h; Redis holds neither the user id, the
 * client's key nor any content in clear, and a sealed value moved to another key does not open.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Option, type Scope, TestClock } from "effect"
import { afterAll, beforeAll } from "vitest"
import type { IdempotencyStoreShape } from "../../src/idempotency/IdempotencyStore.ts"
import { makeIdempotencyStoreMemory } from "../../src/idempotency/idempotencyStoreMemory.ts"
import { makeIdempotencyStoreRedis } from "../../src/idempotency/idempotencyStoreRedis.ts"
import { type RedisServer, startRedisServer } from "../harness/redisServer.ts"
import { scopedRedisConnection } from "../support/stateLayers.ts"
import { alice, bob } from "../support/users.ts"

const retention = Duration.hours(24)
const answer = (marker: string) => ({ tool: "notes.create", fingerprint: "f1", output: { note: { title: marker } } })

const contract = (make: () => Effect.Effect<IdempotencyStoreShape, never, Scope.Scope>) => {
  it.scoped("keeps the first answer per (user, key)", () =>
    Effect.gen(function*() {
      const store = yield* make()
      assert.isTrue(Option.isNone(yield* store.recall(alice, "k")))
      yield* store.remember(alice, "k", answer("first"))
      yield* store.remember(alice, "k", answer("second"))
      assert.deepStrictEqual(Option.getOrNull(yield* store.recall(alice, "k")), answer("first"))
      assert.isTrue(Option.isNone(yield* store.recall(bob, "k")))
      assert.isTrue(Option.isNone(yield* store.recall(alice, "k2")))
    }))
}

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(() => redis.stop())

describe("IdempotencyStore (memory)", () => {
  contract(() => Effect.succeed(makeIdempotencyStoreMemory({ retention, maxEntries: 100 })))

  it.effect("forgets an answer after 24 hours and drops the oldest past its bound", () =>
    Effect.gen(function*() {
      const store = makeIdempotencyStoreMemory({ retention, maxEntries: 2 })
      yield* store.remember(alice, "a", answer("a"))
      yield* TestClock.adjust("23 hours")
      assert.isTrue(Option.isSome(yield* store.recall(alice, "a")))
      yield* TestClock.adjust("2 hours")
      assert.isTrue(Option.isNone(yield* store.recall(alice, "a")))
      yield* store.remember(alice, "b", answer("b"))
      yield* store.remember(alice, "c", answer("c"))
      yield* store.remember(alice, "d", answer("d"))
      assert.isTrue(Option.isNone(yield* store.recall(alice, "b")))
      assert.isTrue(Option.isSome(yield* store.recall(alice, "d")))
    }))
})

describe("IdempotencyStore (Redis)", () => {
  const key = crypto.getRandomValues(new Uint8Array(32))
  contract(() =>
    Effect.orDie(Effect.map(scopedRedisConnection(redis.url), (c) => makeIdempotencyStoreRedis(c, key, retention)))
  )

  it.scoped("holds no user id, key or content in clear, with a 24 h TTL; a moved value does not open", () =>
    Effect.gen(function*() {
      const connection = yield* scopedRedisConnection(redis.url)
      const store = makeIdempotencyStoreRedis(connection, key, retention)
      yield* store.remember(alice, "client-key-marker", answer("plaintext-marker"))
      yield* store.remember(bob, "other", answer("other"))
      const names = yield* Effect.promise(() => connection.client.keys(`${connection.prefix}*`))
      assert.strictEqual(names.length, 2)
      const [first, second] = names as [string, string]
      const values = yield* Effect.promise(() => connection.client.mget(first, second))
      const everything = JSON.stringify([names, values])
      for (const clear of [alice, bob, "client-key-marker", "plaintext-marker", "notes.create"]) {
        assert.notInclude(everything, clear)
      }
      assert.isAbove(yield* Effect.promise(() => connection.client.pttl(first)), 23 * 3_600_000)
      // Swap the two values: each then sits under another key and must not open.
      yield* Effect.promise(() => connection.client.mset(first, values[1] ?? "", second, values[0] ?? ""))
      assert.isTrue(Option.isNone(yield* store.recall(alice, "client-key-marker")))
      assert.isTrue(Option.isNone(yield* store.recall(bob, "other")))
    }))
})
