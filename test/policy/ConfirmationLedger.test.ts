/**
 * ConfirmationLedger against memory and a real `redis-server`: the shared contract, then what each
 * layer has to do on its own — memory forgets states once they expire and stays bounded; Redis
 * shares used states between instances, keeps only the MAC-derived key with a TTL, and fails
 * (counted) when unreachable.
 */
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, TestClock } from "effect"
import { afterAll, beforeAll } from "vitest"
import { Metrics } from "../../src/observability/Metrics.ts"
import { makeConfirmationLedgerMemory } from "../../src/policy/ConfirmationLedger.ts"
import { makeConfirmationLedgerRedis } from "../../src/policy/confirmationLedgerRedis.ts"
import { RedisConnection } from "../../src/state/RedisConnection.ts"
import { type RedisServer, startRedisServer } from "../harness/redisServer.ts"
import { metricValue } from "../support/prometheus.ts"
import { redisConnectionLayer, scopedRedisConnection } from "../support/stateLayers.ts"
import { confirmationLedgerContract } from "./confirmationLedgerContract.ts"

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(() => redis.stop())

describe("ConfirmationLedger (memory)", () => {
  confirmationLedgerContract(() => Effect.sync(() => makeConfirmationLedgerMemory()))

  it.effect("forgets a state once it has expired (it could not verify anyway)", () =>
    Effect.gen(function*() {
      const ledger = makeConfirmationLedgerMemory()
      const until = (yield* Clock.currentTimeMillis) + 600_000
      assert.isTrue(yield* ledger.use("a", until))
      yield* TestClock.adjust("10 minutes")
      assert.isTrue(yield* ledger.use("a", until + 600_000))
    }))

  it.effect("holds at most its capacity, forgetting the first to expire", () =>
    Effect.gen(function*() {
      const ledger = makeConfirmationLedgerMemory(3)
      const until = (yield* Clock.currentTimeMillis) + 600_000
      for (const id of ["a", "b", "c", "d"]) assert.isTrue(yield* ledger.use(id, until))
      assert.isTrue(yield* ledger.use("a", until))
      assert.isFalse(yield* ledger.use("d", until))
    }))
})

describe("ConfirmationLedger (Redis)", () => {
  confirmationLedgerContract(() => Effect.map(scopedRedisConnection(redis.url), makeConfirmationLedgerRedis))

  it.scoped("a state used on one instance is used on the other; Redis holds one key per state, with a TTL", () =>
    Effect.gen(function*() {
      const connection = yield* scopedRedisConnection(redis.url)
      const other = { ...(yield* scopedRedisConnection(redis.url)), prefix: connection.prefix }
      const [a, b] = [makeConfirmationLedgerRedis(connection), makeConfirmationLedgerRedis(other)]
      const until = (yield* Clock.currentTimeMillis) + 600_000
      assert.isTrue(yield* a.use("mac-1", until))
      assert.isFalse(yield* b.use("mac-1", until))
      const keys = yield* Effect.promise(() => connection.client.keys(`${connection.prefix}*`))
      assert.deepStrictEqual(keys, [`${connection.prefix}confirm-used:mac-1`])
      const ttl = yield* Effect.promise(() => connection.client.pttl(keys[0] ?? ""))
      assert.isAbove(ttl, 0)
      assert.isAtMost(ttl, 600_000)
    }))

  it.scoped("Redis unreachable: a use fails with StateStoreUnavailable naming the store, counted", () =>
    Effect.gen(function*() {
      const connection = yield* RedisConnection
      const ledger = makeConfirmationLedgerRedis(connection)
      const ended = new Promise((resolve) => connection.client.once("end", resolve))
      connection.client.disconnect()
      yield* Effect.promise(() => ended)
      const error = yield* Effect.flip(ledger.use("mac-2", (yield* Clock.currentTimeMillis) + 600_000))
      assert.deepStrictEqual([error._tag, error.store], ["StateStoreUnavailable", "confirmations"])
      const text = yield* Effect.flatMap(Metrics, (metrics) => metrics.render)
      assert.strictEqual(metricValue(text, "mana_mcp_state_store_errors_total", { store: "confirmations" }), 1)
    }).pipe(Effect.provide(redisConnectionLayer(redis.url))))
})
