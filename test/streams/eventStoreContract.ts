/**
 * The EventStore contract: every layer (memory, Redis) must pass these, with the Effect TestClock
 * as the clock. `make(limits)` builds a fresh, empty store.
 */
import { assert, it } from "@effect/vitest"
import { Duration, Effect, type Scope, TestClock } from "effect"
import type { EventStoreLimits, EventStoreShape } from "../../src/streams/EventStore.ts"

export type MakeEventStore = (limits: EventStoreLimits) => Effect.Effect<EventStoreShape, unknown, Scope.Scope>

const limits: EventStoreLimits = {
  eventsPerStream: 50,
  streamsPerSession: 8,
  sessions: 100,
  ttl: Duration.minutes(30),
  maxBytes: 1_000_000
}
const event = (seq: string) => ({ seq, message: JSON.stringify({ jsonrpc: "2.0", id: seq, result: { n: seq } }) })
const seqs = (events: ReadonlyArray<{ readonly seq: string }>) => events.map((stored) => stored.seq)

export const eventStoreContract = (make: MakeEventStore) => {
  it.scoped("replays a stream's events after a given one, in order, with their messages", () =>
    Effect.gen(function*() {
      const store = yield* make(limits)
      for (const seq of ["a.1", "a.2", "a.3"]) yield* store.append("s1", "stream", event(seq))
      assert.deepStrictEqual(yield* store.after("s1", "stream", "a.1"), [event("a.2"), event("a.3")])
      assert.deepStrictEqual(seqs(yield* store.after("s1", "stream", undefined)), ["a.1", "a.2", "a.3"])
      assert.deepStrictEqual(yield* store.after("s1", "stream", "a.3"), [])
      // An id that is not stored (the priming event "0", or trimmed) replays the whole stream.
      assert.deepStrictEqual(seqs(yield* store.after("s1", "stream", "0")), ["a.1", "a.2", "a.3"])
    }))

  it.scoped("keeps streams and sessions apart", () =>
    Effect.gen(function*() {
      const store = yield* make(limits)
      yield* store.append("s1", "one", event("a.1"))
      yield* store.append("s1", "two", event("a.2"))
      yield* store.append("s2", "one", event("b.1"))
      assert.deepStrictEqual(seqs(yield* store.after("s1", "one", undefined)), ["a.1"])
      assert.deepStrictEqual(seqs(yield* store.after("s1", "two", undefined)), ["a.2"])
      assert.deepStrictEqual(seqs(yield* store.after("s2", "one", undefined)), ["b.1"])
      assert.deepStrictEqual(yield* store.after("s3", "one", undefined), [])
    }))

  it.scoped("removing a session drops all of its streams, and only those", () =>
    Effect.gen(function*() {
      const store = yield* make(limits)
      yield* store.append("s1", "one", event("a.1"))
      yield* store.append("s1", "two", event("a.2"))
      yield* store.append("s2", "one", event("b.1"))
      yield* store.removeSession("s1")
      assert.deepStrictEqual(yield* store.after("s1", "one", undefined), [])
      assert.deepStrictEqual(yield* store.after("s1", "two", undefined), [])
      assert.deepStrictEqual(seqs(yield* store.after("s2", "one", undefined)), ["b.1"])
      yield* store.removeSession("never")
    }))

  it.scoped("a stream keeps a bounded number of events, dropping the oldest", () =>
    Effect.gen(function*() {
      const store = yield* make(limits)
      for (let index = 1; index <= 300; index++) yield* store.append("s1", "stream", event(`a.${index}`))
      const kept = seqs(yield* store.after("s1", "stream", undefined))
      // Redis trims approximately (MAXLEN ~), whole macro-nodes at a time: bounded, newest kept.
      assert.isAtLeast(kept.length, 50)
      assert.isAtMost(kept.length, 200)
      assert.strictEqual(kept.at(-1), "a.300")
    }))

  it.scoped("tolerates messages with any characters", () =>
    Effect.gen(function*() {
      const store = yield* make(limits)
      const message = JSON.stringify({ jsonrpc: "2.0", id: 1, result: { text: "ünïcødé \u0000 \n data: x\n\n" } })
      yield* store.append("s1", "stream", { seq: "a.1", message })
      assert.deepStrictEqual(yield* store.after("s1", "stream", undefined), [{ seq: "a.1", message }])
    }))

  it.scoped("the clock alone does not end a stream within its TTL", () =>
    Effect.gen(function*() {
      const store = yield* make(limits)
      yield* store.append("s1", "stream", event("a.1"))
      yield* TestClock.adjust("29 minutes")
      assert.deepStrictEqual(seqs(yield* store.after("s1", "stream", undefined)), ["a.1"])
    }))
}
