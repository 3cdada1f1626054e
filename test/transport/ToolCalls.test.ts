/**
 * ToolCalls: calls run as fibers of one set; draining waits for them up to the grace (TestClock)
 * and cuts the rest, whose requests then fail with the unconfirmed-outcome JSON-RPC error.
 */
import { assert, describe, it } from "@effect/vitest"
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server"
import { Effect, Fiber, TestClock } from "effect"
import { makeToolCalls, unconfirmedOutcomeMessage } from "../../src/transport/ToolCalls.ts"

/** The promise's settlement as data (handled from the start), to await later inside an Effect. */
const settled = <A>(promise: Promise<A>) => {
  const outcome = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error })
  )
  return Effect.promise(() => outcome)
}

describe("ToolCalls", () => {
  it.scoped("draining waits for a running call that finishes inside the grace", () =>
    Effect.gen(function*() {
      const calls = yield* makeToolCalls<string, never>()
      const result = settled(calls.run(Effect.as(Effect.sleep("3 seconds"), "written")))
      yield* Effect.yieldNow()
      assert.strictEqual(yield* calls.running, 1)
      const drain = yield* Effect.fork(calls.drain("5 seconds"))
      yield* TestClock.adjust("2 seconds")
      assert.isNull(drain.unsafePoll(), "drain must still wait")
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Fiber.join(drain), 0)
      assert.deepStrictEqual(yield* result, { ok: true, value: "written" })
      assert.strictEqual(yield* calls.running, 0)
    }))

  it.scoped("draining cuts a call still running at the grace; its request fails as unconfirmed", () =>
    Effect.gen(function*() {
      const calls = yield* makeToolCalls<string, never>()
      const hanging = settled(calls.run(Effect.never))
      const quick = settled(calls.run(Effect.succeed("done")))
      yield* Effect.yieldNow()
      const drain = yield* Effect.fork(calls.drain("1 second"))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Fiber.join(drain), 1)
      assert.deepStrictEqual(yield* quick, { ok: true, value: "done" })
      const outcome = yield* hanging
      assert.isFalse(outcome.ok)
      const error = outcome.ok ? undefined : outcome.error
      assert.instanceOf(error, ProtocolError)
      assert.strictEqual((error as ProtocolError).code, ProtocolErrorCode.InternalError)
      assert.include((error as ProtocolError).message, unconfirmedOutcomeMessage)
      assert.strictEqual(yield* calls.running, 0)
    }))

  it.scoped("an idle set drains at once", () =>
    Effect.gen(function*() {
      const calls = yield* makeToolCalls<string, never>()
      assert.strictEqual(yield* calls.drain("1 hour"), 0)
    }))
})
