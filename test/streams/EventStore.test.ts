import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, TestClock } from "effect"
import { afterAll, beforeAll } from "vitest"
import { makeStateCipher } from "../../src/state/StateCipher.ts"
import { makeEventStoreMemory } from "../../src/streams/eventStoreMemory.ts"
import { makeEventStoreRedis } from "../../src/streams/eventStoreRedis.ts"
import { type RedisServer, startRedisServer } from "../harness/redisServer.ts"
import { scopedRedisConnection } from "../support/stateLayers.ts"
import { eventStoreContract } from "./eventStoreContract.ts"

const key = crypto.getRandomValues(new Uint8Array(32))
const limits = {
  eventsPerStream: 50,
  streamsPerSession: 2,
  sessions: 2,
  ttl: Duration.minutes(30),
  maxBytes: 1_000_000
}
const event = (seq: string) => ({
  seq,
  message: JSON.stringify({ jsonrpc: "2.0", id: 1, result: { secret: "plaintext-marker" } })
})

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(() => redis.stop())

describe("EventStore (memory)", () => {
  eventStoreContract((limits) => makeEventStoreMemory(limits))

  it.effect("bounds streams per session and sessions, and expires by the clock", () =>
    Effect.gen(function*() {
      const store = yield* makeEventStoreMemory(limits)
      yield* store.append("s1", "one", event("a.1"))
      yield* store.append("s1", "two", event("a.2"))
      yield* store.append("s1", "three", event("a.3"))
      assert.strictEqual((yield* store.after("s1", "one", undefined)).length, 0)
      yield* store.append("s2", "one", event("b.1"))
      yield* store.append("s3", "one", event("c.1"))
      assert.strictEqual((yield* store.after("s1", "two", undefined)).length, 0)
      yield* TestClock.adjust("31 minutes")
      assert.strictEqual((yield* store.after("s3", "one", undefined)).length, 0)
    }))

  it.effect("bounds the bytes kept in all: the least recently appended sessions go first", () =>
    Effect.gen(function*() {
      const big = (seq: string) => ({ seq, message: "x".repeat(1_000) })
      const store = yield* makeEventStoreMemory({ ...limits, sessions: 1_000, maxBytes: 5_000 })
      for (let i = 0; i < 20; i++) yield* store.append(`s${i}`, "stream", big(`${i}.1`))
      const kept = []
      for (let i = 0; i < 20; i++) kept.push((yield* store.after(`s${i}`, "stream", undefined)).length)
      assert.deepStrictEqual(kept, [...Array(16).fill(0), 1, 1, 1, 1])
      // Removing a session gives its bytes back: four more fit again.
      yield* store.removeSession("s19")
      yield* store.append("t1", "stream", big("t.1"))
      assert.strictEqual((yield* store.after("s16", "stream", undefined)).length, 1)
    }))
})

describe("EventStore (Redis)", () => {
  eventStoreContract((limits) =>
    Effect.map(
      scopedRedisConnection(redis.url),
      (connection) => makeEventStoreRedis(connection, makeStateCipher(key), limits)
    )
  )

  it.scoped("Redis holds only sealed payloads, with the session's TTL; another key cannot open them", () =>
    Effect.gen(function*() {
      const connection = yield* scopedRedisConnection(redis.url)
      const store = makeEventStoreRedis(connection, makeStateCipher(key), limits)
      yield* store.append("s1", "stream", event("a.1"))
      const streamKey = `${connection.prefix}e:s1:stream`
      const raw = yield* Effect.promise(() => connection.client.xrange(streamKey, "-", "+"))
      assert.strictEqual(raw.length, 1)
      assert.notInclude(JSON.stringify(raw), "plaintext-marker")
      const ttl = yield* Effect.promise(() => connection.client.pttl(streamKey))
      assert.isAbove(ttl, 29 * 60_000)
      assert.isAtMost(ttl, 30 * 60_000)
      const otherKey = makeEventStoreRedis(
        connection,
        makeStateCipher(crypto.getRandomValues(new Uint8Array(32))),
        limits
      )
      assert.deepStrictEqual(yield* otherKey.after("s1", "stream", undefined), [])
      // A sealed event copied into another session's stream does not open there.
      const [[, fields]] = raw as Array<[string, Array<string>]>
      yield* Effect.promise(() => connection.client.xadd(`${connection.prefix}e:s2:stream`, "*", ...fields))
      assert.deepStrictEqual(yield* store.after("s2", "stream", undefined), [])
    }))
})
