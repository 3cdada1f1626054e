import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Option, TestClock } from "effect"
import { InvocationLog, type InvocationLogOptions } from "../../src/policy/InvocationLog.ts"
import { alice, bob } from "../support/users.ts"

const withLog = (options: Partial<InvocationLogOptions> = {}) =>
  Effect.provide(InvocationLog.layerWith({
    perKeyCapacity: 512,
    maxKeys: 1000,
    retention: Duration.seconds(60),
    ...options
  }))

const minute = Duration.seconds(60)

describe("InvocationLog", () => {
  it.effect("counts calls within the window per user and tool, with the oldest timestamp", () =>
    Effect.gen(function*() {
      const log = yield* InvocationLog
      yield* log.record(alice, "notes.search")
      yield* TestClock.adjust("10 seconds")
      yield* log.record(alice, "notes.search")
      yield* log.record(alice, "notes.get")
      yield* log.record(bob, "notes.search")
      const recent = yield* log.recentCalls(alice, "notes.search", minute)
      assert.strictEqual(recent.count, 2)
      assert.deepStrictEqual(recent.oldestAt, Option.some(0))
      assert.strictEqual((yield* log.recentCalls(alice, "notes.get", minute)).count, 1)
      assert.strictEqual((yield* log.recentCalls("carol", "notes.get", minute)).count, 0)
      assert.isTrue(Option.isNone((yield* log.recentCalls("carol", "notes.get", minute)).oldestAt))
    }).pipe(withLog()))

  it.effect("the window includes its start edge and drops calls once they are older", () =>
    Effect.gen(function*() {
      const log = yield* InvocationLog
      yield* log.record(alice, "t")
      yield* TestClock.adjust("60 seconds")
      assert.strictEqual((yield* log.recentCalls(alice, "t", minute)).count, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* log.recentCalls(alice, "t", minute)).count, 0)
    }).pipe(withLog()))

  it.effect("a shorter window than the retention counts only its own slice", () =>
    Effect.gen(function*() {
      const log = yield* InvocationLog
      yield* log.record(alice, "t")
      yield* TestClock.adjust("30 seconds")
      yield* log.record(alice, "t")
      assert.strictEqual((yield* log.recentCalls(alice, "t", Duration.seconds(10))).count, 1)
      assert.strictEqual((yield* log.recentCalls(alice, "t", minute)).count, 2)
    }).pipe(withLog()))

  it.effect("prunes old calls on append, so the window slides", () =>
    Effect.gen(function*() {
      const log = yield* InvocationLog
      for (let second = 0; second < 120; second++) {
        yield* log.record(alice, "t")
        yield* TestClock.adjust("1 second")
      }
      // Calls at 60..119 s are within [60 s, 120 s].
      const recent = yield* log.recentCalls(alice, "t", minute)
      assert.strictEqual(recent.count, 60)
      assert.deepStrictEqual(recent.oldestAt, Option.some(60_000))
    }).pipe(withLog()))

  it.effect("keeps at most perKeyCapacity calls per key, overwriting the oldest", () =>
    Effect.gen(function*() {
      const log = yield* InvocationLog
      assert.strictEqual(log.capacity, 5)
      for (let index = 0; index < 12; index++) {
        yield* log.record(alice, "t")
        yield* TestClock.adjust("1 millis")
      }
      const recent = yield* log.recentCalls(alice, "t", minute)
      assert.strictEqual(recent.count, 5)
      assert.deepStrictEqual(recent.oldestAt, Option.some(7))
    }).pipe(withLog({ perKeyCapacity: 5 })))

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
      yield* log.record(alice, "t")
      yield* log.record(bob, "t")
      yield* log.record(alice, "t")
      yield* log.record("carol", "t")
      assert.strictEqual((yield* log.recentCalls(bob, "t", minute)).count, 0)
      assert.strictEqual((yield* log.recentCalls(alice, "t", minute)).count, 2)
      assert.strictEqual((yield* log.recentCalls("carol", "t", minute)).count, 1)
    }).pipe(withLog({ maxKeys: 2 })))

  it.effect("a step back of the clock keeps the log sorted", () =>
    Effect.gen(function*() {
      const log = yield* InvocationLog
      yield* TestClock.setTime(10_000)
      yield* log.record(alice, "t")
      yield* TestClock.setTime(5_000)
      yield* log.record(alice, "t")
      yield* TestClock.setTime(10_000)
      const recent = yield* log.recentCalls(alice, "t", Duration.seconds(1))
      assert.strictEqual(recent.count, 2)
    }).pipe(withLog()))
})
