/**
 * The InvocationLog contract: every layer (memory, Redis) must pass these, with the Effect
 * TestClock as the clock. `make(options)` builds a fresh, empty log (capacity 512 and a 60 s
 * retention unless overridden).
 */
import { assert, it } from "@effect/vitest"
import { Duration, Effect, Option, type Scope, TestClock } from "effect"
import type { InvocationLogShape } from "../../src/policy/InvocationLog.ts"

export type MakeLog = (
  options: { readonly perKeyCapacity?: number }
) => Effect.Effect<InvocationLogShape, unknown, Scope.Scope>

const minute = Duration.seconds(60)

export const invocationLogContract = (make: MakeLog) => {
  it.scoped("counts calls within the window per user and tool, with the oldest timestamp", () =>
    Effect.gen(function*() {
      const log = yield* make({})
      yield* log.record("alice", "notes.search")
      yield* TestClock.adjust("10 seconds")
      yield* log.record("alice", "notes.search")
      yield* log.record("alice", "notes.get")
      yield* log.record("bob", "notes.search")
      const recent = yield* log.recentCalls("alice", "notes.search", minute)
      assert.strictEqual(recent.count, 2)
      assert.strictEqual(Option.getOrNull(recent.oldestAt), 0)
      assert.strictEqual((yield* log.recentCalls("alice", "notes.get", minute)).count, 1)
      assert.strictEqual((yield* log.recentCalls("carol", "notes.get", minute)).count, 0)
      assert.isTrue(Option.isNone((yield* log.recentCalls("carol", "notes.get", minute)).oldestAt))
    }))
  it.scoped("the window includes its start edge and drops calls once they are older", () =>
    Effect.gen(function*() {
      const log = yield* make({})
      yield* log.record("alice", "t")
      yield* TestClock.adjust("60 seconds")
      assert.strictEqual((yield* log.recentCalls("alice", "t", minute)).count, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* log.recentCalls("alice", "t", minute)).count, 0)
    }))
  it.scoped("a shorter window than the retention counts only its own slice", () =>
    Effect.gen(function*() {
      const log = yield* make({})
      yield* log.record("alice", "t")
      yield* TestClock.adjust("30 seconds")
      yield* log.record("alice", "t")
      assert.strictEqual((yield* log.recentCalls("alice", "t", Duration.seconds(10))).count, 1)
      assert.strictEqual((yield* log.recentCalls("alice", "t", minute)).count, 2)
    }))
  it.scoped("prunes old calls on append, so the window slides", () =>
    Effect.gen(function*() {
      const log = yield* make({})
      for (let second = 0; second < 120; second++) {
        yield* log.record("alice", "t")
        yield* TestClock.adjust("1 second")
      }
      // Calls at 60..119 s are within [60 s, 120 s].
      const recent = yield* log.recentCalls("alice", "t", minute)
      assert.strictEqual(recent.count, 60)
      assert.strictEqual(Option.getOrNull(recent.oldestAt), 60_000)
    }))
  it.scoped("keeps at most perKeyCapacity calls per key, overwriting the oldest", () =>
    Effect.gen(function*() {
      const log = yield* make({ perKeyCapacity: 5 })
      assert.strictEqual(log.capacity, 5)
      for (let index = 0; index < 12; index++) {
        yield* log.record("alice", "t")
        yield* TestClock.adjust("1 millis")
      }
      const recent = yield* log.recentCalls("alice", "t", minute)
      assert.strictEqual(recent.count, 5)
      assert.strictEqual(Option.getOrNull(recent.oldestAt), 7)
    }))
  it.scoped("a step back of the clock keeps the log sorted", () =>
    Effect.gen(function*() {
      const log = yield* make({})
      yield* TestClock.setTime(10_000)
      yield* log.record("alice", "t")
      yield* TestClock.setTime(5_000)
      yield* log.record("alice", "t")
      yield* TestClock.setTime(10_000)
      const recent = yield* log.recentCalls("alice", "t", Duration.seconds(1))
      assert.strictEqual(recent.count, 2)
    }))

  it.scoped("admit counts, then records only as asked", () =>
    Effect.gen(function*() {
      const log = yield* make({})
      const admission = { window: minute, limit: 2 } as const
      assert.strictEqual((yield* log.admit("alice", "t", { ...admission, record: "under-limit" })).count, 0)
      assert.strictEqual((yield* log.admit("alice", "t", { ...admission, record: "never" })).count, 1)
      assert.strictEqual((yield* log.admit("alice", "t", { ...admission, record: "under-limit" })).count, 1)
      // At the limit: counted, not recorded.
      const full = yield* log.admit("alice", "t", { ...admission, record: "under-limit" })
      assert.strictEqual(full.count, 2)
      assert.strictEqual(Option.getOrNull(full.oldestAt), 0)
      assert.strictEqual((yield* log.admit("alice", "t", { ...admission, record: "always" })).count, 2)
      assert.strictEqual((yield* log.recentCalls("alice", "t", minute)).count, 3)
    }))

  it.scoped("concurrent admits never let more than the limit through", () =>
    Effect.gen(function*() {
      const log = yield* make({})
      const results = yield* Effect.all(
        Array.from({ length: 40 }, () => log.admit("alice", "t", { window: minute, limit: 30, record: "under-limit" })),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(results.filter((recent) => recent.count < 30).length, 30)
      assert.strictEqual((yield* log.recentCalls("alice", "t", minute)).count, 30)
    }))
}
