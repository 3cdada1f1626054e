/**
 * Per-user turns of the event loop (issue #28, finding 3), through the admission every tool call
 * passes: once one user's work has run for its slice in a turn, a request of another user that
 * arrived meanwhile (a macrotask, as a socket read is) runs before that work's next step. Time is
 * a hand-driven clock: a step "takes" the milliseconds it adds, so only the order is asserted.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Option } from "effect"
import type { AdmissionSettings } from "../../../src/config/admission.ts"
import { makeUserAdmission } from "../../../src/transport/http/admission/UserAdmission.ts"
import { makeUserTurns } from "../../../src/transport/http/admission/UserTurns.ts"
import { handClock } from "../../support/handClock.ts"

const settings: AdmissionSettings = {
  bodyReadTimeout: Duration.seconds(30),
  maxConnections: 100,
  maxConnectionsPerClient: 100,
  userCallsInFlight: 2,
  userCallQueue: 8,
  userBodyBytes: 1024,
  userTurnSlice: Option.some(Duration.millis(2))
}

const setup = () => {
  const { clock, spend } = handClock()
  const admission = makeUserAdmission(settings, 1024, () => undefined, makeUserTurns(clock, settings.userTurnSlice))
  const events: Array<string> = []
  const call = (userId: string, work: Effect.Effect<void>) => admission.call(userId, work, () => undefined)
  /** `count` steps of `ms` each, every one followed by a yield (as an await in a tool would be). */
  const steps = (name: string, count: number, ms: number) =>
    Effect.forEach(
      Array.from({ length: count }, (_, i) => i + 1),
      (i) => Effect.zipRight(Effect.sync(() => void (events.push(`${name} ${i}`), spend(ms))), Effect.yieldNow()),
      { discard: true }
    )
  return { call, events, spend, steps }
}

/** A request read off a socket: it reaches the gateway on a later turn of the event loop. */
const arriving = <A>(work: Effect.Effect<A>) =>
  Effect.zipRight(Effect.async<void>((resume) => void setImmediate(() => resume(Effect.void))), work)

describe("UserTurns", () => {
  it.live("another user's call runs between two heavy steps of one user's call", () =>
    Effect.gen(function*() {
      const { call, events, steps } = setup()
      yield* Effect.all([
        call("alice", steps("alice", 3, 5)),
        arriving(call("bob", Effect.sync(() => void events.push("bob"))))
      ], { concurrency: "unbounded" })
      assert.deepStrictEqual(events, ["alice 1", "bob", "alice 2", "alice 3"])
    }))

  it.live("a light call runs through in one go while a heavy user's work waits for the next turn", () =>
    Effect.gen(function*() {
      const { call, events, steps } = setup()
      yield* Effect.all([call("alice", steps("alice", 3, 5)), arriving(call("bob", steps("bob", 3, 0.1)))], {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(events, ["alice 1", "bob 1", "bob 2", "bob 3", "alice 2", "alice 3"])
    }))

  it.live("one user's calls share one slice per turn", () =>
    Effect.gen(function*() {
      const { call, events, steps } = setup()
      // Each step is under the 2 ms slice; two of them, from two calls of the same user, are over it.
      yield* Effect.all([
        call("alice", steps("x", 3, 1.5)),
        call("alice", steps("y", 3, 1.5)),
        arriving(call("bob", Effect.sync(() => void events.push("bob"))))
      ], { concurrency: "unbounded" })
      assert.deepStrictEqual(events.slice(0, 3), ["x 1", "y 1", "bob"])
    }))

  it.live("a heavy call that never yields by itself is cut between steps", () =>
    Effect.gen(function*() {
      const { call, events, spend } = setup()
      const busy = Effect.forEach(
        Array.from({ length: 200 }, (_, i) => i),
        (i) => Effect.sync(() => void (events.push(`alice ${i}`), spend(0.1))),
        { discard: true }
      )
      yield* Effect.all([call("alice", busy), arriving(call("bob", Effect.sync(() => void events.push("bob"))))], {
        concurrency: "unbounded"
      })
      const bob = events.indexOf("bob")
      assert.isAbove(bob, 0)
      assert.isBelow(bob, events.length - 1, "bob waited for the whole of alice's call")
    }))
})
