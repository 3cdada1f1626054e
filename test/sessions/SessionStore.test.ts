import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { afterAll, beforeAll } from "vitest"
import { makeSessionStoreMemory } from "../../src/sessions/sessionStoreMemory.ts"
import { makeSessionStoreRedis } from "../../src/sessions/sessionStoreRedis.ts"
import { RedisConnection } from "../../src/state/RedisConnection.ts"
import { type RedisServer, startRedisServer } from "../harness/redisServer.ts"
import { redisConnectionLayer, scopedRedisConnection } from "../support/stateLayers.ts"
import { sessionStoreContract } from "./sessionStoreContract.ts"

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(() => redis.stop())

describe("SessionStore (memory)", () => {
  sessionStoreContract((idle, max) => makeSessionStoreMemory(idle, max))
})

describe("SessionStore (Redis)", () => {
  sessionStoreContract((idle, max) =>
    Effect.flatMap(scopedRedisConnection(redis.url), (connection) => makeSessionStoreRedis(connection, idle, max))
  )

  it.scoped("one session, several instances: a deletion through one is seen by the other", () =>
    Effect.gen(function*() {
      // Two connections with one prefix: two instances of one deployment.
      const connection = yield* scopedRedisConnection(redis.url)
      const other = { ...(yield* scopedRedisConnection(redis.url)), prefix: connection.prefix }
      const a = yield* makeSessionStoreRedis(connection, 60_000, 16)
      const b = yield* makeSessionStoreRedis(other, 60_000, 16)
      yield* a.create({
        id: "s",
        userId: "alice",
        protocolVersion: "2025-06-18",
        clientInfo: {},
        clientCapabilities: {}
      })
      assert.strictEqual((yield* b.touch("s", "alice")).protocolVersion, "2025-06-18")
      yield* b.remove("s")
      assert.strictEqual((yield* Effect.flip(a.touch("s", "alice")))._tag, "SessionNotFound")
    }))

  it.scoped("Redis unreachable: operations fail with StateStoreUnavailable naming the store", () =>
    Effect.gen(function*() {
      const connection = yield* RedisConnection
      const store = yield* makeSessionStoreRedis(connection, 60_000, 16)
      assert.isTrue(Option.isSome(yield* store.generation))
      const ended = new Promise((resolve) => connection.client.once("end", resolve))
      connection.client.disconnect()
      yield* Effect.promise(() => ended)
      assert.isTrue(Option.isNone(yield* store.generation))
      const error = yield* Effect.flip(store.touch("s", "alice"))
      assert.strictEqual(error._tag, "StateStoreUnavailable")
      assert.strictEqual(error._tag === "StateStoreUnavailable" ? error.store : "", "sessions")
    }).pipe(Effect.provide(redisConnectionLayer(redis.url))))
})
