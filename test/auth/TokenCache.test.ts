import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, TestClock } from "effect"
import { makeExpiringCache, sha256Hex } from "../../src/auth/TokenCache.ts"

describe("TokenCache", () => {
  it.effect("expires entries at their absolute time on the Effect clock", () =>
    Effect.gen(function*() {
      const cache = yield* makeExpiringCache<string>(10)
      yield* cache.set("a", "alpha", 1_000)
      // Option.none() deep-equals Option.some(x) under chai: compare the values.
      assert.strictEqual(Option.getOrNull(yield* cache.get("a")), "alpha")
      yield* TestClock.adjust("1 second")
      assert.isTrue(Option.isNone(yield* cache.get("a")))
      assert.strictEqual(yield* cache.size, 0)
    }))

  it.effect("evicts the oldest insertion when full", () =>
    Effect.gen(function*() {
      const cache = yield* makeExpiringCache<number>(2)
      yield* cache.set("a", 1, 10_000)
      yield* cache.set("b", 2, 10_000)
      yield* cache.set("c", 3, 10_000)
      assert.isTrue(Option.isNone(yield* cache.get("a")))
      assert.deepStrictEqual([yield* cache.get("b"), yield* cache.get("c")].map(Option.getOrNull), [2, 3])
    }))

  it.effect("keys by SHA-256 hex", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }))
})
