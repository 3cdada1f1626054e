/**
 * The bulk item budget beside the per-tool rate limit: items of bulk calls that write count per
 * user across bulk tools; a call that would pass the budget is refused as a whole in enforce
 * mode (`item-budget-exceeded`, counted once) and only flagged in log-only; the window frees the
 * budget; the Redis layer counts across instances with the same semantics.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer, TestClock } from "effect"
import { afterAll, beforeAll } from "vitest"
import { ManaConfig, type PolicyMode } from "../../src/config/Config.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { makeItemBudgetRedis } from "../../src/policy/ItemBudget.ts"
import { Policy, type PolicyCall } from "../../src/policy/Policy.ts"
import { type RedisServer, startRedisServer } from "../harness/redisServer.ts"
import { scopedRedisConnection } from "../support/stateLayers.ts"
import { alice, bob } from "../support/users.ts"

const createMany = { name: "todo.createMany", scope: "user-space", policyHint: "write" } as const
const completeMany = { name: "todo.completeMany", scope: "user-space", policyHint: "write" } as const
const bulk = (tool: PolicyCall["tool"], items: number, userId = alice): PolicyCall => ({
  tool,
  userId,
  input: {},
  items
})

const withGate = (policyMode: PolicyMode) =>
  Effect.provide(
    Policy.layerMemory.pipe(
      Layer.provideMerge(Metrics.layer),
      Layer.provide(ManaConfig.layerWith({ policyMode, policyBulkItemBudget: 100, policyRateLimit: 1000 }))
    )
  )

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(() => redis.stop())

describe("bulk item budget", () => {
  it.effect("enforce: counts items across bulk tools per user, refuses the call that would pass it, frees with the window", () =>
    Effect.gen(function*() {
      const policy = yield* Policy
      yield* policy.gate(bulk(createMany, 50))
      yield* policy.gate(bulk(completeMany, 40))
      const refused = yield* Effect.flip(policy.gate(bulk(createMany, 20)))
      assert.strictEqual(refused._tag, "PolicyDenied")
      assert.include(refused.message, "item-budget-exceeded")
      assert.include(refused.message, "budget of 100 bulk items per 60 s")
      // The refused call counted nothing: 10 items still fit, and other users have their own budget.
      yield* policy.gate(bulk(createMany, 10))
      yield* policy.gate(bulk(createMany, 50, bob))
      yield* TestClock.adjust(Duration.seconds(61))
      yield* policy.gate(bulk(createMany, 100))
    }).pipe(withGate("enforce")))

  it.effect("log-only: the call over budget proceeds with a would-deny warning", () =>
    Effect.gen(function*() {
      const policy = yield* Policy
      yield* policy.gate(bulk(createMany, 100))
      const pass = yield* policy.gate(bulk(createMany, 1))
      assert.strictEqual(pass.decision, "would-deny")
      assert.strictEqual(pass.reason, "item-budget-exceeded")
    }).pipe(withGate("log-only")))

  it.scoped("Redis: one budget for every instance, checked and counted atomically", () =>
    Effect.gen(function*() {
      const connection = yield* Effect.orDie(scopedRedisConnection(redis.url))
      const a = makeItemBudgetRedis(connection)
      const b = makeItemBudgetRedis(connection)
      const options = { limit: 100, window: Duration.seconds(60), always: false }
      const taken = yield* Effect.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).take(alice, 20, options)),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(taken.filter((answer) => answer.allowed).length, 5)
      assert.isTrue((yield* a.take(bob, 20, options)).allowed)
      const keys = yield* Effect.promise(() => connection.client.keys(`${connection.prefix}*`))
      assert.isTrue(keys.every((key) => key.includes("bulk-items:")))
    }))
})
