import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, TestClock } from "effect"
import { afterAll, beforeAll } from "vitest"
import { InvocationLog, type InvocationLogOptions } from "../../src/policy/InvocationLog.ts"
import { makeInvocationLogRedis } from "../../src/policy/invocationLogRedis.ts"
import { type RedisServer, startRedisServer } from "../harness/redisServer.ts"
import { scopedRedisConnection } from "../support/stateLayers.ts"
import { invocationLogContract } from "./invocationLogContract.ts"

const defaults = { perKeyCapacity: 512, maxKeys: 1000, retention: Duration.seconds(60) }

const withLog = (options: Partial<InvocationLogOptions> = {}) =>
  Effect.provide(InvocationLog.layerWith({ ...defaults, ...options }))

const minute = Duration.seconds(60)

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(() => redis.stop())

describe("InvocationLog (memory)", () => {
  invocationLogContract((options) =>
    Effect.provide(InvocationLog, InvocationLog.layerWith({ ...defaults, ...options }))
  )
})

describe("InvocationLog (Redis)", () => {
  invocationLogContract((options) =>
    Effect.map(scopedRedisConnection(redis.url), (connection) =>
      makeInvocationLogRedis(connection, {
        perKeyCapacity: options.perKeyCapacity ?? defaults.perKeyCapacity,
        retention: defaults.retention
      }))
  )
})

describe("InvocationLog (memory only)", () => {
  it.effect("100k appends stay fast and counts stay right (amortized O(1))", () =>
    Effect.gen(function*() {
      const log = yield* InvocationLog
      // 100k calls spread over 100 s across 10 users: each key keeps its own bounded ring.
      for (let index = 0; index < 100_000; index++) {
        yield* log.record(`user-${index % 10}`, "t")
        if (index % 1000 === 999) yield* TestClock.adjust("1 second")
      }
      // Last 60 s (t=40..99 s, plus the 1000 calls at t=99 s) = 60 seconds × 100 calls per user,
      // but the ring holds 512.
      const recent = yield* log.recentCalls("user-3", "t", minute)
      assert.strictEqual(recent.count, 512)
      const short = yield* log.recentCalls("user-3", "t", Duration.seconds(2))
      // t=98 s and t=99 s: 100 calls each per user; t=100 s has none (the clock advanced after them).
      assert.strictEqual(short.count, 200)
    }).pipe(withLog()))
  it.effect("bounds the number of (user, tool) keys, dropping the least recently recorded", () =>
    Effect.gen(function*() {
      const log = yield* InvocationLog
      yield* log.record("alice", "t")
      yield* log.record("bob", "t")
      yield* log.record("alice", "t")
      yield* log.record("carol", "t")
      assert.strictEqual((yield* log.recentCalls("bob", "t", minute)).count, 0)
      assert.strictEqual((yield* log.recentCalls("alice", "t", minute)).count, 2)
      assert.strictEqual((yield* log.recentCalls("carol", "t", minute)).count, 1)
    }).pipe(withLog({ maxKeys: 2 })))
})
