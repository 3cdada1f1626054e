/**
 * MasterKeys against a stubbed vault: the caller's own token on the request, the five-minute TTL
 * (TestClock), single-flight for concurrent cold lookups, the zero-knowledge / not-initialised /
 * error mappings, failures not cached, the size bound, the timeout and the cache metrics.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Ref, TestClock } from "effect"
import { MasterKeys } from "../../src/keys/MasterKeys.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { masterKeysAgainst, vaultReplies, VaultRequests } from "../support/cryptoVault.ts"
import { cryptoVectors } from "../support/cryptoVectors.ts"
import { alice as aliceId, bob as bobId, callerFor } from "../support/users.ts"

const alice = callerFor(aliceId)
const bob = callerFor(bobId)
const carol = callerFor("carol")
const standard = () => Effect.succeed(vaultReplies.standard())
const requestCount = Effect.map(Effect.flatMap(VaultRequests, Ref.get), (all) => all.length)

describe("MasterKeys", () => {
  it.effect("fetches with the caller's own bearer token and caches the key for five minutes", () =>
    Effect.gen(function*() {
      const keys = yield* MasterKeys
      const first = yield* keys.forCaller(alice)
      assert.deepStrictEqual(yield* Effect.flatMap(VaultRequests, Ref.get), [`Bearer good:${aliceId}`])
      assert.isFalse(first.extractable)
      yield* TestClock.adjust("4 minutes")
      assert.strictEqual(yield* keys.forCaller(alice), first)
      assert.strictEqual(yield* requestCount, 1)
      yield* TestClock.adjust("2 minutes")
      yield* keys.forCaller(alice)
      assert.strictEqual(yield* requestCount, 2)
    }).pipe(Effect.provide(masterKeysAgainst(standard))))

  it.effect("caches per user: another user's call fetches with that user's token", () =>
    Effect.gen(function*() {
      const keys = yield* MasterKeys
      yield* keys.forCaller(alice)
      yield* keys.forCaller(bob)
      yield* keys.forCaller(alice)
      assert.deepStrictEqual(yield* Effect.flatMap(VaultRequests, Ref.get), [
        `Bearer good:${aliceId}`,
        `Bearer good:${bobId}`
      ])
    }).pipe(Effect.provide(masterKeysAgainst(standard))))

  it.effect("twenty concurrent lookups for a cold user make exactly one fetch", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const arrived = yield* Ref.make(0)
      const program = Effect.gen(function*() {
        const keys = yield* MasterKeys
        // The vault answers only once all twenty callers are in, so they overlap the fetch.
        const arrive = Ref.updateAndGet(arrived, (n) => n + 1).pipe(
          Effect.tap((n) => (n === 20 ? Deferred.succeed(gate, undefined) : Effect.void))
        )
        const results = yield* Effect.all(
          Array.from({ length: 20 }, () => Effect.zipRight(arrive, keys.forCaller(alice))),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(yield* requestCount, 1)
        assert.isTrue(results.every((key) => key === results[0]))
      })
      yield* program.pipe(
        Effect.provide(
          masterKeysAgainst(() => Effect.zipRight(Deferred.await(gate), Effect.succeed(vaultReplies.standard())))
        )
      )
    }))

  it.effect("a zero-knowledge user (no masterKey, requiresRecoveryCode) fails with ZeroKnowledgeUserError", () =>
    Effect.gen(function*() {
      const keys = yield* MasterKeys
      assert.strictEqual((yield* Effect.flip(keys.forCaller(alice)))._tag, "ZeroKnowledgeUserError")
      assert.strictEqual((yield* Effect.flip(keys.forCaller(bob)))._tag, "ZeroKnowledgeUserError")
    }).pipe(
      Effect.provide(
        masterKeysAgainst((_, index) =>
          Effect.succeed(index === 0 ? vaultReplies.zeroKnowledge : { status: 200, body: { formatVersion: 1 } })
        )
      )
    ))

  it.effect("404 VAULT_NOT_INITIALISED fails with VaultNotInitialisedError; another 404 does not", () =>
    Effect.gen(function*() {
      const keys = yield* MasterKeys
      assert.strictEqual((yield* Effect.flip(keys.forCaller(alice)))._tag, "VaultNotInitialisedError")
      const other = yield* Effect.flip(keys.forCaller(bob))
      assert.strictEqual(other._tag, "MasterKeyFetchError")
    }).pipe(
      Effect.provide(
        masterKeysAgainst((_, index) =>
          Effect.succeed(index === 0 ? vaultReplies.notInitialised : { status: 404, body: "not here" })
        )
      )
    ))

  it.effect("500 fails with MasterKeyFetchError carrying the status and none of the body", () =>
    Effect.gen(function*() {
      const keys = yield* MasterKeys
      const error = yield* Effect.flip(keys.forCaller(alice))
      assert.strictEqual(error._tag, "MasterKeyFetchError")
      assert.strictEqual(error._tag === "MasterKeyFetchError" ? error.status : undefined, 500)
      assert.notInclude(`${error.message} ${JSON.stringify(error)}`, "pg-secret-detail")
    }).pipe(
      Effect.provide(
        masterKeysAgainst(() =>
          Effect.succeed({ status: 500, body: { statusCode: 500, message: "Internal server error pg-secret-detail" } })
        )
      )
    ))

  it.effect("401 and a key of the wrong length are MasterKeyFetchErrors", () =>
    Effect.gen(function*() {
      const keys = yield* MasterKeys
      const unauthorized = yield* Effect.flip(keys.forCaller(alice))
      const badKey = yield* Effect.flip(keys.forCaller(bob))
      assert.deepStrictEqual(
        [
          unauthorized._tag === "MasterKeyFetchError" && unauthorized.reason,
          badKey._tag === "MasterKeyFetchError" && badKey.reason
        ],
        ["unauthorized", "invalid-response"]
      )
    }).pipe(Effect.provide(masterKeysAgainst((_, index) =>
      Effect.succeed(
        index === 0
          ? { status: 401, body: { statusCode: 401, message: "Invalid or expired token" } }
          : vaultReplies.standard("AAAAAAAAAAAAAAAAAAAAAA==")
      )
    ))))

  it.effect("failures are not cached: the next call fetches again and can succeed", () =>
    Effect.gen(function*() {
      const keys = yield* MasterKeys
      yield* Effect.flip(keys.forCaller(alice))
      yield* keys.forCaller(alice)
      yield* keys.forCaller(alice)
      assert.strictEqual(yield* requestCount, 2)
    }).pipe(Effect.provide(masterKeysAgainst((_, index) =>
      Effect.succeed(index === 0 ? { status: 503, body: {} } : vaultReplies.standard(cryptoVectors.keys.k2))
    ))))

  it.effect("holds at most `capacity` users, evicting the least recently used", () =>
    Effect.gen(function*() {
      const keys = yield* MasterKeys
      yield* keys.forCaller(alice)
      yield* keys.forCaller(bob)
      yield* keys.forCaller(alice) // alice is now the most recently used
      yield* keys.forCaller(carol) // evicts bob
      assert.strictEqual(yield* requestCount, 3)
      yield* keys.forCaller(alice)
      yield* keys.forCaller(carol)
      assert.strictEqual(yield* requestCount, 3)
      yield* keys.forCaller(bob)
      assert.strictEqual(yield* requestCount, 4)
    }).pipe(Effect.provide(masterKeysAgainst(standard, { ttl: "5 minutes", capacity: 2 }))))

  it.effect("times out after the upstream timeout with MasterKeyFetchError", () =>
    Effect.gen(function*() {
      const keys = yield* MasterKeys
      const fiber = yield* Effect.fork(Effect.flip(keys.forCaller(alice)))
      yield* TestClock.adjust("11 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag === "MasterKeyFetchError" ? error.reason : error._tag, "timeout")
    }).pipe(Effect.provide(masterKeysAgainst(() => Effect.never))))

  it.effect("counts cache hits and misses and upstream requests, without key material", () =>
    Effect.gen(function*() {
      const keys = yield* MasterKeys
      yield* keys.forCaller(alice)
      yield* keys.forCaller(alice)
      yield* keys.forCaller(alice)
      const text = yield* Effect.flatMap(Metrics, (metrics) => metrics.render)
      assert.match(text, /mana_mcp_master_key_cache_total\{result="miss",service="mana-mcp"\} 1/)
      assert.match(text, /mana_mcp_master_key_cache_total\{result="hit",service="mana-mcp"\} 2/)
      const upstream = text.split("\n").filter((line) =>
        line.startsWith("mana_mcp_upstream_request_duration_seconds_count")
      )
      assert.strictEqual(upstream.length, 1)
      assert.match(upstream[0] ?? "", /upstream="mana-auth".*outcome="success".*\} 1$/)
      assert.notInclude(text, cryptoVectors.keys.k1)
      assert.notInclude(text, aliceId)
    }).pipe(Effect.provide(masterKeysAgainst(standard))))
})
