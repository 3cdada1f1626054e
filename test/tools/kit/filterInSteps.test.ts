/**
 * filterInSteps: the same result as `Array.filter`, and, run in a user's turns of the event loop,
 * another user's request that arrived meanwhile runs before the filter ends (a plain `filter` is
 * one step the turns cannot cut). Time is a hand-driven clock; only the order is asserted.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Option } from "effect"
import { filterInSteps } from "../../../src/tools/kit/filterInSteps.ts"
import { makeUserTurns } from "../../../src/transport/http/admission/UserTurns.ts"
import { handClock } from "../../support/handClock.ts"

describe("filterInSteps", () => {
  it.effect("keeps what Array.filter keeps, in order", () =>
    Effect.gen(function*() {
      const items = Array.from({ length: 100 }, (_, i) => i)
      assert.deepStrictEqual(yield* filterInSteps(items, (i) => i % 3 === 0, 7), items.filter((i) => i % 3 === 0))
      assert.deepStrictEqual(yield* filterInSteps([], () => true), [])
    }))

  it.live("lets another user's request in between steps once the user's slice is spent", () =>
    Effect.gen(function*() {
      const { clock, spend } = handClock()
      const turns = makeUserTurns(clock, Option.some(Duration.millis(1)))
      const events: Array<string> = []
      const notes = Array.from({ length: 300 }, (_, i) => i)
      // Each note costs 0.02 ms to search: 6 ms in all, six slices.
      const search = filterInSteps(notes, (i) => {
        spend(0.02)
        if (i === notes.length - 1) events.push("alice done")
        return false
      })
      const arriving = Effect.zipRight(
        Effect.async<void>((resume) => void setImmediate(() => resume(Effect.void))),
        Effect.sync(() => void events.push("bob"))
      )
      yield* Effect.all([
        Effect.withScheduler(Effect.zipRight(Effect.yieldNow(), search), turns.of("alice")),
        Effect.withScheduler(arriving, turns.of("bob"))
      ], { concurrency: "unbounded" })
      assert.deepStrictEqual(events, ["bob", "alice done"])
    }))
})
