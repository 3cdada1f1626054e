/**
 * The admission budget (`slots.ts`): room is taken at once, beyond it requests wait in arrival
 * order, a waiter that is interrupted leaves the queue without holding anything, and every slot
 * comes back when the work ends, however it ends.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { makeSlots } from "../../../../src/transport/http/admission/slots.ts"

/** Work that records when it started and holds its slots until `release` is done. */
const holding = (log: Array<string>, name: string, release: Deferred.Deferred<void>) =>
  Effect.zipRight(Effect.sync(() => log.push(name)), Deferred.await(release))

describe("slots", () => {
  it.effect("runs within the budget at once, then in arrival order as slots come back", () =>
    Effect.gen(function*() {
      const slots = makeSlots(2)
      const log: Array<string> = []
      const gates = yield* Effect.all(Array.from({ length: 4 }, () => Deferred.make<void>()))
      const fibers = yield* Effect.forEach(
        ["a", "b", "c", "d"],
        (name, i) => Effect.fork(slots.withSlots(1)(holding(log, name, gates[i]!))),
        { concurrency: 1 }
      )
      yield* Effect.yieldNow()
      expect(log).toEqual(["a", "b"])
      yield* Deferred.succeed(gates[1]!, undefined)
      yield* Fiber.join(fibers[1]!)
      yield* Effect.yieldNow()
      expect(log).toEqual(["a", "b", "c"])
      for (const gate of gates) yield* Deferred.succeed(gate, undefined)
      yield* Fiber.joinAll(fibers)
      expect(log).toEqual(["a", "b", "c", "d"])
      expect(slots.idle()).toBe(true)
    }))

  it.effect("a large request at the head is not overtaken by smaller ones behind it", () =>
    Effect.gen(function*() {
      const slots = makeSlots(10)
      const log: Array<string> = []
      const first = yield* Deferred.make<void>()
      const open = yield* Deferred.make<void>()
      const holder = yield* Effect.fork(slots.withSlots(6)(holding(log, "six", first)))
      yield* Effect.yieldNow()
      const big = yield* Effect.fork(slots.withSlots(8)(holding(log, "eight", open)))
      yield* Effect.yieldNow()
      const small = yield* Effect.fork(slots.withSlots(2)(holding(log, "two", open)))
      yield* Effect.yieldNow()
      // 2 would fit beside 6, but 8 came first.
      expect(log).toEqual(["six"])
      yield* Deferred.succeed(first, undefined)
      yield* Fiber.join(holder)
      yield* Effect.yieldNow()
      expect(log).toEqual(["six", "eight", "two"])
      yield* Deferred.succeed(open, undefined)
      yield* Fiber.joinAll([big, small])
      expect(slots.idle()).toBe(true)
    }))

  it.effect("an interrupted waiter leaves the queue; a failed or interrupted holder gives its slots back", () =>
    Effect.gen(function*() {
      const slots = makeSlots(1)
      const log: Array<string> = []
      const hold = yield* Deferred.make<void>()
      const holder = yield* Effect.fork(slots.withSlots(1)(holding(log, "holder", hold)))
      yield* Effect.yieldNow()
      const waiter = yield* Effect.fork(slots.withSlots(1)(Effect.sync(() => log.push("waiter"))))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(waiter)
      yield* Fiber.interrupt(holder)
      expect(slots.idle()).toBe(true)
      const failed = yield* Effect.exit(slots.withSlots(1)(Effect.fail("boom")))
      expect(Exit.isFailure(failed)).toBe(true)
      expect(slots.idle()).toBe(true)
      yield* slots.withSlots(1)(Effect.sync(() => log.push("after")))
      expect(log).toEqual(["holder", "after"])
    }))
})
